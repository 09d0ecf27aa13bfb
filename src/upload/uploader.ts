/**
 * The one place that holds queue logic (OTel's batch-processor idea). Records are buffered in one
 * open segment, sealed by count, bytes or time, written to the store *before* any send (write-ahead),
 * and deleted only when the collector acknowledged them. One drain runs at a time; failures back off
 * with full jitter; every record given up on is counted by reason.
 */
import type { StatsRecorder } from '../client/stats';
import { StoreError, UploadError, type ShadowcastError } from '../errors';
import type { ResolvedUpload } from '../options';
import type { Store } from '../storage/types';
import { safeUnref } from '../utils/safe-unref';
import { BACKOFF_MAX_MS, backoffDelay } from './backoff';
import { batchBody, decodeSegment, encodeSegment, SEGMENT_PREFIX, segmentKey, type Segment } from './segment';
import type { Transport } from './transport';

export interface UploaderDeps {
  options: ResolvedUpload;
  store: Store;
  /** Undefined without a collector: records are kept (and capped) but never sent. */
  transport: Transport | undefined;
  session: string;
  stats: StatsRecorder;
  now: () => number;
  random: () => number;
  report: (error: ShadowcastError) => void;
}

/** What the uploader knows of a stored segment without reading it: its key carries count and size. */
interface SegmentRef {
  key: string;
  count: number;
  bytes: number;
  /** The segment itself while it is only in memory (being written, or the store failed). */
  memory: Segment | undefined;
  /** Dropped counts it carries, kept so an eviction can hand them to the next batch. */
  dropped: Segment['dropped'];
}

export interface FlushOutcome {
  /** Records neither acknowledged nor in a durable store. */
  pending: number;
}

export interface Uploader {
  enqueue(json: string, bytes: number): void;
  flush(): Promise<FlushOutcome>;
  /** Stops timers; anything enqueued afterwards is dropped as `closed`. Flush first: this does not send. */
  close(): void;
  queued(): number;
  storageKind(): string;
}

