/**
 * The fault matrix, simulated in Node with fake timers: a collector that dedupes by record id behind scripted
 * faults, clients producing one record every 100 ms, a shared store where the scenario needs one. Each
 * scenario prints its row; every record produced must be delivered or counted as dropped (unexplained 0).
 * Browser scenarios (reload, tab close, offline/online, two tabs, quota, corrupt) run in real Chromium in
 * test/browser-lifecycle, and kill -9 with real processes in test/node; they print their rows too.
 */
import { afterAll, afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createShadowClient, memoryStore, type ShadowClient, type Store } from 'shadowcast';
import { createScriptedCollector, type Behaviour } from '../helpers/fake-collector';
import { createTestStore } from '../helpers/fake-store';
import { matrixRow, renderMatrix, type MatrixRow } from '../helpers/loss-account';

/** Fetch and store that stop answering, as for a process killed at that instant. */
function killable(fetch: typeof globalThis.fetch, store: Store) {
  let dead = false;
  const never = <T>() => new Promise<T>(() => {});
  return {
    fetch: ((...args: Parameters<typeof fetch>) => (dead ? never<Response>() : fetch(...args))) as typeof fetch,
    store: {
      kind: store.kind,
      get: (key) => (dead ? never() : store.get(key)),
      set: (key, value) => (dead ? never() : store.set(key, value)),
      delete: (keys) => (dead ? never() : store.delete(keys)),
      keys: (prefix) => (dead ? never() : store.keys(prefix)),
    } satisfies Store,
    kill: () => void (dead = true),
  };
}

function makeClient(fetch: typeof globalThis.fetch, storage: Store, upload = {}): ShadowClient {
  return createShadowClient({
    experiment: 'faults',
    sampleRate: 1,
    collector: { url: 'http://collector.test/v1/batches' },
    fetch,
    storage,
    upload: { flushIntervalMs: 2000, ...upload },
    onError: () => {},
  });
}

let produced = 0;
async function produce(client: ShadowClient, count: number, everyMs = 100): Promise<void> {
  for (let i = 0; i < count; i++) {
    await client.run({ id: `r-${produced++}`, input: i, live: () => i, shadow: async () => i });
    await vi.advanceTimersByTimeAsync(everyMs);
  }
}

/** Lets simulated time run until the clients have nothing queued (at most `limitMs`). */
async function settle(clients: ShadowClient[], limitMs = 30 * 60_000): Promise<void> {
  let waited = 0;
  do {
    await vi.advanceTimersByTimeAsync(1000); // at least once: a new client first finds what the store holds
    waited += 1000;
  } while (waited < limitMs && clients.some((client) => client.stats().queued > 0));
}

function sumDrops(...clients: ShadowClient[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const client of clients) for (const [reason, n] of Object.entries(client.stats().dropped)) total[reason] = (total[reason] ?? 0) + (n ?? 0);
  return total;
}

const rows: MatrixRow[] = [];
beforeEach(() => {
  produced = 0;
  vi.useFakeTimers({ now: Date.parse('2026-11-22T10:00:00Z') });
});
afterEach(() => vi.useRealTimers());
afterAll(() => console.log(renderMatrix('Fault matrix (Node, simulated time; durable store unless noted)', rows)));

async function scenario(name: string, behaviour: Behaviour, run: (fetch: typeof globalThis.fetch) => Promise<ShadowClient[]>) {
  const collector = createScriptedCollector(behaviour);
  const clients = await run(collector.fetch);
  await settle(clients);
  for (const client of clients) await client.close();
  const dropped = sumDrops(...clients);
  const row = matrixRow(name, produced, collector.unique.size, collector.duplicates(), dropped);
  rows.push(row);
  expect(row.unexplained, JSON.stringify(row)).toBe(0);
  // Every counted drop also reached the collector in some batch's `dropped`.
  expect(collector.reportedDrops).toEqual(Object.fromEntries(Object.entries(dropped).filter(([, n]) => n > 0)));
  return row;
}

it('collector down for 60 s (connection refused), then back', async () => {
  const start = Date.now();
  const row = await scenario('collector down 60 s', ({ now }) => (now - start < 60_000 ? 'network' : undefined), async (fetch) => {
    const client = makeClient(fetch, createTestStore('durable'));
    await produce(client, 300);
    return [client];
  });
  expect(row.delivered).toBe(300);
});

