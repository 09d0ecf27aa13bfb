/**
 * Uploader cost: requests and bytes on the wire per 1000 records (and what gzip would make of them),
 * and the time the SDK spends per record between "call finished" and "record queued" (p95).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createShadowClient, memoryStore, numeric } from 'shadowcast';
import { createStats } from '../src/client/stats.ts';
import { createRecorder, type FinishedCall } from '../src/record/recorder.ts';
import { resolveOptions } from '../src/options.ts';
import { distribution, type Distribution } from './lib/stats.ts';

export interface UploaderResult {
  records: number;
  requests: number;
  wireBytes: number;
  gzipBytes: number;
  recordCost: Distribution;
}

export async function benchUploader({ records = 1000 } = {}): Promise<UploaderResult> {
  const bodies: Buffer[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":0,"duplicates":0,"rejected":[]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = createShadowClient({
    experiment: 'bench-uploader',
    sampleRate: 1,
    storage: memoryStore(),
    compare: numeric({ abs: 0.01, path: 'score' }),
    collector: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/batches` },
  });
  for (let i = 0; i < records; i++) {
    const input = { income: 20_000 + i * 37, debt: (i * 131) % 40_000, age: 20 + (i % 50), channel: i % 3 ? 'web' : 'app' };
    await client.run({ input, key: `user-${i}`, context: { country: i % 2 ? 'DE' : 'FR' }, live: async () => ({ score: (i % 97) / 97 }), shadow: async () => ({ score: (i % 89) / 89 }) });
  }
  await client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const wireBytes = bodies.reduce((sum, body) => sum + body.length, 0);
  const gzipBytes = bodies.reduce((sum, body) => sum + gzipSync(body).length, 0);
  return { records, requests: bodies.length, wireBytes, gzipBytes, recordCost: recordCost() };
}

/** Time from a finished call to its record being queued: capture, redact, one JSON.stringify, enqueue. */
function recordCost(samples = 20_000): Distribution {
  const options = resolveOptions({ experiment: 'bench-uploader', sampleRate: 1, storage: memoryStore() });
  const record = createRecorder({ options, session: 'bench', stats: createStats(), enqueue: () => {} });
  const settings = { mode: 'shadow', sampleRate: 1, canaryRate: 0, noiseRate: 0, salt: 'shadowcast', shadowUrl: undefined, configVersion: undefined, maxConcurrentShadows: 16, maxShadowsPerMinute: Infinity, shadowTimeoutMs: 3000 } as const;
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const call: FinishedCall = {
      plan: { sampled: true, served: 'baseline', settings, noise: false, skip: undefined, key: `user-${i}` },
      input: { income: 20_000 + i, debt: i % 9000, age: 40 },
      rawKey: `user-${i}`,
      id: undefined,
      context: { country: 'DE' },
      startedAt: Date.now(),
      live: { ok: true, value: { score: 0.41 }, latencyMs: 4.2, status: 200 },
      shadow: { ok: true, value: { score: 0.44 }, latencyMs: 31.5, status: 200 },
      outcome: 'mismatch',
      skipReason: undefined,
      comparison: { match: false, kind: 'numeric', score: 0.03 },
    };
    const start = performance.now();
    record(call);
    times.push((performance.now() - start) * 1000); // µs
  }
  return distribution(times.slice(2000)); // after warm-up
}
