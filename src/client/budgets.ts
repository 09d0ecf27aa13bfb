/**
 * Budgets bound a shadow's blast radius: calls in flight, calls per minute, and a circuit breaker
 * that pauses a failing shadow. Limits are read per call, so a remote config can change them live.
 */

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreaker {
  /** May a shadow call start now? In half-open state exactly one probe is let through. */
  allow(): boolean;
  /** Reports how a shadow call ended; `neutral` (aborted) neither heals nor harms. */
  report(result: 'success' | 'failure' | 'neutral'): void;
  state(): CircuitState;
}

export function createCircuitBreaker(
  settings: { failureThreshold: number; resetAfterMs: number } | undefined,
  now: () => number,
): CircuitBreaker {
  if (!settings) return { allow: () => true, report: () => {}, state: () => 'closed' };
  let state: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;

  return {
    allow() {
      if (state === 'open' && now() - openedAt >= settings.resetAfterMs) {
        state = 'half_open';
        probing = false;
      }
      if (state === 'closed') return true;
      if (state === 'half_open' && !probing) {
        probing = true;
        return true;
      }
      return false;
    },
    report(result) {
      if (result === 'neutral') {
        if (state === 'half_open') probing = false; // let the next call probe instead
        return;
      }
      if (result === 'success') {
        state = 'closed';
        failures = 0;
        probing = false;
        return;
      }
      failures++;
      if (state === 'half_open' || failures >= settings.failureThreshold) {
        state = 'open';
        openedAt = now();
        probing = false;
      }
    },
    state: () => state,
  };
}

/** A token bucket holding up to `perMinute` tokens, refilled continuously. */
export interface RateBudget {
  available(perMinute: number): boolean;
  take(perMinute: number): void;
}

export function createRateBudget(now: () => number): RateBudget {
  let tokens = Number.NaN; // filled to capacity on first use
  let refilledAt = 0;
  const refill = (perMinute: number) => {
    const at = now();
    tokens = Number.isNaN(tokens) ? perMinute : Math.min(perMinute, tokens + ((at - refilledAt) * perMinute) / 60_000);
    refilledAt = at;
  };
  return {
    available(perMinute) {
      if (perMinute === Number.POSITIVE_INFINITY) return true;
      refill(perMinute);
      return tokens >= 1;
    },
    take(perMinute) {
      if (perMinute !== Number.POSITIVE_INFINITY) tokens -= 1;
    },
  };
}

/** True when the browser user asked to save data (Network Information API; absent elsewhere). */
export function userAskedToSaveData(): boolean {
  const connection = (globalThis.navigator as { connection?: { saveData?: boolean } } | undefined)?.connection;
  return connection?.saveData === true;
}
