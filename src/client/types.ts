import type { ConfigStatus, DropReason, InputCapture, Mode, Outcome, SkipReason } from '../schema/codes';
import type { RemoteConfigDocument } from '../schema/remote-config';
import type { WireRecord } from '../schema/wire';
import type { Comparator } from '../compare/types';
import type { Store } from '../storage/types';
import type { ShadowcastError } from '../errors';

/** An HTTP model endpoint. */
export interface EndpointOptions {
  /** Absolute URL the prediction input is POSTed to as JSON. */
  url: string;
  /** Headers for this endpoint only; merged over the client-wide `headers`. */
  headers?: Record<string, string>;
  /**
   * Per-request timeout of the live call, exactly as ky's `timeout` (contract: live errors are ky's).
   * @default 10000 (ky's default)
   */
  timeoutMs?: number;
}

/** The shadow (new) model's endpoint. Its settings stay with that endpoint whichever role it plays. */
export interface ShadowEndpointOptions extends Omit<EndpointOptions, 'timeoutMs' | 'url'> {
  /** The new model's URL. Required for `predict` unless a remote config document supplies `shadowUrl`. */
  url?: string;
  /**
   * The shadow call is abandoned after this long and recorded as `shadow_timeout`.
   * @default 3000
   */
  timeoutMs?: number;
  /**
   * Browser credentials for shadow requests. Omitted unless asked, so a shadow never acts as the user.
   * @default 'omit'
   */
  credentials?: RequestCredentials;
}

/** Where records are shipped. */
export interface CollectorOptions {
  /** The collector's batch endpoint, e.g. `https://collect.example/v1/batches`. */
  url: string;
  /**
   * Wire format: shadowcast's own (per-record acknowledgements) or OTLP/HTTP JSON logs.
   * @default 'shadowcast'
   */
  format?: 'shadowcast' | 'otlp';
  /** Extra headers on uploads (e.g. `authorization`). Beacons cannot carry them, so tokens there go in the URL. */
  headers?: Record<string, string>;
}

/** What of each call is kept in records. */
export interface CaptureOptions {
  /**
   * `none`: no input; `hash`: a 64-bit digest of the input's canonical JSON (groups identical inputs);
   * `full`: the input itself (and the raw key).
   * @default 'hash'
   */
  input?: InputCapture;
  /**
   * Keep both predictions (after `extract`); the report's output distributions need them.
   * @default true
   */
  output?: boolean;
}

/** Upload tuning. Every bound is a cap: beyond it records are dropped and counted by reason. */
export interface UploadOptions {
  /** @default 100 */
  maxBatchRecords?: number;
  /** Raw bytes per batch; kept under the 64 KiB sendBeacon / fetch-keepalive limit. @default 60000 */
  maxBatchBytes?: number;
  /** A batch is sent at the latest this long after its first record. @default 5000 */
  flushIntervalMs?: number;
  /** Records held in memory, not yet in the store. @default 1000 */
  maxQueueRecords?: number;
  /** Bytes kept in the store; the oldest batches are evicted first. @default 5 MiB */
  maxStorageBytes?: number;
  /** Records still undelivered this long after they were made are given up (counted as `max_age`). @default 7 days */
  maxRecordAgeMs?: number;
}

/** Remote control of sampling, mode and budgets (see README "Remote config"). */
export interface RemoteConfigOptions {
  /** URL of the config document (GET, JSON; see `schema/remote-config.schema.json`). */
  url: string;
  /**
   * How often the document is polled (with If-None-Match); clamped to 10 s–1 h with one warning.
   * A document's own `pollIntervalMs` overrides it while that document is in force.
   * @default 30000
   */
  pollIntervalMs?: number;
  /**
   * Origins a document's `shadowUrl` may point to; a document pointing elsewhere is rejected.
   * The origin of `shadow.url` set in code is always allowed.
   * @default []
   * @example ['https://models.example']
   */
  allowOrigins?: string[];
  /** Without a confirmed document for this long, shadowing stops until one is confirmed (fail closed). @default 86400000 (24 h) */
  maxConfigAgeMs?: number;
}

/** Circuit breaker for a failing shadow. */
export interface CircuitBreakerOptions {
  /** Consecutive shadow failures (errors or timeouts) that open the circuit. @default 10 */
  failureThreshold?: number;
  /** How long the circuit stays open before one probe call is let through. @default 30000 */
  resetAfterMs?: number;
}

/** Passed to `mapShadowRequest`, `extract` and friends: one state object, never positional lists. */
export interface CallContext {
  /** Free-form labels of the call, recorded for slicing in the report (e.g. `{ country: 'DE' }`). */
  context?: Record<string, unknown>;
}

