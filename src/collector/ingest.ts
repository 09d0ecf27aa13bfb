/**
 * One batch in, one answer out (wire contract): decode (gzip by header or `?enc=gzip`, bounded after
 * decompression too), validate the envelope with the shared schema, then each record on its own (a bad
 * record is rejected by id, never the whole batch), dedupe by record id, append durably, answer.
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import * as z from 'zod/mini';
import { issueLines, issueMessage } from '../schema/issues';
import { parseBatchEnvelope, RecordSchema, type WireBatchResponse } from '../schema/wire';
import type { RecordLog } from './record-log';
import { recordLine } from './record-log';

const gunzipAsync = promisify(gunzip);

/**
 * The shared record schema, compiled ahead of time on first use: 7× faster per record (measured:
 * 1.3 vs 9.2 µs). zod compiles with `new Function`, which is fine here on the Node-only collector and
 * never reaches the browser bundle; invalid records fall back to the regular parser, so messages match.
 */
let compiledRecord: typeof RecordSchema | undefined;
function parseRecord(raw: unknown) {
  compiledRecord ??= z.compile(RecordSchema);
  return compiledRecord.safeParse(raw, { error: issueMessage });
}

export type IngestResult =
  | { status: 200; body: WireBatchResponse }
  | { status: 400 | 413; body: { error: string } };

export interface IngestLimits {
  /** Largest decompressed body accepted. */
  maxDecodedBytes: number;
}

/** Ids of records being written right now: a retry racing its own first attempt is a duplicate, not a second copy. */
export function createIngest(log: RecordLog, limits: IngestLimits, now: () => number = Date.now) {
  const writing = new Set<string>();
  const writingBatches = new Set<string>();

  return async function ingest(raw: Buffer, gzipped: boolean): Promise<IngestResult> {
    let text: string;
    try {
      const bytes = gzipped ? await gunzipAsync(raw, { maxOutputLength: limits.maxDecodedBytes }) : raw;
      text = bytes.toString('utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        return { status: 413, body: { error: `Decompressed body is over ${limits.maxDecodedBytes} bytes.` } };
      }
      return { status: 400, body: { error: 'Body is not valid gzip (signalled by content-encoding: gzip or ?enc=gzip).' } };
    }
    if (text.length > limits.maxDecodedBytes) return { status: 413, body: { error: `Body is over ${limits.maxDecodedBytes} bytes.` } };

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { status: 400, body: { error: 'Body is not JSON.' } };
    }
    const envelope = parseBatchEnvelope(json);
    if (!envelope.success) {
      const schema = (json as { schema?: unknown } | null)?.schema;
      const reason =
        schema === undefined ? 'missing "schema" (expected "shadowcast.batch/1")' : schema !== 'shadowcast.batch/1' ? `unknown schema ${JSON.stringify(schema).slice(0, 80)} (expected "shadowcast.batch/1")` : describeIssues(envelope.error.issues);
      await log.reject({ at: new Date(now()).toISOString(), kind: 'batch', reason }).catch(() => {});
      return { status: 400, body: { error: `Invalid batch: ${reason}` } };
    }

    const batch = envelope.data;
    const accepted: { id: string; line: string; experiment: string }[] = [];
    const rejected: { id: string; reason: string }[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    for (let i = 0; i < batch.records.length; i++) {
      const parsed = parseRecord(batch.records[i]);
      const rawId = (batch.records[i] as { id?: unknown } | null)?.id;
      if (!parsed.success) {
        rejected.push({ id: typeof rawId === 'string' ? rawId : `#${i}`, reason: describeIssues(parsed.error.issues) });
        continue;
      }
      const { id } = parsed.data;
      if (seen.has(id) || writing.has(id) || log.has(id)) {
        duplicates++;
        continue;
      }
      let line: string;
      try {
        line = recordLine(parsed.data);
      } catch {
        rejected.push({ id, reason: 'record cannot be serialized (nested too deep)' });
        continue;
      }
      seen.add(id);
      accepted.push({ id, line, experiment: parsed.data.experiment });
    }

    // `dropped` is counted once per batchId, however often the batch is retried.
    const firstTime = !log.hasBatch(batch.batchId) && !writingBatches.has(batch.batchId);
    const entry = firstTime
      ? {
          batchId: batch.batchId,
          receivedAt: new Date(now()).toISOString(),
          sentAt: batch.sentAt,
          sdk: batch.sdk,
          dropped: batch.dropped,
          records: batch.records.length,
          experiments: [...new Set(accepted.map((record) => record.experiment))],
          accepted: accepted.length,
          duplicates,
          rejected: rejected.length,
        }
      : undefined;
    if (rejected.length > 0) {
      await log.reject({ at: new Date(now()).toISOString(), kind: 'records', batchId: batch.batchId, rejected: rejected.slice(0, 100) }).catch(() => {});
    }

    for (const record of accepted) writing.add(record.id);
    if (entry) writingBatches.add(entry.batchId);
    try {
      await log.append(accepted, entry);
    } finally {
      for (const record of accepted) writing.delete(record.id);
      if (entry) writingBatches.delete(entry.batchId);
    }
    return { status: 200, body: { accepted: accepted.length, duplicates, rejected } };
  };
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issueLines(issues, 3, '(batch)').join('; ').slice(0, 300);
}
