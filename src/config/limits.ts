/**
 * Bounds of remote config, zod-free so options.ts (eager) and the schema (lazy) share one table.
 * Documents outside these bounds are rejected (never clamped: a broken publisher must show up);
 * code options outside them are clamped with one warning (house style, as OpenTelemetry does).
 */

/** Polling faster than this hammers the config server from every page (research §5: 10 s–1 h). */
export const MIN_POLL_INTERVAL_MS = 10_000;
/** Polling slower than this makes the kill switch useless. */
export const MAX_POLL_INTERVAL_MS = 60 * 60 * 1000;
/** A document is small; anything larger is rejected unread beyond this many bytes. */
export const MAX_DOCUMENT_BYTES = 64 * 1024;
/** One config request may take this long; it bounds the remote kill latency (poll interval + this). */
export const CONFIG_FETCH_TIMEOUT_MS = 5000;
/** Failed polls back off up to this (or the poll interval when that is longer). */
export const CONFIG_BACKOFF_CAP_MS = 5 * 60 * 1000;
/** A broken store must not hold back the first fetch: reading the last known good config waits this long at most. */
export const STORE_READ_TIMEOUT_MS = 2000;

/** Per-experiment budgets a document may set (inclusive ranges). */
export const REMOTE_BUDGET_LIMITS = {
  maxConcurrentShadows: [1, 1024],
  maxShadowsPerMinute: [1, 1_000_000],
  shadowTimeoutMs: [1, 120_000],
} as const;

/** The poll interval from code, within bounds; `clamped` tells the caller to warn. */
export function clampPollInterval(ms: number): { ms: number; clamped: boolean } {
  const clamped = Math.min(MAX_POLL_INTERVAL_MS, Math.max(MIN_POLL_INTERVAL_MS, ms));
  return { ms: clamped, clamped: clamped !== ms };
}
