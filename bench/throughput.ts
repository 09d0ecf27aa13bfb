/**
 * Throughput in Node at 100% sampling: a closed loop of concurrent workers calling as fast as answers
 * come back, for plain fetch and for shadowcast with a slow (10×) and with a hanging shadow. The hanging
 * case shows the budgets at work: the timeout and concurrency cap keep the shadow from dragging the
 * live path down. Variants alternate in short slices so drift lands on each alike.
 */
import { createShadowClient, memoryStore, type ShadowClient } from 'shadowcast';
import { startModelServer } from './lib/servers.ts';

export interface ThroughputResult {
  perSecond: Record<string, number>;
  shadowed: Record<string, number>;
  skipped: Record<string, Record<string, number>>;
}

export async function benchThroughput({ workers = 32, sliceMs = 2000, slices = 3 } = {}): Promise<ThroughputResult> {
  const live = await startModelServer(3);
  const slow = await startModelServer(30);
  const hanging = await startModelServer('hang');
  const collector = await startModelServer(0);
  const client = (shadowUrl: string): ShadowClient =>
    createShadowClient({
      experiment: 'bench-throughput',
      live: { url: live.url },
      shadow: { url: shadowUrl, timeoutMs: 1000 },
      sampleRate: 1,
      storage: memoryStore(),
      collector: { url: collector.url },
    });
  const slowClient = client(slow.url);
  const hangingClient = client(hanging.url);
  const post = (input: unknown) =>
    fetch(live.url, { method: 'POST', body: JSON.stringify(input), headers: { 'content-type': 'application/json' } }).then((response) => response.json());

  const variants: Record<string, (i: number) => Promise<unknown>> = {
    'plain fetch': (i) => post({ i }),
    'shadowcast, shadow 10× slower': (i) => slowClient.predict({ i }, { key: `u${i}` }),
    'shadowcast, shadow hanging': (i) => hangingClient.predict({ i }, { key: `u${i}` }),
  };
  const completed: Record<string, number> = {};
  const elapsed: Record<string, number> = {};

  const runSlice = async (name: string, call: (i: number) => Promise<unknown>) => {
    const start = performance.now();
    const until = start + sliceMs;
    let done = 0;
    await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        for (let i = 0; performance.now() < until; i++) {
          await call(worker * 1_000_000 + i);
          done++;
        }
      }),
    );
    completed[name] = (completed[name] ?? 0) + done;
    elapsed[name] = (elapsed[name] ?? 0) + (performance.now() - start);
  };

  for (const call of Object.values(variants)) for (let i = 0; i < 100; i++) await call(i); // warm-up
  const names = Object.keys(variants);
  for (let slice = 0; slice < slices; slice++) for (const name of slice % 2 ? [...names].reverse() : names) await runSlice(name, variants[name]!);

  await Promise.all([slowClient.close(), hangingClient.close()]);
  for (const server of [live, slow, hanging, collector]) server.stop();
  const stats = { 'shadowcast, shadow 10× slower': slowClient.stats(), 'shadowcast, shadow hanging': hangingClient.stats() };
  return {
    perSecond: Object.fromEntries(names.map((name) => [name, (completed[name]! / elapsed[name]!) * 1000])),
    shadowed: Object.fromEntries(Object.entries(stats).map(([name, s]) => [name, s.shadowed])),
    skipped: Object.fromEntries(Object.entries(stats).map(([name, s]) => [name, s.skipped as Record<string, number>])),
  };
}
