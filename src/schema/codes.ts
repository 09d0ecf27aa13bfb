/**
 * Closed sets of codes shared by `stats()`, records and the wire format.
 * Plain arrays (no zod) so the browser client can use them without pulling a schema library in;
 * `schema/wire.ts` builds its enums from these same lists.
 */

/** Schema id of wire format v1 (contract). */
export const BATCH_SCHEMA = 'shadowcast.batch/1';

/** How one sampled call ended (contract). */
export const OUTCOMES = [
  'match',
  'mismatch',
  'live_error',
  'shadow_error',
  'both_error',
  'shadow_timeout',
  'shadow_aborted',
  'compare_error',
  'skipped',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Why a sampled call did not reach the shadow; such a call still makes a record with its live half. */
export const RECORDED_SKIP_REASONS = ['concurrency', 'budget', 'circuit_open', 'save_data', 'closed'] as const;
export type RecordedSkipReason = (typeof RECORDED_SKIP_REASONS)[number];

/** Why a call was not sampled at all; counted in `stats().skipped` only, no record. */
export const UNRECORDED_SKIP_REASONS = ['config_pending', 'config_stale'] as const;

export const SKIP_REASONS = [...RECORDED_SKIP_REASONS, ...UNRECORDED_SKIP_REASONS] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Why the SDK gave up on a record; counted in `stats().dropped` and sent in the next batch's `dropped`. */
export const DROP_REASONS = [
  'queue_full', // the in-memory buffer was full
  'storage_full', // evicted (oldest first) to keep the store under its byte cap
  'too_large', // one record is larger than a whole request may be
  'rejected', // the collector refused it (400/422 or a per-record rejection)
  'max_age', // still undelivered when it reached maxRecordAgeMs
  'corrupt', // stored data could not be read back
  'redact_error', // `redact` threw, so the record could not be stored safely
  'serialize_error', // the record is not JSON (a BigInt, a cycle)
  'store_error', // the store failed and the record could not be kept anywhere
  'closed', // produced after `close()`
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Rollout modes (contract). */
export const MODES = ['shadow', 'promoted', 'canary', 'off'] as const;
export type Mode = (typeof MODES)[number];

/** Where a remote config stands; `local` means no `remoteConfig`: the settings come from code. */
export const CONFIG_STATUSES = ['local', 'pending', 'confirmed', 'stale'] as const;
export type ConfigStatus = (typeof CONFIG_STATUSES)[number];

/** Why a remote config poll, document or stored copy was not used; `RemoteConfigError.reason`. */
export const CONFIG_FAILURE_REASONS = [
  'network', // the request failed before any answer (offline, DNS, CORS, connection reset)
  'timeout', // no answer within the fetch timeout
  'http_error', // 5xx, 408, 429, or another unexpected status
  'unauthorized', // 401 or 403: keeps polling at the longest backoff
  'not_found', // 404 (or 410): keeps polling at the longest backoff
  'too_large', // the document is larger than MAX_DOCUMENT_BYTES; not read further
  'invalid_json', // the body is not JSON
  'invalid_document', // the JSON fails the schema (SchemaError with issues)
  'origin_not_allowed', // this experiment's shadowUrl points outside allowOrigins (SchemaError)
  'version_older', // a valid document older than the one in force (a stale CDN edge?)
  'version_reused', // a document with the version in force but different content: ignored
  'store_error', // the last known good config could not be read or written
  'stored_invalid', // the stored last known good config no longer validates (or is corrupt)
  'load_error', // the remote-config module could not be loaded (lazy chunk)
  'listener_error', // an onConfigChange listener threw
  'poll_interval_clamped', // remoteConfig.pollIntervalMs was outside 10 s–1 h
] as const;
export type ConfigFailureReason = (typeof CONFIG_FAILURE_REASONS)[number];

/** What `capture.input` may be (contract). */
export const INPUT_CAPTURES = ['none', 'hash', 'full'] as const;
export type InputCapture = (typeof INPUT_CAPTURES)[number];

/** `experiment` and `salt`: no `:` so the sampling message stays unambiguous (contract). */
export const NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The 64-bit key digest in records: 16 lowercase hex digits. */
export const KEY_DIGEST_PATTERN = /^[0-9a-f]{16}$/;

/** Sampling hash version carried in records and remote config (contract). */
export const HASH_VERSION = 1;
