/**
 * In a real Chromium: 200 predictions/s for 10 s at 100% sampling, against plain fetch in the same page
 * setup. Counts long tasks (> 50 ms, PerformanceObserver 'longtask') and the live latency each way.
 * One loopback server serves the page, the bundled SDK, both models and a collector (same origin).
 */
import { build } from 'esbuild';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium, MISSING_CHROMIUM } from '../scripts/chromium.ts';
import { distribution, type Distribution } from './lib/stats.ts';
import { startModelServer } from './lib/servers.ts';

export interface BrowserResult {
  predictions: Record<string, number>;
  longTasks: Record<string, number>;
  longestTaskMs: Record<string, number>;
  latency: Record<string, Distribution>;
  uploaded: number;
}

const PAGE_SCRIPT = `
import { createShadowClient, numeric } from 'shadowcast';
import ky from 'ky';
window.runLoad = async ({ mode, rate, seconds, liveUrl, shadowUrl }) => {
  const longTasks = [];
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) longTasks.push(entry.duration); }).observe({ type: 'longtask', buffered: false });
  const client = mode.startsWith('shadowcast') ? createShadowClient({
    experiment: 'bench-browser', live: { url: liveUrl },
    shadow: { url: shadowUrl }, sampleRate: mode === 'shadowcast 25%' ? 0.25 : 1, compare: numeric({ abs: 0.01, path: 'score' }),
    collector: { url: location.origin + '/collect' },
  }) : undefined;
  // 'on-device shadow': the SDK's whole main-thread pipeline, but no second network request.
  const call = (input) => mode === 'shadowcast, on-device shadow'
    ? client.run({ input, key: 'u' + input.i, live: () => ky.post(liveUrl, { json: input }).json(), shadow: () => ({ score: 0.5 }) })
    : client ? client.predict(input, { key: 'u' + input.i })
    : mode === 'ky' ? ky.post(liveUrl, { json: input }).json()
    : fetch(liveUrl, { method: 'POST', body: JSON.stringify(input), headers: { 'content-type': 'application/json' } }).then((r) => r.json());
  const latencies = []; const pending = []; const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const start = performance.now();
    pending.push(call({ i, income: 40000 + i, debt: i % 9000 }).then(() => latencies.push(performance.now() - start)));
    await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
  }
  await Promise.all(pending);
  const uploaded = client ? (await client.close(), client.stats().uploaded) : 0;
  return { predictions: latencies.length, latencies, longTasks, uploaded };
};
`;

export async function benchBrowser({ rate = 200, seconds = 10, modes = ['fetch', 'ky', 'shadowcast', 'shadowcast 25%', 'shadowcast, on-device shadow'] } = {}): Promise<BrowserResult> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const bundle = await build({
    stdin: { contents: PAGE_SCRIPT, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    alias: { shadowcast: `${root}src/index.ts` },
    logLevel: 'silent',
  });
  let uploadedRecords = 0;
  // The page and the collector; each model runs in a process of its own (bench/lib/model-server.mjs).
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      const answer = (status: number, type: string, text: string) => response.writeHead(status, { 'content-type': type }).end(text);
      if (request.url === '/') return answer(200, 'text/html', '<!doctype html><script type="module" src="/app.js"></script>');
      if (request.url === '/app.js') return answer(200, 'text/javascript', bundle.outputFiles[0]!.text);
      if (request.url === '/collect') {
        uploadedRecords += (JSON.parse(body) as { records: unknown[] }).records.length;
        return answer(200, 'application/json', '{"accepted":0,"duplicates":0,"rejected":[]}');
      }
      return answer(404, 'text/plain', 'not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const live = await startModelServer(3);
  const shadow = await startModelServer(30);
  const browser = await chromium.launch({
    executablePath: findChromium() ?? MISSING_CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  const result: BrowserResult = { predictions: {}, longTasks: {}, longestTaskMs: {}, latency: {}, uploaded: 0 };
  try {
    for (const mode of modes) {
      const page = await browser.newPage();
      await page.goto(origin);
      await page.waitForFunction(() => 'runLoad' in window);
      const run = (await page.evaluate(
        (options) => (window as unknown as { runLoad: (o: unknown) => Promise<unknown> }).runLoad(options),
        { mode, rate, seconds, liveUrl: live.url, shadowUrl: shadow.url },
      )) as { predictions: number; latencies: number[]; longTasks: number[]; uploaded: number };
      result.predictions[mode] = run.predictions;
      result.longTasks[mode] = run.longTasks.length;
      result.longestTaskMs[mode] = Math.max(0, ...run.longTasks);
      result.latency[mode] = distribution(run.latencies);
      if (run.uploaded) result.uploaded = run.uploaded;
      await page.close();
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    live.stop();
    shadow.stop();
  }
  result.uploaded = Math.min(result.uploaded, uploadedRecords);
  return result;
}
