// 100k predictions with the collector down, in a process of its own (run with --expose-gc): prints
// the RSS and heap growth after a full GC, and what the SDK counted as dropped.
import { createShadowClient, memoryStore } from 'shadowcast';

const predictions = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc!;
const client = createShadowClient({
  experiment: 'bench-memory',
  sampleRate: 1,
  storage: memoryStore(),
  collector: { url: 'http://127.0.0.1:9/v1/batches' }, // port 9 (discard): nothing listens, connections are refused
  capture: { input: 'full' },
  onError: () => {},
});
const output = { label: 'approve', score: 0.734, probs: [0.734, 0.266] };
gc();
const before = process.memoryUsage();
for (let i = 0; i < predictions; i++) {
  await client.run({ input: { income: 40_000 + i, debt: i % 9000, age: 40, note: 'x'.repeat(64) }, key: `user-${i}`, live: async () => output, shadow: async () => output });
  if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
}
await client.flush();
gc();
const after = process.memoryUsage();
const stats = client.stats();
process.stdout.write(JSON.stringify({ predictions, rssGrowth: after.rss - before.rss, heapGrowth: after.heapUsed - before.heapUsed, queued: stats.queued, dropped: stats.dropped, recorded: stats.recorded }));
process.exit(0);
