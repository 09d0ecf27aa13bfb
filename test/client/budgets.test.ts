/** Budgets bound the blast radius; every call they hold back is recorded as skipped with its reason. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createShadowClient, memoryStore, type ShadowClientOptions } from 'shadowcast';
import { storedRecords } from '../helpers/capture';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function setup(overrides: Partial<ShadowClientOptions> = {}) {
  const storage = memoryStore();
  let clock = 1_000_000;
  const client = createShadowClient({
    experiment: 'budgets',
    sampleRate: 1,
    storage,
    dispatch: 'parallel',
    now: () => clock,
    ...overrides,
  });
  return { client, storage, advance: (ms: number) => (clock += ms) };
}

const hang = () => new Promise<never>(() => {});

describe('maxConcurrentShadows', () => {
  it('skips shadows beyond the cap as concurrency, records their live half, and frees slots as shadows end', async () => {
    vi.useFakeTimers();
    const { client, storage } = setup({ maxConcurrentShadows: 2, shadow: { timeoutMs: 1000 } });
    for (let i = 0; i < 3; i++) await client.run({ input: i, live: async () => i, shadow: hang });
    expect(client.stats().skipped).toEqual({ concurrency: 1 });
    expect(client.stats().inFlight).toBe(2);
    await vi.advanceTimersByTimeAsync(1000); // the two hanging shadows time out
    await client.run({ input: 3, live: async () => 3, shadow: async () => 3 });
    await client.flush();
    const skipped = (await storedRecords(storage)).filter((record) => record.outcome === 'skipped');
    expect(skipped).toEqual([expect.objectContaining({ skipReason: 'concurrency', live: expect.objectContaining({ ok: true, output: 2 }) })]);
    expect(skipped[0]?.shadow).toBeUndefined();
    expect(client.stats().skipped).toEqual({ concurrency: 1 });
  });
});

describe('maxShadowsPerMinute', () => {
  it('lets a burst of N through, skips the rest as budget, and refills continuously', async () => {
    const { client, advance } = setup({ maxShadowsPerMinute: 3 });
    for (let i = 0; i < 5; i++) await client.run({ live: () => i, shadow: () => i });
    expect(client.stats().skipped).toEqual({ budget: 2 });
    advance(20_000); // one token back (3 per 60 s)
    await client.run({ live: () => 1, shadow: () => 1 });
    await client.run({ live: () => 1, shadow: () => 1 });
    expect(client.stats()).toMatchObject({ shadowed: 4, skipped: { budget: 3 } });
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive failures, probes once after resetAfterMs, and closes on success', async () => {
    const { client, advance } = setup({ circuitBreaker: { failureThreshold: 3, resetAfterMs: 30_000 } });
    const failing = () => Promise.reject(new Error('shadow down'));
    const settle = () => client.flush();

    for (let i = 0; i < 3; i++) await client.run({ live: () => 1, shadow: failing });
    await settle();
    expect(client.stats().circuit).toBe('open');

    await client.run({ live: () => 1, shadow: failing });
    expect(client.stats().skipped).toEqual({ circuit_open: 1 });

    advance(30_000);
    let probes = 0;
    const probe = () => ((probes += 1), new Promise<number>((resolve) => setTimeout(() => resolve(1), 5)));
    await client.run({ live: () => 1, shadow: probe }); // the one probe (half-open)
    expect(client.stats().circuit).toBe('half_open');
    await client.run({ live: () => 1, shadow: probe }); // held back while the probe runs
    expect(client.stats().skipped).toEqual({ circuit_open: 2 });
    await settle();
    expect(probes).toBe(1);
    expect(client.stats().circuit).toBe('closed');
    await client.run({ live: () => 1, shadow: () => 1 });
    expect(client.stats().shadowed).toBe(5);
  });

  it('reopens when the probe fails', async () => {
    const { client, advance } = setup({ circuitBreaker: { failureThreshold: 1, resetAfterMs: 1000 } });
    await client.run({ live: () => 1, shadow: () => Promise.reject(new Error('x')) });
    await client.flush();
    advance(1000);
    await client.run({ live: () => 1, shadow: () => Promise.reject(new Error('x')) });
    await client.flush();
    expect(client.stats().circuit).toBe('open');
    await client.run({ live: () => 1, shadow: () => 1 });
    expect(client.stats().skipped).toEqual({ circuit_open: 1 });
  });

  it('can be disabled', async () => {
    const { client } = setup({ circuitBreaker: false, maxConcurrentShadows: 100 });
    for (let i = 0; i < 20; i++) await client.run({ live: () => 1, shadow: () => Promise.reject(new Error('x')) });
    await client.flush();
    expect(client.stats()).toMatchObject({ circuit: 'closed', shadowErrors: 20, skipped: {} });
  });
});

describe('save-data', () => {
  it('skips the shadow when the browser user asked to save data', async () => {
    vi.stubGlobal('navigator', { connection: { saveData: true } });
    const { client, storage } = setup();
    let called = false;
    await client.run({ live: () => 1, shadow: () => ((called = true), 1) });
    await client.flush();
    expect(called).toBe(false);
    expect((await storedRecords(storage))[0]).toMatchObject({ outcome: 'skipped', skipReason: 'save_data' });
  });
});