export interface ShadowClientOptions<Input = unknown, Output = unknown> {
  /** Names the comparison; `^[A-Za-z0-9._-]{1,64}$`. */
  experiment: string;
  /** The current model. Without it the client supports `run()` only. */
  live?: EndpointOptions;
  /** The new model. Required with `live`, unless a remote config supplies `shadowUrl`. */
  shadow?: ShadowEndpointOptions;
  /**
   * Fraction of predictions shadowed, 0..1, sticky per key. Required unless `remoteConfig` is given,
   * so nobody shadows 0% or 100% of traffic by surprise.
   */
  sampleRate?: number;
  /** Where records go. Without it records are kept in the store and counted, never sent. */
  collector?: CollectorOptions;
  /**
   * How predictions are compared.
   * @default exact()
   * @example numeric({ abs: 0.01 })
   */
  compare?: Comparator<Output>;
  /**
   * Turns a response body into the prediction that `predict` resolves with, compares and records.
   * @example (body) => body.outputs[0].data[0]
   */
  extract?: (body: unknown) => Output;
  /**
   * Builds the shadow's request body when the new model takes a different input.
   * @example (input) => ({ instances: [input] })
   */
  mapShadowRequest?: (input: Input) => unknown;
  /** Sampling salt, `^[A-Za-z0-9._-]{1,64}$`; changing it re-draws who is sampled. @default 'shadowcast' */
  salt?: string;
  /** Remote control of sampling, mode and budgets. */
  remoteConfig?: RemoteConfigOptions;
  /** Sticky share of keys served by the new model in `canary` mode. @default 0 */
  canaryRate?: number;
  /** Sticky share of sampled calls that compare the live model with itself (noise baseline). @default 0 */
  noiseRate?: number;
  /** Where records wait until acknowledged. @default indexedDbStore() in browsers, memoryStore() elsewhere */
  storage?: Store;
  /** What of each call is recorded. @default { input: 'hash', output: true } */
  capture?: CaptureOptions;
  /**
   * Last word on every record before it is stored; return the record to keep (or a changed copy).
   * A throwing `redact` drops that record (counted as `redact_error`), never stores it unredacted.
   */
  redact?: (record: WireRecord) => WireRecord;
  /**
   * `after-live`: the shadow starts once the live call settled (no competition for the user's bandwidth).
   * `parallel`: both start together (comparable timing, earlier records).
   * @default 'after-live'
   */
  dispatch?: 'after-live' | 'parallel';
  /** Shadow calls in flight at once; beyond it calls are recorded as skipped (`concurrency`). @default 16 */
  maxConcurrentShadows?: number;
  /** Shadow calls per rolling minute; beyond it skipped (`budget`). @default Infinity (off) */
  maxShadowsPerMinute?: number;
  /** Pauses a failing shadow. `false` disables it. @default { failureThreshold: 10, resetAfterMs: 30000 } */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Upper bound of `flush()` and `close()`. @default 10000 */
  flushTimeoutMs?: number;
  /** Batching and storage caps. */
  upload?: UploadOptions;
  /** Receives every background failure (shadow, compare, record, store, upload, config). Never throws back. */
  onError?: (error: ShadowcastError) => void;
  /** Headers on every model call, live and shadow. */
  headers?: Record<string, string>;
  /** The fetch used for every request (live, shadow, upload, config). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Wall clock in ms, for record timestamps and budgets (tests inject a fake). @default Date.now */
  now?: () => number;
  /** Uniform [0, 1) draws for keyless sampling (tests inject a fake). @default crypto.getRandomValues */
  random?: () => number;
}

/** Per-call options of `predict`. */
export interface PredictOptions extends CallContext {
  /** Sticky sampling key (a user or session id). Without one, each call is drawn at random. */
  key?: string | number;
  /** Your own id for this call; becomes the record id, so recording the same prediction twice dedupes. */
  id?: string;
}

/** What the shadow function of `run` receives. */
export interface ShadowCallState {
  /** Aborted when the shadow times out, the page is hidden or the client closes. */
  signal: AbortSignal;
}

/** `run`: the engine over any two async functions. */
export interface RunCall<Output> extends PredictOptions {
  /** Recorded per `capture.input`. */
  input?: unknown;
  /** The current model: awaited, its result or error returned untouched. */
  live: () => Promise<Output> | Output;
  /** The new model: never awaited by the caller. */
  shadow: (state: ShadowCallState) => Promise<Output> | Output;
}

/** Counters since the client was created. A frozen snapshot: read it, don't keep it. */
export interface Stats {
  predictions: number;
  /** Calls chosen by sampling (each ends in exactly one outcome). */
  sampled: number;
  /** Calls sent (or about to be sent) to the shadow: sampled and not held back by a budget. */
  shadowed: number;
  shadowErrors: number;
  shadowTimeouts: number;
  skipped: Partial<Record<SkipReason, number>>;
  agreed: number;
  disagreed: number;
  outcomes: Partial<Record<Outcome, number>>;
  /** Records built and handed to the uploader. */
  recorded: number;
  /** Records acknowledged by the collector. */
  uploaded: number;
  dropped: Partial<Record<DropReason, number>>;
  /** Records waiting: in memory or in the store, not yet acknowledged. */
  queued: number;
  /** Shadow calls in flight now. */
  inFlight: number;
  circuit: 'closed' | 'open' | 'half_open';
  /** Where records wait: `memory`, `indexeddb`, `file`, or `memory-fallback` when the store failed. */
  storage: string;
  mode: Mode;
}