it('30% of requests answered 503', async () => {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const row = await scenario('30% 503', () => (random() < 0.3 ? { status: 503 } : undefined), async (fetch) => {
    const client = makeClient(fetch, createTestStore('durable'));
    await produce(client, 300);
    return [client];
  });
  expect(row.delivered).toBe(300);
});

it('429 with Retry-After in seconds', async () => {
  const row = await scenario('429 Retry-After: 5', ({ n }) => (n < 3 ? { status: 429, headers: { 'retry-after': '5' } } : undefined), async (fetch) => {
    const client = makeClient(fetch, createTestStore('durable'));
    await produce(client, 200);
    return [client];
  });
  expect(row.delivered).toBe(200);
});

it('429 with Retry-After as an HTTP-date', async () => {
  const row = await scenario('429 Retry-After: <HTTP-date>', ({ n, now }) => (n < 3 ? { status: 429, headers: { 'retry-after': new Date(now + 7000).toUTCString() } } : undefined), async (fetch) => {
    const client = makeClient(fetch, createTestStore('durable'));
    await produce(client, 200);
    return [client];
  });
  expect(row.delivered).toBe(200);
});

it('413 for any batch over 12 records (split until it fits)', async () => {
  const row = await scenario('413 over 12 records', ({ records }) => (records > 12 ? { status: 413 } : undefined), async (fetch) => {
    const client = makeClient(fetch, createTestStore('durable'), { maxBatchRecords: 50 });
    await produce(client, 200, 20);
    return [client];
  });
  expect(row.delivered).toBe(200);
});

it('a process crash while the collector is down, restarted on the same store', async () => {
  const start = Date.now();
  await scenario('crash + restart (same store)', ({ now }) => (now - start < 20_000 ? 'network' : undefined), async (fetch) => {
    const store = createTestStore('durable');
    const first = killable(fetch, store);
    const crashed = makeClient(first.fetch, first.store);
    await produce(crashed, 150);
    await vi.advanceTimersByTimeAsync(1200); // past the 1 s checkpoint of the open batch
    first.kill();
    const restarted = makeClient(fetch, store);
    return [restarted];
  });
});

it('two clients on one store, the collector flapping', async () => {
  const start = Date.now();
  await scenario('two clients, one store', ({ now }) => (Math.floor((now - start) / 5000) % 2 === 0 ? { status: 503 } : undefined), async (fetch) => {
    const store = createTestStore('durable');
    const a = makeClient(fetch, store);
    const b = makeClient(fetch, store);
    await Promise.all([produce(a, 150), produce(b, 150)]);
    return [a, b];
  });
});

it('a store that runs out of quota while the collector is down', async () => {
  const start = Date.now();
  await scenario('quota (~40 KB store), collector down 60 s', ({ now }) => (now - start < 60_000 ? 'network' : undefined), async (fetch) => {
    const inner = memoryStore();
    let bytes = 0;
    const sizes = new Map<string, number>();
    const quota: Store = {
      kind: 'quota-test',
      get: (key) => inner.get(key),
      keys: (prefix) => inner.keys(prefix),
      async set(key, value) {
        const next = bytes - (sizes.get(key) ?? 0) + value.length;
        if (next > 40_000) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        bytes = next;
        sizes.set(key, value.length);
        await inner.set(key, value);
      },
      async delete(keys) {
        for (const key of keys) (bytes -= sizes.get(key) ?? 0), sizes.delete(key);
        await inner.delete(keys);
      },
    };
    const client = makeClient(fetch, quota, { maxBatchRecords: 20 });
    await produce(client, 400);
    return [client];
  });
});

it('corrupt entries among good ones in the store', async () => {
  await scenario('corrupt entries (3 in store)', () => undefined, async (fetch) => {
    const store = createTestStore('durable');
    // Left by an earlier page: unreadable, each claiming 4 records (its key says so); they are counted, not lost.
    for (const n of [1, 2, 3]) await store.set(`seg/00000000${n}-old-0000${n}.4.40`, n === 2 ? '' : '{"v":1,"batchId":"b","createdAt":1}\n{"broken');
    produced += 12;
    const client = makeClient(fetch, store);
    await produce(client, 100);
    return [client];
  });
});
