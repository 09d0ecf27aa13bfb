/**
 * The engine. The caller gets back the live call's own promise: same object, same value, same error,
 * same moment. Everything else (shadow, compare, record) hangs off that promise as a side branch
 * that cannot throw into the caller and is never awaited by it.
 */
import type { Comparator } from '../compare/types';
import { ShadowcastError } from '../errors';
import type { Outcome } from '../schema/codes';
import type { FinishedCall, SideResult } from '../record/recorder';
import { inNextTask } from '../utils/next-task';
import { safeUnref } from '../utils/safe-unref';
import { snapshot } from './snapshot';
import type { CircuitBreaker } from './budgets';
import type { Settings } from './control';
import type { Plan } from './decide';
import type { StatsRecorder } from './stats';

/** Where a model call stands: serving the user (`live`) or compared in the background (`shadow`). */
export type CallRole = 'live' | 'shadow';

/** Per-call facts a model invoker can report (the HTTP status, for predict). */
export interface CallMeta {
  status?: number;
}

/** Calls one model. `settings` is undefined only for baseline calls outside any experiment. */
export type ModelInvoker = (
  role: CallRole,
  signal: AbortSignal | undefined,
  meta: CallMeta,
  settings: Settings | undefined,
) => unknown;

export interface EngineCall {
  input: unknown;
  key: unknown;
  id: string | undefined;
  context: Record<string, unknown> | undefined;
  baseline: ModelInvoker;
  candidate: ModelInvoker;
  hasCandidate: (settings: Settings) => boolean;
}

export interface EngineDeps {
  decide: (key: unknown, hasCandidate: (settings: Settings) => boolean) => Plan;
  breaker: CircuitBreaker;
  stats: StatsRecorder;
  compare: Comparator;
  dispatch: 'after-live' | 'parallel';
  record: (call: FinishedCall) => void;
  now: () => number;
  report: (error: ShadowcastError) => void;
}

const SERVE_BASELINE: Plan = Object.freeze({ sampled: false, served: 'baseline' });

