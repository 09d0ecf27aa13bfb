import { describe, expect, it } from 'vitest';
import { CONFIG_BACKOFF_CAP_MS } from '../../src/config/limits';
import { delayAfterFailure, MIN_RETRY_MS } from '../../src/config/poll-delay';

const failure = (failures: number, status?: number, retryAfterMs?: number) => ({ failures, status, retryAfterMs });

describe('delayAfterFailure', () => {
  it('draws uniformly below a ceiling that doubles from twice the interval up to 5 minutes', () => {
    expect(delayAfterFailure(failure(1, 503), 30_000, () => 0.5)).toEqual({ delayMs: 30_000, backedOff: true });
    expect(delayAfterFailure(failure(2), 30_000, () => 0.999_999).delayMs).toBeCloseTo(120_000, -1);
    expect(delayAfterFailure(failure(9, 500), 30_000, () => 0.999_999).delayMs).toBeCloseTo(CONFIG_BACKOFF_CAP_MS, -1);
  });

  it('never retries sooner than MIN_RETRY_MS, and honours Retry-After up to the cap', () => {
    expect(delayAfterFailure(failure(1), 10_000, () => 0).delayMs).toBe(MIN_RETRY_MS);
    expect(delayAfterFailure(failure(1, 429, 90_000), 10_000, () => 0).delayMs).toBe(90_000);
    expect(delayAfterFailure(failure(1, 429, 3_600_000), 10_000, () => 0).delayMs).toBe(CONFIG_BACKOFF_CAP_MS);
  });

  it('polls on at the cap after 401, 403, 404 and other 4xx, without counting towards the backoff', () => {
    for (const status of [400, 401, 403, 404, 410]) expect(delayAfterFailure(failure(1, status), 10_000, () => 0.5)).toEqual({ delayMs: CONFIG_BACKOFF_CAP_MS, backedOff: false });
    expect(delayAfterFailure(failure(1, 408), 10_000, () => 0.5).backedOff).toBe(true);
  });

  it('never makes a failing poll slower than a healthy one when the interval is longer than the cap', () => {
    expect(delayAfterFailure(failure(1, 404), 3_600_000, () => 0.5).delayMs).toBe(3_600_000);
    expect(delayAfterFailure(failure(5, 503), 3_600_000, () => 0.999_999).delayMs).toBeLessThanOrEqual(3_600_000);
  });
});
