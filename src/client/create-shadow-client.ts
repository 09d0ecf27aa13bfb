/**
 * createShadowClient: resolve options once, then wire control → decide → engine → recorder → uploader.
 * Each piece lives in its own file; this one only connects them and owns the client's lifecycle.
 */
import { ConfigError, ShadowcastError } from '../errors';
import { resolveOptions } from '../options';
import { MODES, type Mode } from '../schema/codes';
import { createRecorder } from '../record/recorder';
import { createFetchTransport } from '../upload/transport';
import { createUploader } from '../upload/uploader';
import { randomHex } from '../utils/ids';
import { safeUnref } from '../utils/safe-unref';
import { createCircuitBreaker, createRateBudget } from './budgets';
import { createRemoteControl } from '../config/remote-control';
import { createStaticControl } from './control';
import { createDecider } from './decide';
import { createHttpCall } from './predict';
import { createEngine } from './run';
import { createStats } from './stats';
import type { FlushResult, RunCall, ShadowClient, ShadowClientOptions, Stats } from './types';

/**
 * Creates a client that serves every call from the live model and shadows a sample to the new one.
 * Throws `ConfigError` synchronously on bad options; nothing else it does ever throws at the caller.
 * @example
 * const client = createShadowClient({
 *   experiment: 'credit-risk-v2',
 *   live: { url: 'https://api.example/v1/predict' },
 *   shadow: { url: 'https://api.example/v2/predict' },
 *   sampleRate: 0.25,
 *   collector: { url: 'https://collect.example/v1/batches' },
 * });
 * const score = await client.predict(features, { key: userId });
 */
export function createShadowClient<Input = unknown, Output = unknown>(
  options: ShadowClientOptions<Input, Output>,
): ShadowClient<Input, Output> {
  const resolved = resolveOptions(options as ShadowClientOptions);
  const session = randomHex(8);
  const stats = createStats();
  const breaker = createCircuitBreaker(resolved.circuitBreaker, resolved.now);
  const control = resolved.remoteConfig ? createRemoteControl(resolved) : createStaticControl(resolved);
  let closing: Promise<FlushResult> | undefined;
  const isClosed = () => closing !== undefined;

  const uploader = createUploader({
    options: resolved.upload,
    store: resolved.storage,
    transport: resolved.collector && createFetchTransport({ ...resolved.collector, fetch: resolved.fetch, now: resolved.now }),
    session,
    stats,
    now: resolved.now,
    random: resolved.random,
    report: resolved.onError,
  });
  const record = createRecorder({ options: resolved, session, stats, enqueue: uploader.enqueue });
  const engine = createEngine({
    decide: createDecider({
      experiment: resolved.experiment,
      control,
      stats,
      breaker,
      rate: createRateBudget(resolved.now),
      random: resolved.random,
      inFlight: () => engine.inFlight(),
      isClosed,
    }),
    breaker,
    stats,
    compare: resolved.compare,
    dispatch: resolved.dispatch,
    record,
    now: resolved.now,
    report: resolved.onError,
  });

  /** Settles every sampled call, then flushes, within `timeoutMs`; never rejects. */
  async function settleAndFlush(timeoutMs = resolved.flushTimeoutMs): Promise<FlushResult> {
    const work = engine
      .idle()
      .then(() => uploader.flush())
      .catch((error: unknown) => {
        resolved.onError(new ShadowcastError('upload', 'flush() failed unexpectedly.', { cause: error }));
        return { pending: uploader.queued() };
      });
    const result = await within(work, timeoutMs);
    if (result === TIMED_OUT) return { ok: false, pending: uploader.queued() + engine.inFlight() };
    return { ok: result.pending === 0, pending: result.pending };
  }

  /**
   * Half the flush budget goes to letting in-flight shadows finish (most end within their own timeout);
   * whatever still runs then is aborted and recorded as shadow_aborted; the rest ships the records.
   */
  async function shutDown(): Promise<FlushResult> {
    const deadline = resolved.now() + resolved.flushTimeoutMs;
    const controlClosed = control.close(); // stops polling now; a config write in progress finishes alongside
    const half = resolved.flushTimeoutMs / 2;
    if ((await within(engine.idle(), half)) === TIMED_OUT) engine.stop('The shadowcast client closed');
    const result = await settleAndFlush(half);
    uploader.close();
    await within(controlClosed, Math.max(0, deadline - resolved.now()));
    return result;
  }

  return {
    predict(input, callOptions) {
      if (!resolved.live) {
        return Promise.reject(new ConfigError('live', `predict() needs the live option; this "${resolved.experiment}" client was created without it and supports run() only. Pass live: { url: 'https://…/v1/predict' }.`));
      }
      return engine.execute(createHttpCall(resolved, input, callOptions));
    },

    run<T = Output>(call: RunCall<T>): Promise<T> {
      if (typeof call?.live !== 'function' || typeof call.shadow !== 'function') {
        return Promise.reject<T>(new ConfigError('run', 'run(call) needs call.live and call.shadow functions, e.g. run({ input, key, live: () => current(input), shadow: ({ signal }) => next(input, { signal }) }).'));
      }
      return engine.execute<T>({
        input: call.input,
        key: call.key,
        id: call.id,
        context: call.context,
        baseline: () => call.live(),
        candidate: (_role, signal) => call.shadow({ signal: signal ?? neverAborted() }),
        hasCandidate: () => true,
      });
    },

    stats(): Stats {
      const { counters } = stats;
      return Object.freeze({
        ...counters,
        skipped: { ...counters.skipped },
        outcomes: { ...counters.outcomes },
        dropped: { ...counters.dropped },
        queued: uploader.queued(),
        inFlight: engine.inFlight(),
        circuit: breaker.state(),
        storage: uploader.storageKind(),
        mode: control.mode(),
      });
    },

    flush: () => settleAndFlush(),

    close() {
      closing ??= shutDown();
      return closing;
    },

    setMode(mode) {
      if (mode !== undefined && !MODES.includes(mode)) {
        throw new ConfigError('mode', `setMode(mode): mode must be one of ${MODES.join(', ')} or undefined (hand control back), received ${JSON.stringify(mode)}.`);
      }
      control.setMode(mode as Mode | undefined);
    },

    config: () => control.state(),

    onConfigChange(listener) {
      if (typeof listener !== 'function') {
        throw new ConfigError('onConfigChange', `onConfigChange(listener): listener must be a function, received ${typeof listener}.`);
      }
      return control.subscribe(listener);
    },

    refreshConfig: () => control.refresh(),
  };
}

const TIMED_OUT = Symbol('timed out');

/** Resolves with the promise's value, or TIMED_OUT after `ms`; the timer never holds a Node process open. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = safeUnref(setTimeout(() => resolve(TIMED_OUT), ms));
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

let never: AbortSignal | undefined;
/** The signal a candidate gets when it serves live: nothing aborts a live call. */
function neverAborted(): AbortSignal {
  return (never ??= new AbortController().signal);
}
