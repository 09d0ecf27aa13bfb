/**
 * The uploader through the public client, against an msw collector: batching triggers, the retry
 * policy of the wire contract, and the accounting of every record it gives up on.
 */
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createShadowClient, memoryStore, type ShadowClientOptions, type Store, type WireBatch } from 'shadowcast';
import { BatchSchema } from '../../src/schema/wire';
import { useMsw } from '../helpers/msw';
import { createTestStore } from '../helpers/fake-store';
import { storedRecords } from '../helpers/capture';
import { createFakeCollector } from '../helpers/fake-collector';

const server = useMsw();
const COLLECTOR = 'http://collector.test/v1/batches';

afterEach(() => {
  vi.useRealTimers();
});

/** A scripted collector: answers each POST with the next response (the last one repeats), keeps the batches. */
function collector(...responses: (() => Response)[]) {
  const batches: WireBatch[] = [];
  const times: number[] = [];
  let call = 0;
  server.use(
    http.post(COLLECTOR, async ({ request }) => {
      const batch = BatchSchema.parse(await request.json());
      batches.push(batch);
      times.push(Date.now());
      const respond = responses[Math.min(call++, responses.length - 1)] ?? (() => HttpResponse.json({ accepted: batch.records.length, duplicates: 0, rejected: [] }));
      return respond();
    }),
  );
  return { batches, times, ids: () => batches.flatMap((batch) => batch.records.map((record) => record.id)) };
}

const ok = () => HttpResponse.json({ accepted: 1, duplicates: 0, rejected: [] });

function client(overrides: Partial<ShadowClientOptions> = {}, storage: Store = memoryStore()) {
  const errors: Error[] = [];
  const instance = createShadowClient({
    experiment: 'upload',
    sampleRate: 1,
    storage,
    collector: { url: COLLECTOR },
    onError: (error) => errors.push(error),
    random: () => 0.5,
    ...overrides,
  });
  const produce = async (n: number, input: (i: number) => unknown = (i) => i) => {
    for (let i = 0; i < n; i++) await instance.run({ input: input(i), live: () => i, shadow: () => i });
  };
  return { client: instance, errors, produce, storage };
}

describe('batching', () => {
  it('seals a batch every maxBatchRecords and sends valid v1 batches in order', async () => {
    const sink = collector(ok);
    const { client: c, produce } = client({ upload: { maxBatchRecords: 3 } });
    await produce(7);
    await expect(c.flush()).resolves.toEqual({ ok: true, pending: 0 });
    expect(sink.batches.map((batch) => batch.records.length)).toEqual([3, 3, 1]);
    expect(sink.batches.map((batch) => batch.records.map((record) => record.seq))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(new Set(sink.batches.map((batch) => batch.batchId)).size).toBe(3);
    expect(sink.batches[0]).toMatchObject({ schema: 'shadowcast.batch/1', sdk: { name: 'shadowcast' }, dropped: {} });
    expect(c.stats()).toMatchObject({ recorded: 7, uploaded: 7, queued: 0 });
  });

  it('keeps every batch under maxBatchBytes', async () => {
    const sink = collector(ok);
    const { client: c, produce } = client({ upload: { maxBatchBytes: 4000 }, capture: { input: 'full' } });
    await produce(20, () => ({ text: 'x'.repeat(800) }));
    await c.flush();
    expect(sink.batches.length).toBeGreaterThan(4);
    for (const batch of sink.batches) expect(JSON.stringify(batch.records).length).toBeLessThanOrEqual(4000 + batch.records.length);
    expect(sink.ids()).toHaveLength(20);
  });

  it('sends a partial batch flushIntervalMs after its first record', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const sink = collector(ok);
    const { client: c, produce } = client({ upload: { flushIntervalMs: 5000 } });
    await produce(2);
    await vi.advanceTimersByTimeAsync(4999);
    expect(sink.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(sink.batches).toHaveLength(1));
    expect(c.stats().uploaded).toBe(2);
  });

  it('drops a single record larger than a batch may be, and counts it', async () => {
    collector(ok);
    const { client: c, produce } = client({ upload: { maxBatchBytes: 1000 }, capture: { input: 'full' } });
    await produce(1, () => 'y'.repeat(5000));
    await c.flush();
    expect(c.stats().dropped).toEqual({ too_large: 1 });
  });
});

