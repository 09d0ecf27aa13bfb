/**
 * The uploader in a real Chromium against the real collector on loopback: IndexedDB persistence across a
 * reload, delivery by keepalive/beacon when a tab closes, offline then online, two tabs sharing one store,
 * a tiny storage quota, corrupt entries. Unique deliveries + counted drops must equal what was produced.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { startBrowserOrigin, eventually, type BrowserOrigin } from '../helpers/browser-harness';
import { describeWithChromium, launchChromium, launchChromiumProfile } from '../helpers/chromium';
import { matrixRow, renderMatrix, type MatrixRow } from '../helpers/loss-account';

type PageStats = { dropped: Record<string, number>; queued: number; storage: string; uploaded: number };

describeWithChromium('uploader in Chromium', () => {
  let browser: Browser;
  let origin: BrowserOrigin;
  let context: BrowserContext;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  const rows: MatrixRow[] = [];
  afterAll(async () => {
    await browser?.close();
    console.log(renderMatrix('Fault matrix (real Chromium, real collector on 127.0.0.1)', rows));
  });
  async function account(scenario: string, produced: number, ...pages: Page[]) {
    const dropped: Record<string, number> = {};
    for (const page of pages) {
      if (page.isClosed()) continue;
      for (const [reason, n] of Object.entries((await stats(page)).dropped)) dropped[reason] = (dropped[reason] ?? 0) + n;
    }
    const row = matrixRow(scenario, produced, origin.delivered().length, origin.duplicates(), dropped);
    rows.push(row);
    expect(row.unexplained, JSON.stringify(row)).toBe(0);
  }
  beforeEach(async () => {
    origin = await startBrowserOrigin();
    context = await browser.newContext(); // a fresh profile: empty IndexedDB
  });
  afterEach(async () => {
    await context?.close();
    await origin?.close();
  });

  async function openClient(page: Page, upload: Record<string, number> = {}, extra: Record<string, unknown> = {}) {
    if (page.url() === 'about:blank') await page.goto(origin.url);
    await page.waitForFunction(() => 'shadowcast' in window);
    await page.evaluate(
      ({ url, upload, extra }) => {
        const w = window as unknown as { shadowcast: { createShadowClient(o: unknown): unknown }; client: unknown; errors: string[] };
        w.errors = [];
        w.client = w.shadowcast.createShadowClient({ experiment: 'browser', sampleRate: 1, collector: { url }, upload, onError: (e: Error) => w.errors.push(e.message), ...extra });
      },
      { url: origin.collectorUrl, upload, extra },
    );
  }
  const produce = (page: Page, n: number, prefix: string) =>
    page.evaluate(({ n, prefix }) => (window as unknown as { produce(c: unknown, n: number, p: string): Promise<void>; client: unknown }).produce((window as unknown as { client: unknown }).client, n, prefix), { n, prefix });
  const stats = (page: Page) => page.evaluate(() => (window as unknown as { client: { stats(): PageStats } }).client.stats());
  const flush = (page: Page) => page.evaluate(() => (window as unknown as { client: { flush(): Promise<unknown> } }).client.flush());
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

  it('records survive a reload: persisted in IndexedDB, delivered by the next page', async () => {
    origin.setCollector('down');
    const page = await context.newPage();
    await openClient(page);
    await produce(page, 50, 'reload');
    await page.waitForTimeout(1300); // past the 1 s checkpoint
    expect(await stats(page)).toMatchObject({ storage: 'indexeddb', uploaded: 0 });
    await page.reload();
    origin.setCollector('up');
    await openClient(page);
    await eventually(() => origin.delivered().length === 50, 30_000);
    expect(origin.delivered().sort()).toEqual(ids('reload', 50).sort());
    await account('reload (collector down, then up)', 50, page);
  });

  it('closing the tab delivers what is pending by keepalive/beacon (text/plain, CORS-simple)', async () => {
    const page = await context.newPage();
    await openClient(page, { flushIntervalMs: 60_000 }); // nothing would be sent by time
    await produce(page, 30, 'close');
    await page.close({ runBeforeUnload: false });
    await eventually(() => origin.delivered().length === 30, 10_000);
    expect(origin.uploads.some((upload) => upload.contentType?.startsWith('text/plain'))).toBe(true);
    await account('tab close (keepalive/beacon)', 30);
  });

  it('batches sealed before the tab closes go out gzipped (prepared at seal time, signalled by ?enc=gzip)', async () => {
    origin.setCollector('down');
    const page = await context.newPage();
    await openClient(page, { maxBatchRecords: 10, flushIntervalMs: 60_000 });
    await produce(page, 30, 'gzip'); // three sealed batches; the collector refuses them (503, Retry-After: 1)
    await page.waitForTimeout(300); // gzip is ready well before a real page hides
    origin.setCollector('up');
    await page.close({ runBeforeUnload: false }); // within the 1 s pause: only the unload path can deliver now
    await eventually(() => origin.delivered().length === 30, 10_000);
    expect(origin.uploads.filter((upload) => upload.query.includes('enc=gzip') && upload.status === 200).length).toBeGreaterThanOrEqual(1);
    await account('tab close, gzipped beacons', 30);
  });

  it('offline then online: nothing is lost, delivery resumes on the online event', async () => {
    const page = await context.newPage();
    await openClient(page, { flushIntervalMs: 500 });
    await context.setOffline(true);
    await produce(page, 20, 'offline');
    await page.waitForTimeout(1500);
    expect(origin.delivered()).toEqual([]);
    expect((await stats(page)).queued).toBe(20);
    await context.setOffline(false);
    await eventually(() => origin.delivered().length === 20, 10_000);
    expect((await stats(page)).dropped).toEqual({});
    await account('offline, then online', 20, page);
  });

  it('two tabs on one store: every record delivered once after dedupe, none dropped', async () => {
    origin.setCollector('down');
    const [a, b] = [await context.newPage(), await context.newPage()];
    await openClient(a, { flushIntervalMs: 500 });
    await openClient(b, { flushIntervalMs: 500 });
    await Promise.all([produce(a, 40, 'tab-a'), produce(b, 40, 'tab-b')]);
    await a.waitForTimeout(1000);
    origin.setCollector('up');
    await eventually(() => origin.delivered().length === 80, 30_000);
    await Promise.all([flush(a), flush(b)]);
    expect(origin.delivered().sort()).toEqual([...ids('tab-a', 40), ...ids('tab-b', 40)].sort());
    const [sa, sb] = [await stats(a), await stats(b)];
    expect({ ...sa.dropped, ...sb.dropped }).toEqual({});
    await account('two tabs, one IndexedDB', 80, a, b);
  });

  it('a corrupt stored entry is removed on its own and counted; the rest is delivered', async () => {
    const page = await context.newPage();
    await page.goto(origin.url);
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('shadowcast');
        request.onupgradeneeded = () => request.result.createObjectStore('kv');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      await new Promise<void>((resolve) => {
        const tx = db.transaction('kv', 'readwrite');
        tx.objectStore('kv').put('{"v":1,"batchId":"x"}\n{"id":"half a rec', 'seg/000000001-dead-00000.3.1a');
        tx.objectStore('kv').put(42, 'seg/000000002-dead-00001.2.10');
        tx.oncomplete = () => resolve();
      });
      db.close();
    });
    await openClient(page, { flushIntervalMs: 500 });
    await produce(page, 5, 'good');
    await flush(page);
    await eventually(() => origin.delivered().length === 5);
    expect((await stats(page)).dropped).toEqual({ corrupt: 5 });
    await account('corrupt entries (2 in IndexedDB)', 10, page);
  });

  it('a tiny storage quota: QuotaExceededError evicts the oldest and counts them; produced = delivered + dropped', async () => {
    await context.close();
    context = await launchChromiumProfile(); // incognito contexts keep storage in memory, without a quota
    const page = await context.newPage();
    await page.goto(origin.url);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(origin.url).origin, quotaSize: 400 * 1024 });
    origin.setCollector('down');
    await openClient(page, { flushIntervalMs: 200, maxBatchRecords: 20 }, { capture: { input: 'full' } });
    await page.evaluate(async () => {
      const w = window as unknown as { client: { run(c: unknown): Promise<unknown> } };
      // Incompressible padding: IndexedDB compresses values, so repeated characters would never fill it.
      const pad = () => Array.from(crypto.getRandomValues(new Uint8Array(1500)), (b) => b.toString(36)).join('');
      for (let i = 0; i < 600; i++) await w.client.run({ id: `quota-${i}`, input: { i, pad: pad() }, live: () => i, shadow: async () => i });
    });
    await flush(page);
    const full = await stats(page);
    expect(full.dropped.storage_full ?? 0).toBeGreaterThan(0);
    expect(full.storage).toBe('indexeddb'); // evicting made room: no fallback to memory
    expect(await page.evaluate(() => (window as unknown as { errors: string[] }).errors.some((m) => /store is full/.test(m)))).toBe(true);
    origin.setCollector('up');
    await eventually(async () => (await stats(page)).queued === 0, 30_000);
    const after = await stats(page);
    expect(origin.delivered().length + (after.dropped.storage_full ?? 0) + (after.dropped.queue_full ?? 0)).toBe(600);
    await account('storage quota 400 KB (real QuotaExceededError)', 600, page);
  });
});
