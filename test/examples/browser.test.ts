import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildReport } from 'shadowcast/collector';
import { startBrowserExample, type BrowserExample } from '../../examples/browser/serve';
import { describeWithChromium, launchChromium } from '../helpers/chromium';

type PageClient = { stats(): { predictions: number; shadowed: number; uploaded: number; recorded: number }; flush(): Promise<unknown> };

describeWithChromium('examples/browser in Chromium', () => {
  let example: BrowserExample;
  let browser: Browser;
  beforeAll(async () => {
    example = await startBrowserExample({ log: () => {} });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await example?.close();
  });

  it('scores from the live model and follows the remote config: 100% sampling, then the kill switch', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(example.url);
    await page.waitForFunction(() => document.getElementById('config')?.textContent?.startsWith('version 2'));

    await page.click('button[data-publish*="\\"sampleRate\\":1}"]:not([data-publish*="false"])');
    await page.waitForFunction(() => document.getElementById('config')?.textContent?.includes('sampling 100%'));
    for (let i = 0; i < 10; i++) await page.click('#score');
    await page.waitForFunction(() => (globalThis as unknown as { shadowcast: PageClient }).shadowcast.stats().shadowed === 10);
    expect(await page.textContent('#answer')).toMatch(/^score 0\.\d{3} \(from the live model\)$/);

    await page.click('button:text("Kill switch")');
    await page.waitForFunction(() => document.getElementById('config')?.textContent?.includes('mode off'));
    for (let i = 0; i < 5; i++) await page.click('#score');
    await page.waitForFunction(() => (globalThis as unknown as { shadowcast: PageClient }).shadowcast.stats().predictions === 15);
    await page.evaluate(() => (globalThis as unknown as { shadowcast: PageClient }).shadowcast.flush());
    const stats = await page.evaluate(() => (globalThis as unknown as { shadowcast: PageClient }).shadowcast.stats());

    expect(stats).toMatchObject({ predictions: 15, shadowed: 10 });
    expect(stats.uploaded).toBe(stats.recorded);
    expect(example.calls).toEqual({ live: 15, shadow: 10 });
    const report = await buildReport(example.dataDir);
    expect(report.experiments[0]).toMatchObject({ experiment: 'credit-risk-v2', sampled: 10 });
    expect(pageErrors).toEqual([]);
  });
});
