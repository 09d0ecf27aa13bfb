/**
 * A loopback origin for driving the SDK in a real Chromium: one server serves a blank page with the SDK
 * bundled from source (window.shadowcast), and the real collector's handler at /v1/batches (same origin,
 * so beacons need no CORS). The collector can be switched down (503) and every upload request is logged.
 */
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCollector } from 'shadowcast/collector';
import { storedIds } from './collector-data';

const ENTRY = `
  import * as shadowcast from 'shadowcast';
  window.shadowcast = shadowcast;
  window.produce = async (client, n, prefix) => {
    for (let i = 0; i < n; i++) await client.run({ id: prefix + '-' + i, input: i, live: () => i, shadow: async () => i });
  };
`;

export interface UploadRequest {
  contentType: string | undefined;
  query: string;
  status: number;
  /** Records the collector already had (from its answer). */
  duplicates: number;
}

export interface BrowserOrigin {
  url: string;
  collectorUrl: string;
  /** `up` accepts; `down` answers 503 with Retry-After: 1. */
  setCollector(state: 'up' | 'down'): void;
  uploads: UploadRequest[];
  /** Unique record ids the collector stored. */
  delivered(): string[];
  /** Records the collector received again and absorbed. */
  duplicates(): number;
  close(): Promise<void>;
}

let bundle: Promise<string> | undefined;
function sdkBundle(): Promise<string> {
  bundle ??= build({
    stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true,
    format: 'iife',
    write: false,
    target: 'es2022',
    alias: { shadowcast: fileURLToPath(new URL('../../src/index.ts', import.meta.url)) },
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  return bundle;
}

export async function startBrowserOrigin(): Promise<BrowserOrigin> {
  const script = await sdkBundle();
  const dir = mkdtempSync(join(tmpdir(), 'shadowcast-browser-collector-'));
  const collector = await createCollector({ dir });
  let state: 'up' | 'down' = 'up';
  const uploads: UploadRequest[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/v1/batches') {
      if (request.method === 'POST') {
        const entry: UploadRequest = { contentType: request.headers['content-type'], query: url.search, status: state === 'up' ? 200 : 503, duplicates: 0 };
        uploads.push(entry);
        response.on('finish', () => (entry.status = response.statusCode));
        const end = response.end.bind(response) as (...args: unknown[]) => http.ServerResponse;
        (response as { end: unknown }).end = (...args: unknown[]) => {
          if (typeof args[0] === 'string' || args[0] instanceof Buffer) {
            try {
              entry.duplicates = Number((JSON.parse(String(args[0])) as { duplicates?: number }).duplicates) || 0;
            } catch {
              // not a JSON answer
            }
          }
          return end(...args);
        };
      }
      if (state === 'down' && request.method === 'POST') {
        request.resume();
        response.writeHead(503, { 'retry-after': '1' }).end();
        return;
      }
      return collector.handler(request, response);
    }
    if (url.pathname === '/sdk.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>shadowcast test</title><script src="/sdk.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    collectorUrl: `${origin}/v1/batches`,
    setCollector: (next) => void (state = next),
    uploads,
    delivered: () => storedIds(dir),
    duplicates: () => uploads.reduce((sum, upload) => sum + upload.duplicates, 0),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await collector.close();
    },
  };
}

/** Polls until `check` is true (browser work has no completion event the test can await). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
