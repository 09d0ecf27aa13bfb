/**
 * Wire format v1 (contract), defined once with zod and shared by the SDK and the collector.
 * The SDK imports only the types from here (outbound records are built typed, not parsed);
 * the collector parses every inbound batch with these schemas.
 */
import * as z from 'zod/mini';
import {
  BATCH_SCHEMA,
  DROP_REASONS,
  HASH_VERSION,
  KEY_DIGEST_PATTERN,
  MODES,
  NAME_PATTERN,
  OUTCOMES,
  RECORDED_SKIP_REASONS,
} from './codes';
import { issueMessage } from './issues';

const nonNegative = z.number().check(z.gte(0));
const nonNegativeInt = z.number().check(z.int(), z.gte(0));
const rate = z.number().check(z.gte(0), z.lte(1));
const isoTimestamp = z.iso.datetime({ offset: true });

/** One side of a comparison: the live (serving) call or the shadow call. */
export const SideSchema = z.looseObject({
  ok: z.boolean(),
  /** HTTP status when there was a response. */
  status: z.optional(z.number().check(z.int(), z.gte(100), z.lte(599))),
  latencyMs: nonNegative,
  /** The extracted prediction (absent when `capture.output` is off or the call failed). */
  output: z.optional(z.unknown()),
  /** Short machine-readable error code: `http_500`, `timeout`, `network`, `invalid_json`, `aborted`, `error`. */
  error: z.optional(z.string().check(z.maxLength(64))),
  /** Human-readable error message, truncated. */
  message: z.optional(z.string().check(z.maxLength(512))),
});

export const ComparisonSchema = z.looseObject({
  match: z.boolean(),
  /** Which comparator decided: `exact`, `numeric`, `label`, `topK` or `custom`. */
  kind: z.string().check(z.minLength(1), z.maxLength(64)),
  score: z.optional(z.number()),
  diff: z.optional(z.unknown()),
});

/** One sampled call. Unknown fields are kept, so an older collector never loses what a newer SDK sends. */
export const RecordSchema = z
  .looseObject({
    id: z.string().check(z.minLength(1), z.maxLength(128)),
    experiment: z.string().check(z.regex(NAME_PATTERN)),
    ts: isoTimestamp,
    session: z.string().check(z.minLength(1), z.maxLength(64)),
    seq: nonNegativeInt,
    sampleRate: rate,
    hashVersion: z.literal(HASH_VERSION),
    mode: z.enum(MODES),
    /** `noise` records compare the live model with itself (live vs live), to measure its own nondeterminism. */
    kind: z.optional(z.enum(['shadow', 'noise'])),
    /** Which model answered the user: `baseline` (the current one) or `candidate` (the new one). */
    served: z.optional(z.enum(['baseline', 'candidate'])),
    configVersion: z.optional(nonNegativeInt),
    key: z.optional(z.string().check(z.regex(KEY_DIGEST_PATTERN))),
    rawKey: z.optional(z.string().check(z.maxLength(512))),
    input: z.optional(z.unknown()),
    context: z.optional(z.record(z.string(), z.unknown())),
    outcome: z.enum(OUTCOMES),
    skipReason: z.optional(z.enum(RECORDED_SKIP_REASONS)),
    live: SideSchema,
    shadow: z.optional(SideSchema),
    comparison: z.optional(ComparisonSchema),
  })
  .check(
    z.refine((record) => (record.outcome === 'skipped') === (record.skipReason !== undefined), {
      message: 'skipReason is required when, and only when, outcome is "skipped"',
      path: ['skipReason'],
    }),
  );

/** A batch whose records are not yet looked at: the collector checks each record on its own. */
export const BatchEnvelopeSchema = z.object({
  schema: z.literal(BATCH_SCHEMA),
  batchId: z.string().check(z.minLength(1), z.maxLength(128)),
  sentAt: isoTimestamp,
  sdk: z.object({ name: z.string().check(z.maxLength(64)), version: z.string().check(z.maxLength(64)) }),
  /** Records given up on, by reason; counted once per batchId. Unknown reasons are kept (newer SDKs). */
  dropped: z.record(z.string().check(z.maxLength(64)), nonNegativeInt),
  records: z.array(z.unknown()),
});

export const BatchSchema = z.extend(BatchEnvelopeSchema, { records: z.array(RecordSchema) });

/** What the collector answers to an accepted batch. */
export const BatchResponseSchema = z.object({
  accepted: nonNegativeInt,
  duplicates: nonNegativeInt,
  rejected: z.array(z.object({ id: z.string(), reason: z.string() })),
});

export type WireSide = z.infer<typeof SideSchema>;
export type WireComparison = z.infer<typeof ComparisonSchema>;
export type WireRecord = z.infer<typeof RecordSchema>;
export type WireBatch = z.infer<typeof BatchSchema>;
export type WireBatchResponse = z.infer<typeof BatchResponseSchema>;

/** Keeps the drop-reason list and the wire type in step: a reason added in codes.ts is a valid wire key. */
export type WireDropped = Partial<Record<(typeof DROP_REASONS)[number], number>>;

/** Parses a batch envelope with readable messages (the collector's entry check). */
export function parseBatchEnvelope(raw: unknown) {
  return BatchEnvelopeSchema.safeParse(raw, { error: issueMessage });
}

/** Parses one record with readable messages; a bad record is rejected on its own, by id. */
export function parseRecord(raw: unknown) {
  return RecordSchema.safeParse(raw, { error: issueMessage });
}
