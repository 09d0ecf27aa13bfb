/**
 * The browser example: one loopback server for the page, its script (bundled from the SDK's source with
 * esbuild), two model endpoints, the remote-config document and the collector.
 *   npm run example:browser        then open the printed URL
 * Everything is same-origin, so no CORS is needed; a real deployment passes `--allow-origin` to the collector.
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCollector } from 'shadowcast/collector';
import { scoreV1, scoreV2, type Features } from '../node-service/models.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const EXPERIMENT = 'credit-risk-v2';

export interface BrowserExample {
  url: string;
  /** The collector's data directory (`npx shadowcast report --dir` reads it). */
  dataDir: string;
  /** Calls each model endpoint received, shadow calls marked by `x-shadow-request: 1`. */
  calls: { live: number; shadow: number };
  /** The remote-config document in force. */
  document(): { version: number; experiments: Record<string, { enabled: boolean; sampleRate: number }> };
  close(): Promise<void>;
}

export async function startBrowserExample(options: { port?: number; dataDir?: string; log?: (line: string) => void } = {}): Promise<BrowserExample> {
  const bundle = await build({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    format: 'esm',
    write: false,
    minify: true,
    target: 'es2022',
    alias: { shadowcast: join(here, '../../src/index.ts') },
    logLevel: 'silent',
  });
  const app = bundle.outputFiles[0]!.text;
  const html = readFileSync(join(here, 'index.html'), 'utf8');
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'shadowcast-browser-'));
  const collector = await createCollector({ dir: dataDir });
  const calls = { live: 0, shadow: 0 };
  let origin = '';
  let document = { version: 1, issuedAt: new Date().toISOString(), hashVersion: 1, experiments: {} as Record<string, { enabled: boolean; mode: string; sampleRate: number; shadowUrl: string }> };
  const publish = (change: { enabled: boolean; sampleRate: number }) => {
    document = {
      ...document,
      version: document.version + 1,
      issuedAt: new Date().toISOString(),
      experiments: { [EXPERIMENT]: { mode: 'shadow', shadowUrl: `${origin}/v1/models/credit-risk-v2/predict`, ...change } },
    };
  };

  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/v1/batches') return collector.handler(request, response);
    readBody(request).then((body) => {
      if (path === '/') return send(response, 200, 'text/html; charset=utf-8', html);
      if (path === '/app.js') return send(response, 200, 'text/javascript; charset=utf-8', app);
      if (path === '/shadowcast.json') {
        const etag = `"v${document.version}"`;
        if (request.headers['if-none-match'] === etag) return send(response, 304, 'application/json', '', { etag });
        return send(response, 200, 'application/json', JSON.stringify(document), { etag, 'cache-control': 'no-cache' });
      }
      if (path === '/admin/config' && request.method === 'POST') {
        const change = JSON.parse(body) as { enabled: boolean; sampleRate: number };
        publish(change);
        (options.log ?? console.log)(`published config v${document.version}: ${change.enabled ? `sampling ${change.sampleRate * 100}%` : 'kill switch (enabled: false)'}`);
        return send(response, 204, 'text/plain', '');
      }
      const model = /^\/v1\/models\/credit-risk-(v1|v2)\/predict$/.exec(path);
      if (model && request.method === 'POST') {
        const features = JSON.parse(body) as Features;
        if (request.headers['x-shadow-request'] === '1') calls.shadow++;
        else calls.live++;
        const score = model[1] === 'v1' ? scoreV1(features) : scoreV2(features);
        return setTimeout(() => send(response, 200, 'application/json', JSON.stringify({ score })), model[1] === 'v1' ? 5 : 12);
      }
      send(response, 404, 'text/plain', 'not found');
    }, () => send(response, 400, 'text/plain', 'bad request'));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  publish({ enabled: true, sampleRate: 0.1 });

  return {
    url: `${origin}/`,
    dataDir,
    calls,
    document: () => document,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await collector.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': type, ...headers });
  response.end(status === 304 || status === 204 ? undefined : body);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dataDir = process.argv[2] ?? 'shadow-data';
  const example = await startBrowserExample({ dataDir, port: Number(process.env.PORT ?? 5173) });
  console.log(`browser example on ${example.url}  (records in ${dataDir}; Ctrl+C to stop)`);
  console.log(`read the report any time: npx shadowcast report --dir ${dataDir}`);
  process.once('SIGINT', () => void example.close().then(() => process.exit(0)));
}