export function createUploader(deps: UploaderDeps): Uploader {
  const { options, store, session, stats } = deps;
  let open: { records: string[]; bytes: number; firstAt: number } | undefined;
  let sealTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let refs: SegmentRef[] = [];
  let counter = 0;
  let attempts = 0;
  /** No sending before this time (Retry-After on 429/503, or a rejected token). */
  let pausedUntil = 0;
  let draining: Promise<void> | undefined;
  /** The segment being sent right now: never evicted from under the request. */
  let inFlight: SegmentRef | undefined;
  let storeFailed = false;
  let closed = false;
  const writes = new Set<Promise<void>>();
  const loading = loadStoredSegments();

  function enqueue(json: string, bytes: number): void {
    if (closed) return stats.drop('closed');
    if (bytes > options.maxBatchBytes) return stats.drop('too_large');
    if (memoryRecords() >= options.maxQueueRecords) return stats.drop('queue_full');
    if (open && (open.records.length >= options.maxBatchRecords || open.bytes + bytes > options.maxBatchBytes)) seal();
    open ??= { records: [], bytes: 0, firstAt: deps.now() };
    open.records.push(json);
    open.bytes += bytes;
    if (open.records.length >= options.maxBatchRecords) seal();
    else sealTimer ??= safeUnref(setTimeout(seal, options.flushIntervalMs));
  }

  function seal(): void {
    if (sealTimer !== undefined) clearTimeout(sealTimer);
    sealTimer = undefined;
    if (!open || open.records.length === 0) return;
    const n = counter++;
    const segment: Segment = {
      key: '',
      batchId: `${session}-${n.toString(36)}`,
      createdAt: open.firstAt,
      dropped: stats.takeUnreportedDrops(),
      records: open.records,
      bytes: open.bytes,
    };
    segment.key = keyFor(segment, n);
    open = undefined;
    track(persist(segment).then(kick));
  }

  async function persist(segment: Segment): Promise<void> {
    const ref: SegmentRef = { key: segment.key, count: segment.records.length, bytes: segment.bytes, memory: segment, dropped: segment.dropped };
    refs.push(ref);
    refs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (!storeFailed) {
      try {
        await store.set(segment.key, encodeSegment(segment));
        ref.memory = undefined;
      } catch (error) {
        storeFailed = true; // from now on segments stay in memory, capped by maxQueueRecords
        deps.report(new StoreError(`The ${store.kind} store failed to write; records are kept in memory (capped) from now on.`, { cause: error }));
      }
    }
    await enforceCaps();
  }

  /** Oldest first out: over the byte cap (stored) or the record cap (memory), whole segments are evicted and counted. */
  async function enforceCaps(): Promise<void> {
    const evict: SegmentRef[] = [];
    let storedBytes = 0;
    for (const ref of refs) if (!ref.memory) storedBytes += ref.bytes;
    for (const ref of refs) {
      if (storedBytes <= options.maxStorageBytes) break;
      if (ref.memory || ref === inFlight) continue;
      storedBytes -= ref.bytes;
      evict.push(ref);
    }
    while (memoryRecords() > options.maxQueueRecords) {
      const oldest = refs.find((ref) => ref.memory && ref !== inFlight && !evict.includes(ref));
      if (!oldest) break;
      evict.push(oldest);
    }
    for (const ref of evict) {
      forget(ref);
      stats.drop(ref.memory ? 'queue_full' : 'storage_full', ref.count);
      stats.returnUnreportedDrops(ref.dropped);
    }
    const stored = evict.filter((ref) => !ref.memory).map((ref) => ref.key);
    if (stored.length > 0) await remove(stored);
  }

  function kick(): void {
    if (!deps.transport || draining || retryTimer !== undefined || deps.now() < pausedUntil) return;
    draining = drain().finally(() => {
      draining = undefined;
    });
  }

  async function drain(): Promise<void> {
    await loading;
    for (;;) {
      const ref = refs[0];
      if (!ref || deps.now() < pausedUntil) return;
      const segment = ref.memory ?? (await read(ref));
      if (!segment) continue; // corrupt: already removed and counted
      if (deps.now() - segment.createdAt > options.maxRecordAgeMs) {
        await discard(ref, 'max_age');
        continue;
      }
      inFlight = ref;
      const result = await deps.transport!.send(batchBody(segment, deps.now()), { keepalive: false });
      inFlight = undefined;
      switch (result.kind) {
        case 'accepted':
          attempts = 0;
          await acknowledge(ref, result.rejected);
          continue;
        case 'invalid':
          deps.report(new UploadError(`The collector refused batch ${segment.batchId} as invalid (HTTP ${result.status}); its ${ref.count} records were dropped.`, result.status));
          await discard(ref, 'rejected');
          continue;
        case 'split':
          await split(ref, segment);
          continue;
        case 'unauthorized':
          // A bad token must not destroy data: keep it and retry at the longest backoff.
          deps.report(new UploadError(`The collector answered HTTP ${result.status}; records are kept and retried every ${BACKOFF_MAX_MS / 1000} s. Check collector.url and its token.`, result.status));
          pausedUntil = deps.now() + BACKOFF_MAX_MS;
          scheduleRetry(BACKOFF_MAX_MS);
          return;
        case 'retry': {
          attempts++;
          const delay = result.retryAfterMs ?? backoffDelay(attempts, deps.random);
          if (result.pauseAll) pausedUntil = deps.now() + delay;
          deps.report(new UploadError(`Upload of batch ${segment.batchId} failed (${result.status === undefined ? 'network error' : `HTTP ${result.status}`}); retrying in ${Math.round(delay / 1000)} s.`, result.status, { cause: result.error }));
          scheduleRetry(delay);
          return;
        }
      }
    }
  }

  function scheduleRetry(delay: number): void {
    if (closed) return;
    retryTimer = safeUnref(
      setTimeout(() => {
        retryTimer = undefined;
        kick();
      }, delay),
    );
  }

  async function read(ref: SegmentRef): Promise<Segment | undefined> {
    let text: string | undefined;
    try {
      text = await store.get(ref.key);
    } catch (error) {
      deps.report(new StoreError(`Reading ${ref.key} from the ${store.kind} store failed.`, { cause: error }));
    }
    const segment = decodeSegment(ref.key, text);
    if (!segment) await discard(ref, 'corrupt');
    return segment;
  }

  async function acknowledge(ref: SegmentRef, rejected: number): Promise<void> {
    stats.counters.uploaded += ref.count - rejected;
    stats.drop('rejected', rejected);
    forget(ref);
    if (!ref.memory) await remove([ref.key]);
  }

  async function discard(ref: SegmentRef, reason: 'max_age' | 'rejected' | 'corrupt' | 'too_large'): Promise<void> {
    stats.drop(reason, ref.count);
    forget(ref);
    if (!ref.memory) await remove([ref.key]);
  }

  /** 413: halves, each a segment of its own; one record alone that is still too large is dropped. */
  async function split(ref: SegmentRef, segment: Segment): Promise<void> {
    if (segment.records.length <= 1) return discard(ref, 'too_large');
    const middle = Math.ceil(segment.records.length / 2);
    const halves = [segment.records.slice(0, middle), segment.records.slice(middle)].map((records, i): Segment => {
      const part: Segment = {
        key: '',
        batchId: `${segment.batchId}.${i}`,
        createdAt: segment.createdAt,
        dropped: i === 0 ? segment.dropped : {},
        records,
        bytes: records.reduce((sum, line) => sum + line.length, 0),
      };
      part.key = keyFor(part, counter++);
      return part;
    });
    forget(ref);
    for (const half of halves) await persist(half);
    if (!ref.memory) await remove([ref.key]);
  }

  function keyFor(segment: Segment, n: number): string {
    return `${segmentKey(segment.createdAt, session, n)}.${segment.records.length.toString(36)}.${segment.bytes.toString(36)}`;
  }

  function forget(ref: SegmentRef): void {
    refs = refs.filter((item) => item !== ref);
  }

  async function remove(keys: string[]): Promise<void> {
    try {
      await store.delete(keys);
    } catch (error) {
      deps.report(new StoreError(`Deleting ${keys.length} segment(s) from the ${store.kind} store failed; they may be sent again (the collector dedupes).`, { cause: error }));
    }
  }

  /** Segments left by earlier pages or processes are queued first: their keys carry count and size. */
  async function loadStoredSegments(): Promise<void> {
    let keys: string[];
    try {
      keys = await store.keys(SEGMENT_PREFIX);
    } catch (error) {
      deps.report(new StoreError(`Listing stored segments in the ${store.kind} store failed.`, { cause: error }));
      return;
    }
    const known = new Set(refs.map((ref) => ref.key));
    for (const key of keys) {
      if (known.has(key)) continue;
      const [, count, bytes] = /\.([0-9a-z]+)\.([0-9a-z]+)$/.exec(key) ?? [];
      refs.push({ key, count: count ? parseInt(count, 36) : 1, bytes: bytes ? parseInt(bytes, 36) : 0, memory: undefined, dropped: {} });
    }
    refs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (refs.length > 0) kick();
  }

  function memoryRecords(): number {
    let count = open?.records.length ?? 0;
    for (const ref of refs) if (ref.memory) count += ref.count;
    return count;
  }

  function track(promise: Promise<void>): void {
    writes.add(promise);
    void promise.finally(() => writes.delete(promise));
  }

  async function flush(): Promise<FlushOutcome> {
    seal();
    await loading;
    while (writes.size > 0) await Promise.all(writes);
    if (deps.transport && deps.now() >= pausedUntil) {
      // An explicit flush does not wait out a backoff (a server-asked pause is still honoured).
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      retryTimer = undefined;
      await draining;
      kick();
      await draining;
    }
    return { pending: undurable() };
  }

  function undurable(): number {
    const durable = store.kind !== 'memory' && !storeFailed;
    let count = open?.records.length ?? 0;
    for (const ref of refs) if (ref.memory || !durable) count += ref.count;
    return count;
  }

  return {
    enqueue,
    flush,
    close() {
      closed = true;
      if (sealTimer !== undefined) clearTimeout(sealTimer);
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      retryTimer = undefined;
    },
    queued() {
      let count = open?.records.length ?? 0;
      for (const ref of refs) count += ref.count;
      return count;
    },
    storageKind: () => (storeFailed ? 'memory-fallback' : store.kind),
  };
}
