/**
 * A segment is one batch in waiting: records serialized once, sealed with the drop counts of the
 * moment (contract: they travel with the batch on retries), stored under a time-ordered key.
 * Stored form: NDJSON, a header line then one record per line (JSON.stringify never emits a raw newline).
 */
import type { DropReason } from '../schema/codes';
import { BATCH_SCHEMA } from '../schema/codes';
import { SDK_NAME, SDK_VERSION } from '../version';

export const SEGMENT_PREFIX = 'seg/';

export interface Segment {
  key: string;
  batchId: string;
  createdAt: number;
  dropped: Partial<Record<DropReason, number>>;
  records: string[];
  /** Sum of the records' UTF-8 lengths. */
  bytes: number;
  /** Set on checkpoints of a segment still open: when it was last written. */
  savedAt?: number;
}

interface SegmentHeader {
  v: 1;
  batchId: string;
  createdAt: number;
  dropped: Partial<Record<DropReason, number>>;
  savedAt?: number;
}

/** Suffix of a checkpoint: the open segment as it was at most ~1 s ago, replaced by the sealed segment. */
export const CHECKPOINT_SUFFIX = '.open';

/** Keys sort by creation time first (base-36, fixed width), so `keys()` returns the oldest first. */
export function segmentKey(createdAt: number, session: string, n: number): string {
  return `${SEGMENT_PREFIX}${createdAt.toString(36).padStart(9, '0')}-${session}-${n.toString(36).padStart(5, '0')}`;
}

export function encodeSegment(segment: Segment): string {
  const header: SegmentHeader = { v: 1, batchId: segment.batchId, createdAt: segment.createdAt, dropped: segment.dropped };
  if (segment.savedAt !== undefined) header.savedAt = segment.savedAt;
  return [JSON.stringify(header), ...segment.records].join('\n');
}

/** Reads a stored segment back; undefined when it is not one (corrupt or from an unknown version). */
export function decodeSegment(key: string, text: unknown): Segment | undefined {
  if (typeof text !== 'string') return undefined;
  const lines = text.split('\n');
  let header: SegmentHeader;
  try {
    header = JSON.parse(lines[0]!) as SegmentHeader;
  } catch {
    return undefined;
  }
  if (header?.v !== 1 || typeof header.batchId !== 'string' || typeof header.createdAt !== 'number') return undefined;
  const records = lines.slice(1).filter((line) => line.length > 0);
  // A record line that is not a JSON object means the stored bytes were damaged.
  if (records.some((line) => line[0] !== '{' || line[line.length - 1] !== '}')) return undefined;
  let bytes = 0;
  for (const line of records) bytes += line.length;
  const segment: Segment = { key, batchId: header.batchId, createdAt: header.createdAt, dropped: header.dropped ?? {}, records, bytes };
  if (typeof header.savedAt === 'number') segment.savedAt = header.savedAt;
  return segment;
}

/** The request body for a segment: the envelope around the records as stored, without re-serializing them. */
export function batchBody(segment: Segment, sentAt: number): string {
  const envelope = JSON.stringify({
    schema: BATCH_SCHEMA,
    batchId: segment.batchId,
    sentAt: new Date(sentAt).toISOString(),
    sdk: { name: SDK_NAME, version: SDK_VERSION },
    dropped: segment.dropped,
  });
  return `${envelope.slice(0, -1)},"records":[${segment.records.join(',')}]}`;
}
