/**
 * The one place that holds queue logic (OTel's batch-processor idea). Records are buffered in one open
 * segment (checkpointed to the store at most every second), sealed by count, bytes or time, written to the
 * store *before* any send (write-ahead), and deleted only when the collector acknowledged them. One drain
 * runs at a time, in the tab holding the drain lock; failures back off with full jitter, one probe request
 * at a time; every record given up on is counted by reason. When the page hides, this tab's pending
 * segments go out by keepalive/beacon and are kept until a later acknowledgement (at-least-once).
 */
import type { StatsRecorder } from '../client/stats';
import { StoreError, UploadError, type ShadowcastError } from '../errors';
import type { ResolvedUpload } from '../options';
import type { Store } from '../storage/types';
import { utf8Length } from '../utils/bytes';
import { safeUnref } from '../utils/safe-unref';
import { BACKOFF_MAX_MS, backoffDelay } from './backoff';
import type { DrainLock } from './drain-lock';
import { isKnownOffline } from './page-lifecycle';
import { batchBody, CHECKPOINT_SUFFIX, decodeSegment, encodeSegment, SEGMENT_PREFIX, segmentKey, type Segment } from './segment';
import type { Transport } from './transport';
import { gzip, type UnloadBody, type UnloadSender } from './unload-sender';

/** The open segment is written to the store at most this long after a record arrives: a hard kill loses ≤ ~1 s. */
export const CHECKPOINT_MS = 1000;
/** A segment sent by beacon/keepalive is re-sent after this if no acknowledgement came (a beacon's fate is unknown). */
export const BEACON_GRACE_MS = 30_000;
/** Another client's checkpoint not rewritten for this long (beyond its seal interval) is orphaned: its page or process died. */
export const ORPHAN_GRACE_MS = 10_000;
/** Unload bodies prepared (and gzipped) ahead of time, at most: one page's keepalive quota. */
const PREPARED_MAX_BYTES = 64 * 1024;

function isQuotaError(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'QuotaExceededError';
}

export interface UploaderDeps {
  options: ResolvedUpload;
  store: Store;
  /** Undefined without a collector: records are kept (and capped) but never sent. */
  transport: Transport | undefined;
  /** Undefined where nothing can outlive the page (Node, OTLP format). */
  unload: UnloadSender | undefined;
  lock: DrainLock;
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
  /** Made by this client (others' segments are only drained, never sent on unload). */
  own: boolean;
  /** Ready for the unload path (built and gzipped at seal time). */
  unloadBody?: UnloadBody | undefined;
  /** When it last went out by keepalive/beacon. */
  beaconedAt?: number;
}

interface OpenSegment {
  n: number;
  records: string[];
  bytes: number;
  firstAt: number;
  /** Records already in the store's checkpoint of this segment. */
  checkpointed: number;
  checkpointWrite: Promise<void> | undefined;
}

export interface FlushOutcome {
  /** Records neither acknowledged nor in a durable store. */
  pending: number;
}

export interface Uploader {
  enqueue(json: string, bytes: number): void;
  flush(): Promise<FlushOutcome>;
  /** The page is hiding or going away: seal, checkpoint, and send this client's segments by keepalive/beacon. */
  hide(): void;
  /** Back online, visible again, or the drain lock was acquired: drain now (a server-asked pause still holds). */
  wake(): void;
  /** Stops timers; anything enqueued afterwards is dropped as `closed`. Flush first: this does not send. */
  close(): void;
  queued(): number;
  storageKind(): string;
}

