/**
 * The HTML report as a person opens it: the demo's real report rendered by Chromium, offline (no request
 * leaves the page), every chart drawn with a real size, nothing wider than a laptop screen, no script errors.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runDemo } from '../../examples/demo/run';
import { describeWithChromium, launchChromium } from '../helpers/chromium';

describeWithChromium('HTML report in Chromium', () => {
  it('renders the demo report offline with every chart drawn', async () => {
    const htmlPath = join(mkdtempSync(join(tmpdir(), 'shadowcast-report-')), 'report.html');
    await runDemo({ predictions: 800, htmlPath, progress: false, out: () => {} });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      await page.setContent(readFileSync(htmlPath, 'utf8'), { waitUntil: 'load' });
      const charts = await page.$$eval('svg', (svgs) => svgs.map((svg) => svg.getBoundingClientRect()).map(({ width, height }) => ({ width, height })));
      expect(charts.length).toBeGreaterThanOrEqual(3);
      for (const chart of charts) expect(chart.width * chart.height).toBeGreaterThan(100 * 50);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
      expect(await page.textContent('body')).toMatch(/NOT READY/);
      expect((await page.screenshot({ fullPage: true })).length).toBeGreaterThan(10_000);
      expect(requests.filter((url) => !url.startsWith('data:') && url !== 'about:blank')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