/** The settings the next call is routed by: a frozen snapshot, swapped whole when a document or pin changes. */
export interface ExperimentSettings {
  readonly mode: Mode;
  readonly sampleRate: number;
  readonly canaryRate: number;
  readonly noiseRate: number;
  readonly salt: string;
  /** The new model's URL: the document's `shadowUrl`, else `shadow.url` from code. */
  readonly shadowUrl: string | undefined;
  /** The document version these settings come from; undefined for settings from code. */
  readonly configVersion: number | undefined;
  readonly maxConcurrentShadows: number;
  readonly maxShadowsPerMinute: number;
  readonly shadowTimeoutMs: number;
}

/** What `config()` returns and `onConfigChange` listeners receive: a frozen snapshot. */
export interface ConfigState {
  /**
   * `local`: no `remoteConfig`, settings come from code. `pending`: no document confirmed yet (calls are
   * not sampled, counted as `config_pending`). `confirmed`: a document is in force. `stale`: nothing was
   * confirmed for `maxConfigAgeMs`, so shadowing stopped (`config_stale`) until a document is confirmed.
   */
  status: ConfigStatus;
  /** The mode the next call is routed by, after any `setMode` pin; `off` while pending or stale. */
  mode: Mode;
  /** The settings the next call uses; undefined while pending or stale. */
  settings: ExperimentSettings | undefined;
  /** The last validated document (unknown keys stripped); kept while stale, undefined while pending or local. */
  document: RemoteConfigDocument | undefined;
  /** `document.version`. */
  version: number | undefined;
  /** When the document was last confirmed (a valid fetch, or a 304 for its ETag), in ms since the epoch. */
  confirmedAt: number | undefined;
  /** Whether the document in force was fetched in this session or read from the store at start. */
  source: 'network' | 'storage' | undefined;
  /** An invalid document asked for this experiment to be off (kill fast path); holds until the next confirmation. */
  killed: boolean;
  /** The mode pinned with `setMode`, if any. */
  pinned: Mode | undefined;
}

/** What `flush()` resolves with; it never rejects. */
export interface FlushResult {
  /** True when every record was acknowledged or persisted and no shadow was still in flight. */
  ok: boolean;
  /** Records still waiting in memory (not persisted, not acknowledged) when it returned. */
  pending: number;
}

export interface ShadowClient<Input = unknown, Output = unknown> {
  /** POSTs `input` to the live model and resolves with its body (after `extract`); shadows a sample. */
  predict(input: Input, options?: PredictOptions): Promise<Output>;
  /** The same engine over any two functions. */
  run<T = Output>(call: RunCall<T>): Promise<T>;
  stats(): Stats;
  /** Uploads everything buffered; resolves when acknowledged or persisted, or after `timeoutMs` (default `flushTimeoutMs`). Never rejects. */
  flush(options?: { timeoutMs?: number }): Promise<FlushResult>;
  /**
   * Stops timers and polling, lets in-flight shadows finish, flushes, releases listeners and the drain lock,
   * all within `timeoutMs` (default `flushTimeoutMs`). Idempotent; records arriving afterwards are dropped as `closed`.
   */
  close(options?: { timeoutMs?: number }): Promise<FlushResult>;
  /** Pins a mode over the remote document; `undefined` hands control back. `off` from either side wins. */
  setMode(mode: Mode | undefined): void;
  /**
   * The config in force now: status, document, version, settings. Works without `remoteConfig` too
   * (status `local`).
   * @example if (client.config().status === 'stale') alert('shadow config unreachable for 24 h');
   */
  config(): ConfigState;
  /**
   * Calls `listener` whenever what governs calls changes: a new document version, the status (pending,
   * confirmed, stale), a kill, or a `setMode` pin; not on mere re-confirmations. Returns an unsubscribe
   * function. A throwing listener is reported to `onError` and never affects the change.
   * @example const stop = client.onConfigChange((state) => log(state.version, state.mode));
   */
  onConfigChange(listener: (state: ConfigState) => void): () => void;
  /**
   * Polls the remote config now (aborting a poll in flight) instead of waiting for the next interval,
   * e.g. when your own push channel says a document changed. Resolves with `config()` once the poll is
   * done; never rejects. Respects a server's Retry-After. Without `remoteConfig` it resolves at once.
   */
  refreshConfig(): Promise<ConfigState>;
}
