/**
 * A Node service that uses shadowcast as its HTTP client: every prediction is served by the live
 * model; a quarter of users are also sent to the new model; both answers are compared within a
 * tolerance and shipped to a collector. Run: `npm run example:node`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createShadowClient, memoryStore, numeric, type Stats } from 'shadowcast';
import { scoreV1, scoreV2, startModel, type Features } from './models.ts';

export async function main({ predictions = 400, log = console.log } = {}): Promise<Stats> {
  const live = await startModel(scoreV1, 2);
  const shadow = await startModel(scoreV2, 6);
  const collector = await startCollector();

  const client = createShadowClient<Features, { score: number }>({
    experiment: 'credit-risk-v2',
    live: { url: live.url },
    shadow: { url: shadow.url, timeoutMs: 1000 },
    sampleRate: 0.25,
    compare: numeric({ abs: 0.004, path: 'score' }),
    collector: { url: collector.url },
    storage: memoryStore(),
    onError: (error) => log(`  [shadowcast] ${error.message}`),
  });

  let servedTotal = 0;
  for (let i = 0; i < predictions; i++) {
    const features = { income: 20_000 + ((i * 7919) % 90_000), debt: (i * 104_729) % 40_000, age: 20 + (i % 50) };
    const { score } = await client.predict(features, { key: `user-${i}`, context: { channel: i % 2 ? 'web' : 'branch' } });
    servedTotal += score;
  }
  const result = await client.close();
  const stats = client.stats();

  log(`served ${stats.predictions} predictions from the live model (mean score ${(servedTotal / stats.predictions).toFixed(3)})`);
  log(`shadowed ${stats.shadowed} of them (sampleRate 0.25, sticky per user)`);
  log(`agreement ${stats.agreed}/${stats.agreed + stats.disagreed} within ±0.004; outcomes ${JSON.stringify(stats.outcomes)}`);
  log(`uploaded ${stats.uploaded} records in ${collector.batches} batches; dropped ${JSON.stringify(stats.dropped)}; flush ok: ${result.ok}`);

  await Promise.all([live.close(), shadow.close(), collector.close()]);
  return stats;
}

/** A stand-in collector that acknowledges every batch (the reference one is `shadowcast collect`). */
async function startCollector() {
  const state = { batches: 0 };
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      state.batches++;
      const { records } = JSON.parse(body) as { records: unknown[] };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ accepted: records.length, duplicates: 0, rejected: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/batches`,
    get batches() {
      return state.batches;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