export function createEngine(deps: EngineDeps) {
  /** Shadow slots taken (from decision until recorded): what `maxConcurrentShadows` bounds. */
  let slots = 0;
  const running = new Set<AbortController>();
  const pending = new Set<Promise<void>>();
  /** Set by stop(): a shadow decided earlier but starting now is aborted at once. */
  let stopped = false;

  function execute<T>(call: EngineCall): Promise<T> {
    deps.stats.counters.predictions++;
    let plan: Plan;
    try {
      plan = deps.decide(call.key, call.hasCandidate);
    } catch (error) {
      deps.report(new ShadowcastError('shadow', 'Deciding how to route a call failed; it went to the live model only.', { cause: error }));
      plan = SERVE_BASELINE;
    }
    const serve = plan.served === 'candidate' ? call.candidate : call.baseline;
    const settings = 'settings' in plan ? plan.settings : undefined;
    if (!plan.sampled) return invoke(serve, 'live', undefined, {}, settings) as Promise<T>;

    deps.stats.counters.sampled++;
    if (plan.skip) deps.stats.skip(plan.skip);
    const startedAt = deps.now();
    const liveMeta: CallMeta = {};
    const liveStart = performance.now();
    const livePromise = invoke(serve, 'live', undefined, liveMeta, plan.settings);
    // Registered before the caller can attach anything, so the snapshot is taken before any caller code runs.
    const liveSettled = livePromise.then(
      (value): SideResult => ({ ok: true, value: snapshot(value), latencyMs: performance.now() - liveStart, ...status(liveMeta) }),
      (error: unknown): SideResult => ({ ok: false, error, latencyMs: performance.now() - liveStart, ...status(liveMeta) }),
    );

    let shadowSettled: Promise<SideResult | undefined> = Promise.resolve(undefined);
    if (!plan.skip) {
      slots++;
      deps.stats.counters.shadowed++;
      const shadowFn = plan.noise ? serve : plan.served === 'candidate' ? call.baseline : call.candidate;
      const start = () => runShadow(shadowFn, plan.settings);
      // The shadow starts in a fresh task: after the caller's continuation and after the live request
      // is dispatched (parallel), or after the live call settled (after-live). Never a timer, so fake
      // timers in users' tests never stall a shadow (or flush()).
      const startInNextTask = () => new Promise<SideResult>((resolve) => inNextTask(() => resolve(start())));
      shadowSettled = deps.dispatch === 'parallel' ? startInNextTask() : liveSettled.then(startInNextTask);
    }

    const done = Promise.all([liveSettled, shadowSettled])
      .then(([live, shadow]) => finish(plan, call, startedAt, live, shadow))
      .catch((error: unknown) => deps.report(new ShadowcastError('record', 'Finishing a shadowed call failed.', { cause: error })))
      .finally(() => pending.delete(done));
    pending.add(done);
    return livePromise as Promise<T>;
  }

  function runShadow(fn: ModelInvoker, settings: Settings): Promise<SideResult> {
    const controller = new AbortController();
    const meta: CallMeta = {};
    const started = performance.now();
    return new Promise<SideResult>((resolve) => {
      let settled = false;
      const settle = (result: Omit<SideResult, 'latencyMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        controller.signal.removeEventListener('abort', onAbort);
        running.delete(controller);
        resolve({ ...result, latencyMs: performance.now() - started, ...status(meta) });
      };
      const onAbort = () => settle({ ok: false, aborted: true });
      const timer = safeUnref(
        setTimeout(() => {
          settle({ ok: false, timedOut: true });
          controller.abort(new DOMException('The shadow call timed out', 'TimeoutError'));
        }, settings.shadowTimeoutMs),
      );
      controller.signal.addEventListener('abort', onAbort, { once: true });
      running.add(controller);
      if (stopped) {
        controller.abort(new DOMException('The client stopped', 'AbortError'));
        return;
      }
      invoke(fn, 'shadow', controller.signal, meta, settings).then(
        (value) => settle({ ok: true, value }),
        (error: unknown) => settle({ ok: false, error }),
      );
    });
  }

  function finish(plan: Plan, call: EngineCall, startedAt: number, live: SideResult, shadow: SideResult | undefined): void {
    if (!plan.sampled) return;
    if (shadow) {
      slots--;
      deps.breaker.report(shadow.ok ? 'success' : shadow.aborted ? 'neutral' : 'failure');
      if (shadow.timedOut) deps.stats.counters.shadowTimeouts++;
      else if (!shadow.ok && !shadow.aborted) deps.stats.counters.shadowErrors++;
      if (!shadow.ok && !shadow.aborted) {
        deps.report(new ShadowcastError('shadow', shadow.timedOut ? `The shadow call timed out after ${plan.settings.shadowTimeoutMs} ms.` : 'The shadow call failed.', { cause: shadow.error }));
      }
    }

    let outcome: Outcome = plan.skip ? 'skipped' : classify(live, shadow!);
    let comparison: FinishedCall['comparison'];
    if (outcome === 'match') {
      const kind = deps.compare.kind ?? 'custom';
      try {
        const result = deps.compare(live.value, shadow!.value);
        if (typeof result !== 'object' || result === null || typeof result.match !== 'boolean') {
          throw new TypeError(`A comparator must return { match: boolean }, it returned ${JSON.stringify(result)}`);
        }
        comparison = { match: result.match, kind };
        if (typeof result.score === 'number' && Number.isFinite(result.score)) comparison.score = result.score;
        if (result.diff !== undefined) comparison.diff = result.diff;
        outcome = result.match ? 'match' : 'mismatch';
      } catch (error) {
        outcome = 'compare_error';
        deps.report(new ShadowcastError('compare', `The "${kind}" comparator threw; the call is recorded as compare_error.`, { cause: error }));
      }
    }

    deps.stats.outcome(outcome);
    if (outcome === 'match') deps.stats.counters.agreed++;
    if (outcome === 'mismatch') deps.stats.counters.disagreed++;

    deps.record({
      plan,
      input: call.input,
      rawKey: call.key,
      id: call.id,
      context: call.context,
      startedAt,
      live,
      shadow,
      outcome,
      skipReason: plan.skip,
      comparison,
    });
  }

  return {
    execute,
    /** Shadow slots in use (decided or running). */
    inFlight: () => slots,
    /** Aborts running shadows (the page was hidden); their records are still written. */
    abortRunning(reason: string) {
      for (const controller of running) controller.abort(new DOMException(reason, 'AbortError'));
    },
    /** Aborts running shadows and every one that would start later (the client is shutting down). */
    stop(reason: string) {
      stopped = true;
      for (const controller of running) controller.abort(new DOMException(reason, 'AbortError'));
    },
    /** Resolves when every sampled call seen so far has been recorded. */
    idle: async () => {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}

/**
 * Which outcome a pair of settled calls is, before comparing (contract taxonomy). Comparison can only
 * turn the provisional `match` into `mismatch` or `compare_error`.
 */
export function classify(live: SideResult, shadow: SideResult): Outcome {
  if (!live.ok) return shadow.ok || shadow.aborted ? 'live_error' : 'both_error';
  if (shadow.aborted) return 'shadow_aborted';
  if (shadow.timedOut) return 'shadow_timeout';
  if (!shadow.ok) return 'shadow_error';
  return 'match';
}

/** Calls a model function so that neither a synchronous throw nor a plain value escapes as such. */
function invoke(fn: ModelInvoker, ...args: Parameters<ModelInvoker>): Promise<unknown> {
  try {
    return Promise.resolve(fn(...args));
  } catch (error) {
    return Promise.reject(error);
  }
}

function status(meta: CallMeta): { status?: number } {
  return meta.status === undefined ? {} : { status: meta.status };
}

