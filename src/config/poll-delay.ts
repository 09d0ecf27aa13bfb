/**
 * When to poll again after a failed poll (research §5): network errors, timeouts, 5xx, 408 and 429
 * back off exponentially with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"),
 * from the poll interval up to 5 minutes, honouring Retry-After up to the same cap; 401/403/404 and
 * other 4xx poll on at the cap, never giving up (the staleness clock fails closed anyway).
 */
import { CONFIG_BACKOFF_CAP_MS } from './limits';

/** A failed poll is retried no sooner than this, whatever the jitter drew. */
export const MIN_RETRY_MS = 1000;

export interface FailedPoll {
  /** Consecutive failures so far, this one included (1 for the first). */
  failures: number;
  status: number | undefined;
  retryAfterMs: number | undefined;
}

/** The delay before the next poll; `backedOff` is false when the failure does not count towards the backoff. */
export function delayAfterFailure(poll: FailedPoll, intervalMs: number, random: () => number): { delayMs: number; backedOff: boolean } {
  // The cap never makes a failing poll slower than a healthy one.
  const cap = Math.max(CONFIG_BACKOFF_CAP_MS, intervalMs);
  const status = poll.status ?? 0;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { delayMs: cap, backedOff: false };
  const jittered = Math.max(MIN_RETRY_MS, random() * Math.min(cap, intervalMs * 2 ** poll.failures));
  return { delayMs: Math.min(cap, Math.max(jittered, poll.retryAfterMs ?? 0)), backedOff: true };
}