describe('retry policy', () => {
  it('honours Retry-After in seconds on 503 and pauses everything until then', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const sink = createFakeCollector({ status: 503, headers: { 'retry-after': '7' } }, 200);
    const { client: c, produce } = client({ fetch: sink.fetch });
    await produce(1);
    await c.flush();
    expect(sink.batches).toHaveLength(1);
    await produce(1);
    await c.flush(); // an explicit flush still honours the server's pause
    expect(sink.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(6999);
    expect(sink.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.stats().uploaded).toBe(2);
    expect(sink.batches[1]!.batchId).toBe(sink.batches[0]!.batchId); // the same batch, retried
  });

  it('honours Retry-After as an HTTP-date on 429', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-11-22T10:00:00Z'));
    const sink = createFakeCollector({ status: 429, headers: { 'retry-after': 'Sun, 22 Nov 2026 10:00:30 GMT' } }, 200);
    const { client: c, produce } = client({ fetch: sink.fetch });
    await produce(1);
    await c.flush();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(sink.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches).toHaveLength(2);
    expect(c.stats().uploaded).toBe(1);
  });

  it('backs off exponentially with full jitter on 5xx and network errors, then delivers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const sink = createFakeCollector(500, 'network', 502, 408, 200);
    const { client: c, produce } = client({ fetch: sink.fetch, random: () => 0.999_999 }); // jitter at its ceiling
    await produce(1);
    const start = Date.now();
    await c.flush();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(c.stats().uploaded).toBe(1);
    expect(sink.times.map((t) => t - start)).toEqual([0, 1000, 3000, 7000, 15_000]);
  });

  it('splits a batch on 413 until it fits', async () => {
    const sink = collector();
    server.use(
      http.post(COLLECTOR, async ({ request }) => {
        const batch = BatchSchema.parse(await request.json());
        if (batch.records.length > 2) return new HttpResponse(null, { status: 413 });
        sink.batches.push(batch);
        return HttpResponse.json({ accepted: batch.records.length, duplicates: 0, rejected: [] });
      }),
    );
    const { client: c, produce } = client({ upload: { maxBatchRecords: 8 } });
    await produce(8);
    await c.flush();
    await vi.waitFor(() => expect(c.stats().uploaded).toBe(8));
    expect(sink.batches.every((batch) => batch.records.length <= 2)).toBe(true);
    expect(sink.ids().sort()).toHaveLength(8);
  });

  it('drops and counts a batch the collector calls invalid (400), without retrying it', async () => {
    const sink = collector(() => HttpResponse.json({ error: 'bad' }, { status: 400 }), ok);
    const { client: c, produce, errors } = client({ upload: { maxBatchRecords: 2 } });
    await produce(3);
    await c.flush();
    expect(c.stats()).toMatchObject({ uploaded: 1, dropped: { rejected: 2 } });
    expect(sink.batches).toHaveLength(2);
    await produce(1);
    await c.flush();
    // Drop counts are attached when a batch is sealed: the loss travels with the next batch sealed after it.
    expect(sink.batches.map((batch) => batch.dropped)).toEqual([{}, {}, { rejected: 2 }]);
    expect(errors.some((error) => /refused batch .* as invalid \(HTTP 400\)/.test(error.message))).toBe(true);
  });

  it('keeps the data and waits the longest backoff on 401', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const sink = createFakeCollector(401, 200);
    const { client: c, produce } = client({ fetch: sink.fetch });
    await produce(2);
    await expect(c.flush()).resolves.toMatchObject({ ok: false, pending: 2 }); // a memory store is not durable
    await vi.advanceTimersByTimeAsync(299_999);
    expect(sink.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.stats().uploaded).toBe(2);
  });

  it('counts per-record rejections of an accepted batch', async () => {
    collector(() => HttpResponse.json({ accepted: 1, duplicates: 0, rejected: [{ id: 'x', reason: 'invalid record' }] }));
    const { client: c, produce } = client();
    await produce(2);
    await c.flush();
    expect(c.stats()).toMatchObject({ uploaded: 1, dropped: { rejected: 1 } });
  });
});

describe('flush() and close()', () => {
  it('flush resolves ok with nothing pending once acknowledged, and never rejects', async () => {
    collector(ok);
    const { client: c, produce } = client();
    await produce(3);
    await expect(c.flush()).resolves.toEqual({ ok: true, pending: 0 });
    await expect(c.flush()).resolves.toEqual({ ok: true, pending: 0 });
  });

  it('flush gives up after flushTimeoutMs when the collector hangs', async () => {
    server.use(http.post(COLLECTOR, () => new Promise<Response>(() => {})));
    const { client: c, produce } = client({ flushTimeoutMs: 50 });
    await produce(1);
    await expect(c.flush()).resolves.toEqual({ ok: false, pending: 1 });
  });

  it('close is idempotent, flushes, and counts records arriving afterwards as dropped (closed)', async () => {
    const sink = collector(ok);
    const { client: c, produce } = client();
    await produce(2);
    const first = c.close();
    expect(c.close()).toBe(first);
    await expect(first).resolves.toEqual({ ok: true, pending: 0 });
    expect(sink.ids()).toHaveLength(2);
    await produce(1);
    await c.flush();
    expect(c.stats().dropped).toEqual({ closed: 1 });
  });

  it('reports ok with nothing pending when a durable store holds what the collector did not take', async () => {
    collector(() => new HttpResponse(null, { status: 503 }));
    const { client: c, produce } = client({}, createTestStore('durable-test'));
    await produce(2);
    await expect(c.flush()).resolves.toEqual({ ok: true, pending: 0 });
    expect(c.stats().queued).toBe(2);
  });
});

