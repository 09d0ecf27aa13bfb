/**
 * The collector's durable record log: NDJSON segments under `dir/records/YYYY-MM-DD/`, one line per
 * accepted record, and a batch ledger under `dir/batches/` (one line per new batchId: its `dropped`
 * counts, counted once). Writes are group-committed: every append waiting at the same time shares one
 * write and one fsync, and nothing is acknowledged before its fsync returned.
 *
 * The dedupe index is rebuilt from the record files on open, so it can never disagree with the data:
 * after a crash between write and acknowledgement, the SDK's retry finds its records already there.
 */
import { mkdir, open, readdir, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** Record ids are remembered this long (the SDK gives up on records after 7 days). */
export const DEDUPE_WINDOW_DAYS = 7;
/** A segment file is closed and a new one started past this size. */
export const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

export interface BatchEntry {
  batchId: string;
  receivedAt: string;
  sentAt: string;
  sdk: { name: string; version: string };
  dropped: Record<string, number>;
  records: number;
  /** Experiments of the accepted records: the SDK's drop counts are attributed to the first. */
  experiments: string[];
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface RecordLog {
  /** True when a record with this id was accepted within the dedupe window. */
  has(id: string): boolean;
  /** True when this batchId was seen before (its `dropped` counts were already counted). */
  hasBatch(batchId: string): boolean;
  /** Appends accepted records (already serialized lines, id first) and a ledger entry; resolves once durable. */
  append(records: { id: string; line: string }[], batch: BatchEntry | undefined): Promise<void>;
  /** Appends a line to the rejection log (schema failures, for the report). */
  reject(entry: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export function dayOf(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export async function openRecordLog(dir: string, now: () => number = Date.now): Promise<RecordLog> {
  const recordsDir = join(dir, 'records');
  const batchesDir = join(dir, 'batches');
  await mkdir(recordsDir, { recursive: true });
  await mkdir(batchesDir, { recursive: true });

  const idsByDay = new Map<string, Set<string>>();
  const batchIds = new Set<string>();
  await loadIndex(recordsDir, batchesDir, now(), idsByDay, batchIds);

  const files = new Map<string, { handle: FileHandle; bytes: number }>();
  const startedAt = now().toString(36);
  let segmentNo = 0;
  let queue: { lines: Map<string, string[]>; done: (() => void)[]; fail: ((error: unknown) => void)[] } | undefined;
  let flushing: Promise<void> = Promise.resolve();

  async function fileFor(kind: 'records' | 'batches' | 'rejections', day: string, incoming: number) {
    const key = `${kind}/${day}`;
    let file = files.get(key);
    if (file && file.bytes + incoming > MAX_SEGMENT_BYTES) {
      await file.handle.close();
      files.delete(key);
      file = undefined;
    }
    if (!file) {
      const folder = kind === 'records' ? join(recordsDir, day) : kind === 'batches' ? batchesDir : join(dir, 'rejections');
      await mkdir(folder, { recursive: true });
      const name = kind === 'records' ? `${startedAt}-${process.pid}-${(segmentNo++).toString(36)}.ndjson` : `${day}.ndjson`;
      file = { handle: await open(join(folder, name), 'a'), bytes: 0 };
      files.set(key, file);
    }
    return file;
  }

  /** One write and one fsync per file for everything queued meanwhile (group commit). */
  async function flush(): Promise<void> {
    const batch = queue!;
    queue = undefined;
    try {
      const touched = new Set<FileHandle>();
      for (const [target, lines] of batch.lines) {
        const [kind, day] = target.split('/') as ['records' | 'batches' | 'rejections', string];
        const text = `${lines.join('\n')}\n`;
        const file = await fileFor(kind, day, text.length);
        await file.handle.write(text);
        file.bytes += text.length;
        touched.add(file.handle);
      }
      await Promise.all([...touched].map((handle) => handle.datasync()));
      for (const done of batch.done) done();
    } catch (error) {
      for (const fail of batch.fail) fail(error);
    }
  }

  function enqueue(target: string, lines: string[]): Promise<void> {
    if (!queue) {
      queue = { lines: new Map(), done: [], fail: [] };
      flushing = flushing.then(flush);
    }
    const pending = queue;
    const list = pending.lines.get(target) ?? [];
    list.push(...lines);
    pending.lines.set(target, list);
    return new Promise<void>((resolve, reject) => {
      pending.done.push(resolve);
      pending.fail.push(reject);
    });
  }

  return {
    has(id) {
      for (const ids of idsByDay.values()) if (ids.has(id)) return true;
      return false;
    },
    hasBatch: (batchId) => batchIds.has(batchId),
    async append(records, batch) {
      const day = dayOf(now());
      const writes: Promise<void>[] = [];
      if (records.length > 0) writes.push(enqueue(`records/${day}`, records.map((record) => record.line)));
      if (batch) writes.push(enqueue(`batches/${day}`, [JSON.stringify(batch)]));
      await Promise.all(writes);
      // Indexed only once durable: a failed write must not turn the SDK's retry into a "duplicate".
      let ids = idsByDay.get(day);
      if (!ids) {
        ids = new Set();
        idsByDay.set(day, ids);
        pruneDays(idsByDay, now());
      }
      for (const record of records) ids.add(record.id);
      if (batch) batchIds.add(batch.batchId);
    },
    reject: (entry) => enqueue(`rejections/${dayOf(now())}`, [JSON.stringify(entry)]),
    async close() {
      await flushing;
      await Promise.all([...files.values()].map((file) => file.handle.close()));
      files.clear();
    },
  };
}

/** Serializes a validated record as a log line with `id` first, so the index can read ids without parsing lines. */
export function recordLine(record: { id: string } & Record<string, unknown>): string {
  // Parsed records already list `id` first (schema order), so the plain serialization usually is the line.
  const direct = JSON.stringify(record);
  if (direct.startsWith('{"id":')) return direct;
  const { id, ...rest } = record;
  const body = JSON.stringify(rest);
  return `{"id":${JSON.stringify(id)}${body.length > 2 ? `,${body.slice(1)}` : '}'}`;
}

/** Reads the id from a line written by recordLine (`{"id":"…",`), without parsing the rest. */
export function idOfLine(line: string): string | undefined {
  if (!line.startsWith('{"id":"')) return undefined;
  let end = 7;
  while (end < line.length) {
    const char = line.charCodeAt(end);
    if (char === 0x5c) end += 2; // backslash: skip the escaped character
    else if (char === 0x22) break;
    else end++;
  }
  try {
    return JSON.parse(line.slice(6, end + 1)) as string;
  } catch {
    return undefined;
  }
}

async function loadIndex(recordsDir: string, batchesDir: string, now: number, idsByDay: Map<string, Set<string>>, batchIds: Set<string>) {
  const oldest = dayOf(now - DEDUPE_WINDOW_DAYS * 86_400_000);
  for (const day of (await readdir(recordsDir)).filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name) && name >= oldest)) {
    const ids = new Set<string>();
    for (const file of await readdir(join(recordsDir, day))) {
      const text = await readFile(join(recordsDir, day, file), 'utf8');
      // A torn last line (crash mid-write, before any ack) is ignored: it was never acknowledged.
      for (const line of text.split('\n')) {
        const id = idOfLine(line);
        if (id !== undefined && line.endsWith('}')) ids.add(id);
      }
    }
    idsByDay.set(day, ids);
  }
  for (const file of await readdir(batchesDir)) {
    if (file.slice(0, 10) < oldest) continue;
    for (const line of (await readFile(join(batchesDir, file), 'utf8')).split('\n')) {
      if (!line) continue;
      try {
        batchIds.add((JSON.parse(line) as BatchEntry).batchId);
      } catch {
        // torn last line: never acknowledged
      }
    }
  }
}

function pruneDays(idsByDay: Map<string, Set<string>>, now: number) {
  const oldest = dayOf(now - DEDUPE_WINDOW_DAYS * 86_400_000);
  for (const day of idsByDay.keys()) if (day < oldest) idsByDay.delete(day);
}