export function createUploader(deps: UploaderDeps): Uploader {
  const { options, store, session, stats } = deps;
  const durableStore = store.kind !== 'memory';
  let open: OpenSegment | undefined;
  let sealTimer: ReturnType<typeof setTimeout> | undefined;
  let checkpointTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let sweepTimer: ReturnType<typeof setInterval> | undefined;
  let refs: SegmentRef[] = [];
  let counter = 0;
  let attempts = 0;
  let preparedBytes = 0;
  /** No sending before this time (Retry-After on 429/503, or a rejected token). */
  let pausedUntil = 0;
  let draining: Promise<void> | undefined;
  /** The segment being sent right now: never evicted from under the request. */
  let inFlight: SegmentRef | undefined;
  let storeFailed = false;
  let closed = false;
  const writes = new Set<Promise<void>>();
  let loading = sweep();
  deps.lock.onAcquired(() => {
    loading = sweep().then(kick);
  });
  // Whoever drains must also find what other tabs persisted while it was idle.
  if (durableStore) sweepTimer = safeUnref(setInterval(() => void sweep(), Math.max(options.flushIntervalMs, 5000)));

  function enqueue(json: string, bytes: number): void {
    if (closed) return stats.drop('closed');
    if (bytes > options.maxBatchBytes) return stats.drop('too_large');
    if (memoryRecords() >= options.maxQueueRecords) return stats.drop('queue_full');
    if (open && (open.records.length >= options.maxBatchRecords || open.bytes + bytes > options.maxBatchBytes)) seal();
    open ??= { n: counter++, records: [], bytes: 0, firstAt: deps.now(), checkpointed: 0, checkpointWrite: undefined };
    open.records.push(json);
    open.bytes += bytes;
    if (open.records.length >= options.maxBatchRecords) return seal();
    sealTimer ??= safeUnref(setTimeout(seal, options.flushIntervalMs));
    if (durableStore && !storeFailed) checkpointTimer ??= safeUnref(setTimeout(checkpoint, CHECKPOINT_MS));
  }

  function checkpointKey(segment: OpenSegment): string {
    return `${segmentKey(segment.firstAt, session, segment.n)}${CHECKPOINT_SUFFIX}`;
  }

  /** Writes the open segment as it is now, so a kill before it seals loses at most CHECKPOINT_MS of records. */
  function checkpoint(): void {
    checkpointTimer = undefined;
    const current = open;
    if (!current || current.records.length === current.checkpointed || storeFailed) return;
    const count = current.records.length;
    const text = encodeSegment({
      key: '',
      batchId: batchIdFor(current.n),
      createdAt: current.firstAt,
      dropped: {},
      records: current.records.slice(0, count),
      bytes: current.bytes,
      savedAt: deps.now(),
    });
    // Chained: a sealed segment deletes its checkpoint only after the last checkpoint write landed.
    const write = (current.checkpointWrite ?? Promise.resolve()).then(() =>
      store.set(checkpointKey(current), text).then(
        () => {
          current.checkpointed = Math.max(current.checkpointed, count);
        },
        (error: unknown) => {
          deps.report(new StoreError(`Checkpointing the open batch to the ${store.kind} store failed; it is written whole when sealed.`, { cause: error }));
        },
      ),
    );
    current.checkpointWrite = write;
    track(write);
  }

  /**
   * Seals the open segment. `reportDrops` (flush, close) also seals a batch without records when drops
   * are still unreported, so losses counted after the last batch still reach the collector.
   */
  function seal(reportDrops = false): void {
    if (sealTimer !== undefined) clearTimeout(sealTimer);
    if (checkpointTimer !== undefined) clearTimeout(checkpointTimer);
    sealTimer = checkpointTimer = undefined;
    let sealed = open;
    open = undefined;
    if (!sealed && reportDrops && stats.hasUnreportedDrops() && deps.transport) {
      sealed = { n: counter++, records: [], bytes: 0, firstAt: deps.now(), checkpointed: 0, checkpointWrite: undefined };
    }
    if (!sealed || (sealed.records.length === 0 && !reportDrops)) return;
    const segment: Segment = {
      key: '',
      batchId: batchIdFor(sealed.n),
      createdAt: sealed.firstAt,
      dropped: stats.takeUnreportedDrops(),
      records: sealed.records,
      bytes: sealed.bytes,
    };
    segment.key = keyFor(segment, sealed.n);
    track(
      persist(segment, sealed).then(() => {
        kick();
      }),
    );
  }

  async function persist(segment: Segment, replacing?: OpenSegment): Promise<void> {
    const ref: SegmentRef = { key: segment.key, count: segment.records.length, bytes: segment.bytes, memory: segment, dropped: segment.dropped, own: true };
    insert(ref);
    void prepareUnloadBody(ref, segment);
    if (!storeFailed) {
      try {
        await writeEvictingOnQuota(segment.key, encodeSegment(segment));
        ref.memory = undefined;
      } catch (error) {
        if (isQuotaError(error)) {
          // Still full after evicting (browsers reclaim deleted space lazily): this segment waits in memory
          // (capped); the next one tries the store again.
          deps.report(new StoreError(`The ${store.kind} store is still full; batch ${segment.batchId} is kept in memory (capped).`, { cause: error }));
        } else {
          storeFailed = true; // from now on segments stay in memory, capped by maxQueueRecords
          deps.report(new StoreError(`The ${store.kind} store failed to write; records are kept in memory (capped) from now on.`, { cause: error }));
        }
      }
    }
    if (replacing && replacing.checkpointed > 0) {
      await replacing.checkpointWrite;
      await remove([checkpointKey(replacing)]);
    }
    await enforceCaps();
  }

  /** A full store (QuotaExceededError) evicts the oldest tenth of what is stored, counted, and tries once more. */
  async function writeEvictingOnQuota(key: string, text: string): Promise<void> {
    try {
      await store.set(key, text);
    } catch (error) {
      if (!isQuotaError(error)) throw error;
      const stored = refs.filter((ref) => !ref.memory && ref !== inFlight && ref.key !== key);
      const evict = stored.slice(0, Math.max(1, Math.ceil(stored.length / 10)));
      if (evict.length === 0) throw error;
      deps.report(new StoreError(`The ${store.kind} store is full; evicting the ${evict.length} oldest batch(es) to make room.`, { cause: error }));
      for (const ref of evict) evictRef(ref);
      await remove(evict.map((ref) => ref.key));
      await store.set(key, text);
    }
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
    for (const ref of evict) evictRef(ref);
    const stored = evict.filter((ref) => !ref.memory).map((ref) => ref.key);
    if (stored.length > 0) await remove(stored);
  }

  function evictRef(ref: SegmentRef): void {
    forget(ref);
    stats.drop(ref.memory ? 'queue_full' : 'storage_full', ref.count);
    stats.returnUnreportedDrops(ref.dropped);
  }

  /**
   * Builds the body a keepalive/beacon would send, while the budget allows: as text at once, then gzipped
   * (CompressionStream, async, off the unload path) when that is ready.
   */
  async function prepareUnloadBody(ref: SegmentRef, segment: Segment): Promise<void> {
    if (!deps.unload) return;
    const plain = textBody(segment);
    if (!setUnloadBody(ref, plain)) return;
    try {
      const zipped = await gzip(plain.body as string);
      if (zipped && refs.includes(ref)) setUnloadBody(ref, { body: zipped, gzip: true, bytes: zipped.byteLength });
    } catch {
      // CompressionStream failed: the text body stays
    }
  }

  function setUnloadBody(ref: SegmentRef, body: UnloadBody): boolean {
    const previous = ref.unloadBody?.bytes ?? 0;
    if (preparedBytes - previous + body.bytes > PREPARED_MAX_BYTES) return false;
    preparedBytes += body.bytes - previous;
    ref.unloadBody = body;
    return true;
  }

  function hide(): void {
    seal();
    if (!deps.unload) return;
    const now = deps.now();
    for (const ref of refs) {
      if (!ref.own || (ref.beaconedAt !== undefined && now - ref.beaconedAt < BEACON_GRACE_MS)) continue;
      const payload = ref.unloadBody ?? (ref.memory && textBody(ref.memory));
      if (!payload) continue; // stored and not prepared: it waits in the store for the next drain
      if (!deps.unload.send(payload)) break; // the page's quota is spent; the rest stays in the store
      ref.beaconedAt = now;
    }
  }

  function textBody(segment: Segment): UnloadBody {
    const text = batchBody(segment, deps.now());
    return { body: text, gzip: false, bytes: utf8Length(text) };
  }

  function kick(): void {
    if (!deps.transport || draining || retryTimer !== undefined || deps.now() < pausedUntil || isKnownOffline()) return;
    draining = drain().finally(() => {
      draining = undefined;
    });
  }

  /** The next segment this client may send: the drain lock's holder sends all, others only what no one else can see. */
  function nextToSend(): SegmentRef | undefined {
    const now = deps.now();
    const holder = deps.lock.held();
    return refs.find((ref) => (holder || ref.memory) && (ref.beaconedAt === undefined || now - ref.beaconedAt >= BEACON_GRACE_MS));
  }

  async function drain(): Promise<void> {
    await loading;
    for (;;) {
      const ref = nextToSend();
      if (!ref) return scheduleAfterGrace();
      if (deps.now() < pausedUntil || closed) return;
      const segment = ref.memory ?? (await read(ref));
      if (!segment) continue; // gone or corrupt: already forgotten (and counted when corrupt)
      if (deps.now() - segment.createdAt > options.maxRecordAgeMs) {
        await discard(ref, 'max_age');
        continue;
      }
      inFlight = ref;
      const result = await deps.transport!.send(batchBody(segment, deps.now()), { keepalive: false });
      inFlight = undefined;
      if (!refs.includes(ref)) continue; // acknowledged meanwhile by another path
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
          // One probe at a time: nothing else is sent until this segment gets through.
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

  /** Segments waiting out their beacon grace get a drain of their own when it ends. */
  function scheduleAfterGrace(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const ref of refs) if (ref.beaconedAt !== undefined) earliest = Math.min(earliest, ref.beaconedAt + BEACON_GRACE_MS);
    if (earliest !== Number.POSITIVE_INFINITY && retryTimer === undefined) scheduleRetry(Math.max(0, earliest - deps.now()));
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
      // The store already reopened and retried once (indexedDbStore): this batch cannot be read back.
      deps.report(new StoreError(`Reading ${ref.key} from the ${store.kind} store failed; its records are counted as dropped (store_error).`, { cause: error }));
      await discard(ref, 'store_error');
      return undefined;
    }
    if (text === undefined) {
      forget(ref); // acknowledged and deleted by another tab or process since we listed it
      return undefined;
    }
    const segment = decodeSegment(ref.key, text);
    if (!segment) {
      deps.report(new StoreError(`Stored batch ${ref.key} is unreadable; it was removed and its records counted as dropped (corrupt).`));
      await discard(ref, 'corrupt');
    }
    return segment;
  }

  async function acknowledge(ref: SegmentRef, rejected: number): Promise<void> {
    stats.counters.uploaded += ref.count - rejected;
    stats.drop('rejected', rejected);
    forget(ref);
    if (!ref.memory) await remove([ref.key]);
  }

  async function discard(ref: SegmentRef, reason: 'max_age' | 'rejected' | 'corrupt' | 'too_large' | 'store_error'): Promise<void> {
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
        bytes: records.reduce((sum, line) => sum + utf8Length(line), 0),
      };
      part.key = keyFor(part, counter++);
      return part;
    });
    forget(ref);
    for (const half of halves) await persist(half);
    if (!ref.memory) await remove([ref.key]);
  }

  function batchIdFor(n: number): string {
    return `${session}-${n.toString(36)}`;
  }

  function keyFor(segment: Segment, n: number): string {
    return `${segmentKey(segment.createdAt, session, n)}.${segment.records.length.toString(36)}.${segment.bytes.toString(36)}`;
  }

  function insert(ref: SegmentRef): void {
    refs.push(ref);
    refs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  function forget(ref: SegmentRef): void {
    refs = refs.filter((item) => item !== ref);
    if (ref.unloadBody) preparedBytes -= ref.unloadBody.bytes;
    ref.unloadBody = undefined;
  }

  async function remove(keys: string[]): Promise<void> {
    try {
      await store.delete(keys);
    } catch (error) {
      deps.report(new StoreError(`Deleting ${keys.length} segment(s) from the ${store.kind} store failed; they may be sent again (the collector dedupes).`, { cause: error }));
    }
  }

  /**
   * Finds segments left in the store by earlier pages or processes, or persisted by other tabs: their keys
   * carry count and size. Another client's checkpoint is taken only once orphaned (its writer is gone).
   */
  async function sweep(): Promise<void> {
    if (!deps.lock.held() || closed || storeFailed) return;
    let keys: string[];
    try {
      keys = await store.keys(SEGMENT_PREFIX);
    } catch (error) {
      deps.report(new StoreError(`Listing stored segments in the ${store.kind} store failed.`, { cause: error }));
      return;
    }
    const known = new Set(refs.map((ref) => ref.key));
    const own = `-${session}-`;
    let found = false;
    for (const key of keys) {
      if (known.has(key)) continue;
      if (key.endsWith(CHECKPOINT_SUFFIX)) {
        if (key.includes(own)) continue; // this client's own open segment
        const orphan = await readOrphan(key);
        if (!orphan) continue;
        insert({ key, count: orphan.records.length, bytes: orphan.bytes, memory: undefined, dropped: {}, own: false });
        found = true;
        continue;
      }
      const [, count, bytes] = /\.([0-9a-z]+)\.([0-9a-z]+)$/.exec(key) ?? [];
      insert({ key, count: count ? parseInt(count, 36) : 1, bytes: bytes ? parseInt(bytes, 36) : 0, memory: undefined, dropped: {}, own: false });
      found = true;
    }
    if (found) kick();
  }

  async function readOrphan(key: string): Promise<Segment | undefined> {
    let segment: Segment | undefined;
    try {
      segment = decodeSegment(key, await store.get(key));
    } catch {
      return undefined;
    }
    if (!segment) return undefined; // gone meanwhile, or unreadable: the drain would count it; a checkpoint is retried next sweep
    const age = deps.now() - (segment.savedAt ?? segment.createdAt);
    return age > options.flushIntervalMs + ORPHAN_GRACE_MS ? segment : undefined;
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
    seal(true);
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
    const durable = durableStore && !storeFailed;
    let count = open?.records.length ?? 0;
    for (const ref of refs) if (ref.memory || !durable) count += ref.count;
    return count;
  }

  return {
    enqueue,
    flush,
    hide,
    wake() {
      if (retryTimer !== undefined && deps.now() >= pausedUntil) {
        clearTimeout(retryTimer);
        retryTimer = undefined;
      }
      kick();
    },
    close() {
      closed = true;
      for (const timer of [sealTimer, checkpointTimer, retryTimer]) if (timer !== undefined) clearTimeout(timer);
      if (sweepTimer !== undefined) clearInterval(sweepTimer);
      sealTimer = checkpointTimer = retryTimer = sweepTimer = undefined;
    },
    queued() {
      let count = open?.records.length ?? 0;
      for (const ref of refs) count += ref.count;
      return count;
    },
    storageKind: () => (storeFailed ? 'memory-fallback' : store.kind),
  };
}
