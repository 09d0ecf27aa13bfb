/**
 * Live-path overhead: what `client.predict` costs the caller at 100% sampling, against plain fetch,
 * plain ky, a synchronous router (live then shadow in series) and awaiting both (tzientist, LaunchDarkly
 * migrations). Live answers in ~3 ms, the shadow 10× slower. Variants run interleaved in rounds, so
 * machine drift lands on all of them alike; ratios are against plain fetch in the same run.
 */
import ky from 'ky';
import { createShadowClient, memoryStore } from 'shadowcast';
import { distribution, type Distribution } from './lib/stats.ts';
import { startModelServer } from './lib/servers.ts';

export interface LivePathResult {
  sequential: Record<string, Distribution>;
  concurrent: Record<string, Distribution>;
  shadowed: number;
  predictions: number;
}

const LIVE_DELAY_MS = 3;
const SHADOW_DELAY_MS = 30;

export async function benchLivePath({ rounds = 10, perRound = 150, concurrency = 16, slowCalls = 120 } = {}): Promise<LivePathResult> {
  const live = await startModelServer(LIVE_DELAY_MS);
  const shadow = await startModelServer(SHADOW_DELAY_MS);
  const collector = await startModelServer(0); // acknowledges every batch with a 200
  const post = (url: string, input: unknown) =>
    fetch(url, { method: 'POST', body: JSON.stringify(input), headers: { 'content-type': 'application/json' } }).then((response) => response.json());

  const clientAt = (sampleRate: number) =>
    createShadowClient({
      experiment: 'bench-live-path',
      live: { url: live.url },
      shadow: { url: shadow.url },
      sampleRate,
      maxConcurrentShadows: 1024, // let every sampled call reach the shadow: the worst case for the live path
      storage: memoryStore(),
      collector: { url: collector.url },
    });
  const client = clientAt(1);
  const quarter = clientAt(0.25);
  const unsampled = clientAt(0);

  const variants: Record<string, (input: unknown) => Promise<unknown>> = {
    'plain fetch': (input) => post(live.url, input),
    'plain ky': (input) => ky.post(live.url, { json: input }).json(),
    'shadowcast predict': (input) => client.predict(input, { key: `user-${(input as { i: number }).i}` }),
    'shadowcast, 25% sampled': (input) => quarter.predict(input, { key: `user-${(input as { i: number }).i}` }),
    'shadowcast, not sampled': (input) => unsampled.predict(input, { key: `user-${(input as { i: number }).i}` }),
  };
  const slowVariants: Record<string, (input: unknown) => Promise<unknown>> = {
    'sync router (live, then shadow)': async (input) => {
      const answer = await post(live.url, input);
      await post(shadow.url, input);
      return answer;
    },
    'await both (Promise.all)': async (input) => (await Promise.all([post(live.url, input), post(shadow.url, input)]))[0],
  };

  const time = async (call: (input: unknown) => Promise<unknown>, i: number) => {
    const start = performance.now();
    await call({ i, income: 40_000 + i, debt: i % 9000 });
    return performance.now() - start;
  };

  // Warm up connections and JIT for every variant.
  for (const call of [...Object.values(variants), ...Object.values(slowVariants)]) for (let i = 0; i < 30; i++) await time(call, i);

  const sequential: Record<string, number[]> = {};
  const names = Object.keys(variants);
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, k) => names[(k + round) % names.length]!);
    for (const name of order) for (let i = 0; i < perRound; i++) (sequential[name] ??= []).push(await time(variants[name]!, round * perRound + i));
  }
  for (const [name, call] of Object.entries(slowVariants)) for (let i = 0; i < slowCalls; i++) (sequential[name] ??= []).push(await time(call, i));

  const concurrent: Record<string, number[]> = {};
  for (let round = 0; round < Math.ceil(rounds / 2); round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const samples = (concurrent[name] ??= []);
      await Promise.all(
        Array.from({ length: concurrency }, async (_, worker) => {
          for (let i = 0; i < perRound / 5; i++) samples.push(await time(variants[name]!, worker * 1000 + i));
        }),
      );
    }
  }

  await Promise.all([client.close(), quarter.close(), unsampled.close()]);
  const stats = client.stats();
  for (const server of [live, shadow, collector]) server.stop();
  const summarize = (all: Record<string, number[]>) => Object.fromEntries(Object.entries(all).map(([name, samples]) => [name, distribution(samples)]));
  return { sequential: summarize(sequential), concurrent: summarize(concurrent), shadowed: stats.shadowed, predictions: stats.predictions };
}
