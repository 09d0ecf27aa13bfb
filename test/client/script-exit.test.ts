/** A plain Node script must be able to `await client.flush()` and finish: nothing pending may sit behind unref'd handles. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('lets a script run, flush and exit with every sampled call recorded', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const script = `
    import { createShadowClient, memoryStore } from 'shadowcast';
    const client = createShadowClient({ experiment: 'script', sampleRate: 1, storage: memoryStore() });
    for (let i = 0; i < 50; i++) await client.run({ input: i, live: () => i, shadow: async () => i });
    const result = await client.flush();
    console.log(JSON.stringify({ result, outcomes: client.stats().outcomes }));
  `;
  const output = execFileSync(process.execPath, ['--import', './scripts/source-hooks.mjs', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  const { result, outcomes } = JSON.parse(output) as { result: unknown; outcomes: Record<string, number> };
  // Synchronous live calls outpace shadows, so the concurrency cap skips some; every call is still recorded.
  expect((outcomes.match ?? 0) + (outcomes.skipped ?? 0)).toBe(50);
  expect(outcomes.match).toBeGreaterThanOrEqual(16);
  expect(result).toEqual({ ok: false, pending: 50 }); // memoryStore is not durable and there is no collector
});
