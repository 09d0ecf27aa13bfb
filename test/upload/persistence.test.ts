/**
 * The persistent uploader's own machinery, driven directly with fake timers, a scripted store, a scripted
 * collector, a fake unload path and a lock the test holds or not: checkpoints, orphaned checkpoints,
 * page hide, beacon grace, several tabs, quota, offline.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStats } from '../../src/client/stats';
import { DEFAULTS } from '../../src/options';
import type { Store } from '../../src/storage/types';
import type { DrainLock } from '../../src/upload/drain-lock';
import { createFetchTransport } from '../../src/upload/transport';
import type { UnloadBody } from '../../src/upload/unload-sender';
import { BEACON_GRACE_MS, CHECKPOINT_MS, createUploader, ORPHAN_GRACE_MS } from '../../src/upload/uploader';
import { createFakeCollector, type Answer } from '../helpers/fake-collector';
import { createTestStore } from '../helpers/fake-store';
import { makeRecord } from '../helpers/wire';

const records = new Map<string, string>();
const record = (id: string) => records.get(id) ?? records.set(id, JSON.stringify(makeRecord({ id }))).get(id)!;

function testLock(held = true): DrainLock & { acquire(): void } {
  const listeners: (() => void)[] = [];
  return {
    held: () => held,
    onAcquired: (listener) => void listeners.push(listener),
    release: () => void (held = false),
    request() {},
    acquire() {
      held = true;
      for (const listener of listeners) listener();
    },
  };
}

function harness({ store = createTestStore('durable-test') as Store, session = 'tab1', lock = testLock(), answers = [200] as Answer[], upload = {} } = {}) {
  const collector = createFakeCollector(...answers);
  const beacons: UnloadBody[] = [];
  let beaconsAccepted = true;
  const stats = createStats();
  const errors: Error[] = [];
  const uploader = createUploader({
    options: { ...DEFAULTS.upload, ...upload },
    store,
    transport: createFetchTransport({ url: 'http://collector.test/v1/batches', format: 'shadowcast', headers: {}, fetch: collector.fetch, now: Date.now }),
    unload: { send: (body) => (beaconsAccepted ? (beacons.push(body), true) : false) },
    lock,
    session,
    stats,
    now: Date.now,
    random: () => 0.5,
    report: (error) => errors.push(error),
  });
  const enqueue = (...ids: string[]) => ids.forEach((id) => uploader.enqueue(record(id), record(id).length));
  return { uploader, collector, beacons, stats, errors, store, lock, enqueue, refuseBeacons: () => (beaconsAccepted = false) };
}

const beaconIds = (beacons: UnloadBody[]) =>
  beacons.flatMap((beacon) => (JSON.parse(beacon.body as string) as { records: { id: string }[] }).records.map((r) => r.id));

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-11-22T10:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('write-ahead checkpoints', () => {
  it('writes the open batch to the store within a second, then replaces it with the sealed batch', async () => {
    const { uploader, store, enqueue, collector } = harness({ answers: [503] });
    enqueue('a', 'b');
    expect(await store.keys('seg/')).toEqual([]);
    await vi.advanceTimersByTimeAsync(CHECKPOINT_MS);
    const [checkpoint] = await store.keys('seg/');
    expect(checkpoint).toMatch(/-tab1-00000\.open$/);
    expect((await store.get(checkpoint!))?.split('\n').slice(1)).toEqual([record('a'), record('b')]);

    enqueue('c');
    await vi.advanceTimersByTimeAsync(CHECKPOINT_MS);
    expect((await store.get(checkpoint!))?.split('\n')).toHaveLength(4);

    await uploader.flush();
    const keys = await store.keys('seg/');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/-tab1-00000\.3\.[0-9a-z]+$/);
    expect(collector.ids()).toEqual(['a', 'b', 'c']); // sent (and refused, 503), still kept
    uploader.close();
  });

  it('sends a dead client’s checkpoint, and leaves a live client’s alone', async () => {
    const store = createTestStore('durable-test');
    const dead = harness({ store, session: 'dead', answers: [503] });
    dead.enqueue('d1', 'd2');
    await vi.advanceTimersByTimeAsync(CHECKPOINT_MS);
    dead.uploader.close(); // a kill: the open batch was never sealed

    const live = harness({ store, session: 'live' });
    await vi.advanceTimersByTimeAsync(0);
    expect(live.collector.ids()).toEqual([]); // fresh: its writer may still be running

    await vi.advanceTimersByTimeAsync(DEFAULTS.upload.flushIntervalMs + ORPHAN_GRACE_MS + 5000);
    expect(live.collector.ids()).toEqual(['d1', 'd2']);
    expect(await store.keys('seg/')).toEqual([]);
    live.uploader.close();
  });
});

describe('page hide', () => {
  it('seals and sends this tab’s pending batches by keepalive/beacon, keeps them, and re-sends after the grace period', async () => {
    const { uploader, enqueue, beacons, collector, store } = harness({ answers: ['network', 200] });
    enqueue('a', 'b');
    await uploader.flush(); // first send fails: kept, backing off
    enqueue('c');
    uploader.hide();
    expect(beaconIds(beacons).sort()).toEqual(['a', 'b', 'c']);
    expect(beacons.every((beacon) => beacon.bytes < 64 * 1024)).toBe(true);
    uploader.hide(); // pagehide right after visibilitychange: nothing twice
    expect(beacons).toHaveLength(2);
    expect((await store.keys('seg/')).length).toBe(2); // never trusted as delivered

    await vi.advanceTimersByTimeAsync(BEACON_GRACE_MS + 1000);
    expect(collector.ids().sort()).toEqual(['a', 'a', 'b', 'b', 'c']); // re-sent; the collector dedupes
    expect(await store.keys('seg/')).toEqual([]);
    uploader.close();
  });

  it('stops at the page’s quota and leaves the rest in the store', async () => {
    const { uploader, enqueue, beacons, refuseBeacons, store } = harness({ answers: [503], upload: { maxBatchRecords: 1 } });
    enqueue('a', 'b', 'c');
    await vi.advanceTimersByTimeAsync(0);
    refuseBeacons();
    uploader.hide();
    expect(beacons).toHaveLength(0);
    expect(await store.keys('seg/')).toHaveLength(3);
    uploader.close();
  });
});

describe('several tabs', () => {
  it('a tab without the drain lock persists but does not send; the holder finds and sends its batches', async () => {
    const store = createTestStore('durable-test');
    const holder = harness({ store, session: 'holder' });
    const other = harness({ store, session: 'other', lock: testLock(false) });
    other.enqueue('o1', 'o2');
    await other.uploader.flush();
    expect(other.collector.ids()).toEqual([]);
    expect(await store.keys('seg/')).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(DEFAULTS.upload.flushIntervalMs); // the holder's sweep
    expect(holder.collector.ids()).toEqual(['o1', 'o2']);
    expect(await store.keys('seg/')).toEqual([]);
    holder.uploader.close();
    other.uploader.close();
  });

  it('a tab that acquires the lock later drains what is stored', async () => {
    const store = createTestStore('durable-test');
    const lock = testLock(false);
    const tab = harness({ store, lock });
    tab.enqueue('a');
    await tab.uploader.flush();
    expect(tab.collector.ids()).toEqual([]);
    lock.acquire();
    await vi.advanceTimersByTimeAsync(0);
    expect(tab.collector.ids()).toEqual(['a']);
    tab.uploader.close();
  });
});

describe('quota and offline', () => {
  it('on QuotaExceededError evicts the oldest stored batches, counts them, and writes again', async () => {
    const store = createTestStore('durable-test');
    const { uploader, enqueue, stats, errors } = harness({ store, answers: [503], upload: { maxBatchRecords: 1 } });
    for (const id of 'abcdefghij') enqueue(id);
    await vi.advanceTimersByTimeAsync(0);
    store.failNext('set', new DOMException('full', 'QuotaExceededError'));
    enqueue('k');
    await vi.advanceTimersByTimeAsync(0);
    expect(stats.counters.dropped).toEqual({ storage_full: 1 });
    expect((await store.keys('seg/')).length).toBe(10);
    expect(uploader.storageKind()).toBe('durable-test');
    expect(errors.some((error) => /store is full/.test(error.message))).toBe(true);
    uploader.close();
  });

  it('a stored batch that cannot be read back is counted (store_error) and the queue moves on', async () => {
    const store = createTestStore('durable-test');
    const earlier = harness({ store, session: 'earlier', lock: testLock(false) });
    earlier.enqueue('lost');
    await earlier.uploader.flush();
    earlier.uploader.close();
    store.failNext('get', new DOMException('Connection to Indexed Database server lost', 'UnknownError'));
    const { uploader, enqueue, collector, stats, errors } = harness({ store });
    enqueue('kept');
    await uploader.flush();
    expect(collector.ids()).toEqual(['kept']);
    expect(stats.counters.dropped).toEqual({ store_error: 1 });
    expect(errors.some((error) => /store_error/.test(error.message))).toBe(true);
    uploader.close();
  });

  it('does not send while the browser says it is offline, and drains when it comes back', async () => {
    vi.stubGlobal('navigator', { onLine: false });
    const { uploader, enqueue, collector } = harness();
    enqueue('a');
    await uploader.flush();
    expect(collector.ids()).toEqual([]);
    vi.stubGlobal('navigator', { onLine: true });
    uploader.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(collector.ids()).toEqual(['a']);
    uploader.close();
  });
});
