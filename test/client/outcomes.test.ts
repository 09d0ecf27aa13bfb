/** Every sampled call ends in exactly one outcome (contract), and each is recorded with its halves. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createShadowClient, memoryStore, numeric, type Comparator, type ShadowClientOptions } from 'shadowcast';
import { RecordSchema } from '../../src/schema/wire';
import { deferred, storedRecords } from '../helpers/capture';

afterEach(() => {
  vi.useRealTimers();
});

function setup(overrides: Partial<ShadowClientOptions> = {}) {
  const storage = memoryStore();
  const errors: Error[] = [];
  const client = createShadowClient({
    experiment: 'outcomes',
    sampleRate: 1,
    storage,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  const records = async () => {
    await client.flush();
    const all = await storedRecords(storage);
    for (const record of all) expect(RecordSchema.safeParse(record).success).toBe(true);
    return all;
  };
  return { client, errors, records };
}

const fail = (message: string) => () => Promise.reject(new Error(message));

describe('outcomes', () => {
  it('match: both succeed and the comparator agrees', async () => {
    const { client, records } = setup();
    await client.run({ input: 1, live: async () => ({ y: 1 }), shadow: async () => ({ y: 1 }) });
    const [record] = await records();
    expect(record).toMatchObject({ outcome: 'match', live: { ok: true, output: { y: 1 } }, shadow: { ok: true, output: { y: 1 } }, comparison: { match: true, kind: 'exact' } });
    expect(client.stats()).toMatchObject({ sampled: 1, shadowed: 1, agreed: 1, disagreed: 0, recorded: 1 });
  });

  it('mismatch: both succeed and the comparator disagrees, with its diff', async () => {
    const { client, records } = setup({ compare: numeric({ abs: 0.01 }) });
    await client.run({ live: async () => 0.5, shadow: async () => 0.7 });
    const [record] = await records();
    expect(record).toMatchObject({ outcome: 'mismatch', comparison: { match: false, kind: 'numeric', diff: { reason: 'tolerance' } } });
    expect(client.stats().disagreed).toBe(1);
  });

  it('live_error: the live call fails and the shadow succeeds (the caller still gets the live error)', async () => {
    const { client, records } = setup();
    await expect(client.run({ live: fail('live down'), shadow: async () => 1 })).rejects.toThrow('live down');
    const [record] = await records();
    expect(record).toMatchObject({ outcome: 'live_error', live: { ok: false, error: 'error', message: 'live down' }, shadow: { ok: true, output: 1 } });
  });

  it('both_error: the live call fails and the shadow fails too', async () => {
    const { client, records } = setup();
    await expect(client.run({ live: fail('a'), shadow: fail('b') })).rejects.toThrow('a');
    expect((await records())[0]?.outcome).toBe('both_error');
  });

  it('both_error: the live call fails and the shadow times out', async () => {
    vi.useFakeTimers();
    const { client, records } = setup({ shadow: { timeoutMs: 100 } });
    await expect(client.run({ live: fail('a'), shadow: () => new Promise(() => {}) })).rejects.toThrow('a');
    await vi.advanceTimersByTimeAsync(100);
    expect((await records())[0]).toMatchObject({ outcome: 'both_error', shadow: { ok: false, error: 'timeout' } });
  });

  it('shadow_error: the shadow fails, reported to onError and counted', async () => {
    const { client, records, errors } = setup();
    await client.run({ live: async () => 1, shadow: fail('shadow broke') });
    expect((await records())[0]).toMatchObject({ outcome: 'shadow_error', shadow: { ok: false, message: 'shadow broke' } });
    expect(client.stats().shadowErrors).toBe(1);
    expect(errors[0]?.message).toMatch(/shadow call failed/);
  });

  it('shadow_timeout: the shadow outlives its timeout and is aborted through its signal', async () => {
    vi.useFakeTimers();
    const { client, records } = setup({ shadow: { timeoutMs: 3000 } });
    let signal: AbortSignal | undefined;
    await client.run({
      live: async () => 1,
      shadow: (state) => {
        signal = state.signal;
        return new Promise(() => {});
      },
    });
    await vi.advanceTimersByTimeAsync(2999);
    expect(client.stats().shadowTimeouts).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(signal?.aborted).toBe(true);
    expect((await records())[0]).toMatchObject({ outcome: 'shadow_timeout', shadow: { ok: false, error: 'timeout' } });
    expect(client.stats().shadowTimeouts).toBe(1);
  });

  it('shadow_aborted: close() lets in-flight shadows finish for half its budget, then aborts and still records them', async () => {
    vi.useFakeTimers();
    const storage = memoryStore();
    const c = createShadowClient({ experiment: 'outcomes', sampleRate: 1, storage, flushTimeoutMs: 1000, shadow: { timeoutMs: 60_000 } });
    let finished = false;
    await c.run({ live: async () => 1, shadow: () => new Promise((resolve) => setTimeout(() => ((finished = true), resolve(1)), 400)) });
    await c.run({ live: async () => 2, shadow: () => new Promise(() => {}) });
    const closed = c.close();
    await vi.advanceTimersByTimeAsync(500);
    await closed;
    expect(finished).toBe(true);
    const outcomes = (await storedRecords(storage)).map((record) => record.outcome);
    expect(outcomes.sort()).toEqual(['match', 'shadow_aborted']);
    const aborted = (await storedRecords(storage)).find((record) => record.outcome === 'shadow_aborted');
    expect(aborted).toMatchObject({ live: { ok: true, output: 2 }, shadow: { ok: false, error: 'aborted' } });
  });

  it('compare_error: the comparator throws, never the caller', async () => {
    const explode: Comparator = () => {
      throw new Error('comparator bug');
    };
    const { client, records, errors } = setup({ compare: explode });
    await expect(client.run({ live: async () => 1, shadow: async () => 1 })).resolves.toBe(1);
    expect((await records())[0]).toMatchObject({ outcome: 'compare_error' });
    expect(errors[0]?.message).toMatch(/comparator threw/);
  });

  it('compare_error: the comparator returns something that is not { match: boolean }', async () => {
    const { client, records } = setup({ compare: (() => 'yes') as unknown as Comparator });
    await client.run({ live: async () => 1, shadow: async () => 1 });
    expect((await records())[0]?.outcome).toBe('compare_error');
  });

  it('skipped (closed): a call made after close() is served and recorded with its live half only', async () => {
    const storage = memoryStore();
    const c = createShadowClient({ experiment: 'outcomes', sampleRate: 1, storage });
    await c.close();
    let shadowCalled = false;
    const shadow = () => {
      shadowCalled = true;
      return 'unused';
    };
    await expect(c.run({ live: async () => 'served', shadow })).resolves.toBe('served');
    expect(shadowCalled).toBe(false);
    expect(c.stats().skipped).toEqual({ closed: 1 });
    expect(c.stats().dropped).toEqual({ closed: 1 }); // its record arrived after close
  });

  it('counts every sampled call exactly once across outcomes', async () => {
    const { client, records } = setup();
    const plans = [
      () => client.run({ live: async () => 1, shadow: async () => 1 }),
      () => client.run({ live: async () => 1, shadow: async () => 2 }),
      () => client.run({ live: fail('x'), shadow: async () => 1 }).catch(() => {}),
      () => client.run({ live: async () => 1, shadow: fail('y') }),
    ];
    await Promise.all(plans.map((plan) => plan()));
    const all = await records();
    const stats = client.stats();
    const outcomeTotal = Object.values(stats.outcomes).reduce((a, b) => a + (b ?? 0), 0);
    expect(stats.sampled).toBe(4);
    expect(outcomeTotal).toBe(4);
    expect(all).toHaveLength(4);
    expect(new Set(all.map((record) => record.id)).size).toBe(4);
  });

  it('waits for a slow live call before starting the shadow in after-live dispatch, and starts both at once in parallel', async () => {
    for (const dispatch of ['after-live', 'parallel'] as const) {
      const { client } = setup({ dispatch });
      const live = deferred<number>();
      let shadowStarted = false;
      const result = client.run({ live: () => live.promise, shadow: () => ((shadowStarted = true), 1) });
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(shadowStarted).toBe(dispatch === 'parallel');
      live.resolve(1);
      await result;
      await client.flush();
      expect(shadowStarted).toBe(true);
    }
  });
});