describe('store, caps and accounting', () => {
  it('writes each batch to the store before sending it, and deletes it only after the acknowledgement', async () => {
    const store = createTestStore('durable-test');
    let storedWhenSent = 0;
    server.use(
      http.post(COLLECTOR, async () => {
        storedWhenSent = (await storedRecords(store)).length;
        return ok();
      }),
    );
    const { client: c, produce } = client({}, store);
    await produce(3);
    await c.flush();
    expect(storedWhenSent).toBe(3);
    expect(await storedRecords(store)).toHaveLength(0);
  });

  it('sends what an earlier client left in the store', async () => {
    const store = createTestStore('durable-test');
    server.use(http.post(COLLECTOR, () => new HttpResponse(null, { status: 503 })));
    const first = client({}, store);
    await first.produce(4);
    await first.client.close();
    const sink = collector(ok);
    const second = client({}, store);
    await second.client.flush();
    expect(sink.ids()).toHaveLength(4);
    expect(await storedRecords(store)).toHaveLength(0);
  });

  it('falls back to a capped memory queue when the store fails, and counts what it cannot keep', async () => {
    server.use(http.post(COLLECTOR, () => new HttpResponse(null, { status: 503 })));
    const store = createTestStore('durable-test');
    store.breakMethod('set', new DOMException('The database connection is closing.', 'InvalidStateError'));
    const { client: c, produce, errors } = client({ upload: { maxQueueRecords: 5, maxBatchRecords: 2 } }, store);
    await produce(9);
    await c.flush();
    const stats = c.stats();
    expect(stats.storage).toBe('memory-fallback');
    expect(stats.queued + (stats.dropped.queue_full ?? 0)).toBe(9);
    expect(stats.queued).toBeLessThanOrEqual(5);
    expect(errors.some((error) => error.name === 'StoreError')).toBe(true);
  });

  it('evicts the oldest batches beyond maxStorageBytes and counts them', async () => {
    server.use(http.post(COLLECTOR, () => new HttpResponse(null, { status: 503 })));
    const store = createTestStore('durable-test');
    const { client: c, produce } = client({ upload: { maxBatchRecords: 1, maxStorageBytes: 2000 }, capture: { input: 'full' } }, store);
    await produce(10, (i) => ({ i, pad: 'p'.repeat(300) }));
    await c.flush();
    const kept = await storedRecords(store);
    expect(kept.length + (c.stats().dropped.storage_full ?? 0)).toBe(10);
    expect(kept.length).toBeLessThan(10);
    expect(Math.min(...kept.map((record) => record.seq))).toBeGreaterThan(0); // the oldest went first
  });

  it('removes a corrupt stored batch on its own, counts it, and delivers the rest', async () => {
    const store = createTestStore('durable-test');
    await store.set('seg/000000001-old-00000.5.64', 'not a segment');
    const sink = collector(ok);
    const { client: c, produce } = client({}, store);
    await produce(2);
    await c.flush();
    expect(sink.ids()).toHaveLength(2);
    expect(c.stats().dropped).toEqual({ corrupt: 5 }); // the count read from its key
    await produce(1);
    await c.flush();
    // The loss travels to the collector exactly once, in whichever batch was sealed next.
    expect(sink.batches.filter((batch) => batch.dropped.corrupt === 5)).toHaveLength(1);
  });

  it('gives up records older than maxRecordAgeMs and counts them', async () => {
    let now = Date.parse('2026-11-01T00:00:00Z');
    server.use(http.post(COLLECTOR, () => new HttpResponse(null, { status: 503 })));
    const store = createTestStore('durable-test');
    const first = client({ now: () => now }, store);
    await first.produce(3);
    await first.client.close();
    now += 8 * 24 * 60 * 60 * 1000;
    collector(ok);
    const second = client({ now: () => now }, store);
    await second.client.flush();
    expect(second.client.stats().dropped).toEqual({ max_age: 3 });
  });
});
