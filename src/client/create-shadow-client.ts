/**
 * createShadowClient: resolve options once, then wire control → decide → engine → recorder → uploader.
 * Each piece lives in its own file; this one only connects them and owns the client's lifecycle.
 */
import { ConfigError, ShadowcastError } from '../errors';
import { resolveOptions } from '../options';
import { MODES, type Mode } from '../schema/codes';
import { createRecorder } from '../record/recorder';
import { createDrainLock } from '../upload/drain-lock';
import { watchPage } from '../upload/page-lifecycle';
import { createFetchTransport } from '../upload/transport';
import { createUnloadSender } from '../upload/unload-sender';
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

  const { collector } = resolved;
  // One drainer per store and collector across tabs; the others persist and let it send.
  const lock = createDrainLock(`shadowcast:drain:${resolved.storage.kind}:${collector?.url ?? ''}`, resolved.storage.kind !== 'memory');
  const uploader = createUploader({
    options: resolved.upload,
    store: resolved.storage,
    transport: collector && createFetchTransport({ ...collector, fetch: resolved.fetch, now: resolved.now }),
    // OTLP bodies are encoded by a lazily loaded module, which a page going away cannot wait for.
    unload: collector?.format === 'shadowcast' ? createUnloadSender({ ...collector, fetch: resolved.fetch }) : undefined,
    lock,
    session,
    stats,
    now: resolved.now,
    random: resolved.random,
    report: resolved.onError,
  });
  const unwatchPage = watchPage({
    hidden: uploader.hide,
    leaving: lock.release,
    returned: lock.request,
    wake: uploader.wake,
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
  async function shutDown(timeoutMs: number): Promise<FlushResult> {
    const deadline = resolved.now() + timeoutMs;
    const controlClosed = control.close(); // stops polling now; a config write in progress finishes alongside
    unwatchPage();
    const half = timeoutMs / 2;
    if ((await within(engine.idle(), half)) === TIMED_OUT) engine.stop('The shadowcast client closed');
    const result = await settleAndFlush(half);
    uploader.close();
    lock.release();
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

    flush: (flushOptions) => settleAndFlush(timeoutOption('flush', flushOptions) ?? resolved.flushTimeoutMs),

    close(closeOptions) {
      const timeoutMs = timeoutOption('close', closeOptions) ?? resolved.flushTimeoutMs;
      closing ??= shutDown(timeoutMs);
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

/** `{ timeoutMs }` of flush()/close(); a bad value is a caller's bug worth a clear message, but never a rejection. */
function timeoutOption(method: string, options: { timeoutMs?: number } | undefined): number | undefined {
  const timeoutMs = options?.timeoutMs;
  if (timeoutMs === undefined) return undefined;
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
    throw new ConfigError('timeoutMs', `${method}({ timeoutMs }) must be a number of milliseconds ≥ 0, received ${JSON.stringify(timeoutMs)}.`);
  }
  return timeoutMs;
}

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
