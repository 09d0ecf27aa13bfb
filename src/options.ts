/**
 * Options are checked and resolved once, here; everything downstream sees `ResolvedOptions`
 * and never writes `?? default`. Bad options throw `ConfigError` synchronously, naming the
 * option, the value received and the fix.
 */
import { exact } from './compare/comparators';
import type { Comparator } from './compare/types';
import type {
  CollectorOptions,
  RemoteConfigOptions,
  ShadowClientOptions,
} from './client/types';
import { clampPollInterval, MAX_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS } from './config/limits';
import { ConfigError, RemoteConfigError, type ShadowcastError } from './errors';
import { INPUT_CAPTURES, NAME_PATTERN, type InputCapture } from './schema/codes';
import type { WireRecord } from './schema/wire';
import { defaultStore } from './storage/default-store';
import type { Store } from './storage/types';
import { randomUnit } from './utils/ids';

/** The one table of defaults. */
export const DEFAULTS = {
  salt: 'shadowcast',
  shadowTimeoutMs: 3000,
  maxConcurrentShadows: 16,
  maxShadowsPerMinute: Number.POSITIVE_INFINITY,
  circuitBreaker: { failureThreshold: 10, resetAfterMs: 30_000 },
  flushTimeoutMs: 10_000,
  dispatch: 'after-live',
  capture: { input: 'hash', output: true },
  canaryRate: 0,
  noiseRate: 0,
  upload: {
    maxBatchRecords: 100,
    maxBatchBytes: 60_000,
    flushIntervalMs: 5000,
    maxQueueRecords: 1000,
    maxStorageBytes: 5 * 1024 * 1024,
    maxRecordAgeMs: 7 * 24 * 60 * 60 * 1000,
  },
  remoteConfig: { pollIntervalMs: 30_000, maxConfigAgeMs: 24 * 60 * 60 * 1000 },
} as const;

/** The 64 KiB sendBeacon / fetch-keepalive limit (Fetch spec, "keepalive" body limit); batches stay under it. */
export const MAX_UNLOAD_BYTES = 64 * 1024;

export interface ResolvedEndpoint {
  url: string;
  headers: Record<string, string>;
  /** Live-role timeout: ky's own default when undefined, so live errors stay exactly ky's. */
  timeoutMs: number | undefined;
}

export interface ResolvedShadowEndpoint {
  url: string | undefined;
  headers: Record<string, string>;
  timeoutMs: number;
  credentials: RequestCredentials;
}

export interface ResolvedUpload {
  maxBatchRecords: number;
  maxBatchBytes: number;
  flushIntervalMs: number;
  maxQueueRecords: number;
  maxStorageBytes: number;
  maxRecordAgeMs: number;
}

export interface ResolvedOptions {
  experiment: string;
  live: ResolvedEndpoint | undefined;
  shadow: ResolvedShadowEndpoint;
  /** Undefined only when a remote config decides. */
  sampleRate: number | undefined;
  collector: Required<CollectorOptions> | undefined;
  compare: Comparator;
  extract: ((body: unknown) => unknown) | undefined;
  mapShadowRequest: ((input: unknown) => unknown) | undefined;
  salt: string;
  remoteConfig: Required<RemoteConfigOptions> | undefined;
  canaryRate: number;
  noiseRate: number;
  storage: Store;
  capture: { input: InputCapture; output: boolean };
  redact: ((record: WireRecord) => WireRecord) | undefined;
  dispatch: 'after-live' | 'parallel';
  maxConcurrentShadows: number;
  maxShadowsPerMinute: number;
  circuitBreaker: { failureThreshold: number; resetAfterMs: number } | undefined;
  flushTimeoutMs: number;
  upload: ResolvedUpload;
  onError: (error: ShadowcastError) => void;
  headers: Record<string, string>;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
}

// Every option name, kept in step with the type by `satisfies`: a new option that is not listed fails to compile.
const OPTION_NAMES = Object.keys({
  experiment: 1, live: 1, shadow: 1, sampleRate: 1, collector: 1, compare: 1, extract: 1,
  mapShadowRequest: 1, salt: 1, remoteConfig: 1, canaryRate: 1, noiseRate: 1, storage: 1,
  capture: 1, redact: 1, dispatch: 1, maxConcurrentShadows: 1, maxShadowsPerMinute: 1,
  circuitBreaker: 1, flushTimeoutMs: 1, upload: 1, onError: 1, headers: 1, fetch: 1, now: 1, random: 1,
} satisfies Record<keyof ShadowClientOptions, 1>);

export function resolveOptions(options: ShadowClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options', `createShadowClient(options): options must be an object, received ${describe(options)}.`);
  }
  rejectUnknown('', options, OPTION_NAMES);
  const experiment = name('experiment', options.experiment, true);
  const onError = guardOnError(fn('onError', options.onError));
  const warnings: ShadowcastError[] = [];
  const remoteConfig = resolveRemoteConfig(options.remoteConfig, warnings);
  const live = options.live === undefined ? undefined : resolveLive(options.live);
  const shadow = resolveShadow(options.shadow);
  if (live && shadow.url === undefined && !remoteConfig) {
    throw new ConfigError('shadow.url', `shadow.url is required with live (received ${describe(options.shadow)}). Pass shadow: { url: 'https://…/v2/predict' }, or a remoteConfig whose document supplies shadowUrl.`);
  }
  if (options.sampleRate === undefined && !remoteConfig) {
    throw new ConfigError('sampleRate', 'sampleRate is required (received undefined), so nobody shadows 0% or 100% of traffic by surprise. Pass e.g. sampleRate: 0.1, or a remoteConfig whose document decides.');
  }

  const resolved: ResolvedOptions = {
    experiment,
    live,
    shadow,
    sampleRate: options.sampleRate === undefined ? undefined : rate('sampleRate', options.sampleRate),
    collector: resolveCollector(options.collector),
    compare: fn('compare', options.compare) ?? exact(),
    extract: fn('extract', options.extract),
    mapShadowRequest: fn('mapShadowRequest', options.mapShadowRequest) as ResolvedOptions['mapShadowRequest'],
    salt: options.salt === undefined ? DEFAULTS.salt : name('salt', options.salt, false),
    remoteConfig,
    canaryRate: options.canaryRate === undefined ? DEFAULTS.canaryRate : rate('canaryRate', options.canaryRate),
    noiseRate: options.noiseRate === undefined ? DEFAULTS.noiseRate : rate('noiseRate', options.noiseRate),
    storage: resolveStore(options.storage),
    capture: resolveCapture(options.capture),
    redact: fn('redact', options.redact),
    dispatch: oneOf('dispatch', options.dispatch, ['after-live', 'parallel'] as const) ?? DEFAULTS.dispatch,
    maxConcurrentShadows: count('maxConcurrentShadows', options.maxConcurrentShadows, DEFAULTS.maxConcurrentShadows),
    maxShadowsPerMinute: count('maxShadowsPerMinute', options.maxShadowsPerMinute, DEFAULTS.maxShadowsPerMinute, true),
    circuitBreaker: resolveBreaker(options.circuitBreaker),
    flushTimeoutMs: duration('flushTimeoutMs', options.flushTimeoutMs, DEFAULTS.flushTimeoutMs),
    upload: resolveUpload(options.upload),
    onError,
    headers: headers('headers', options.headers),
    fetch: fn('fetch', options.fetch) ?? ((input, init) => globalThis.fetch(input, init)),
    now: fn('now', options.now) ?? Date.now,
    random: fn('random', options.random) ?? randomUnit,
  };
  // Warned only once every option is known good, so a client that is never created warns of nothing.
  for (const warning of warnings) onError(warning);
  return resolved;
}

function resolveLive(live: NonNullable<ShadowClientOptions['live']>): ResolvedEndpoint {
  object('live', live, "live: { url: 'https://api.example/v1/predict' }");
  rejectUnknown('live.', live, ['url', 'headers', 'timeoutMs']);
  return {
    url: url('live.url', live.url),
    headers: headers('live.headers', live.headers),
    timeoutMs: live.timeoutMs === undefined ? undefined : duration('live.timeoutMs', live.timeoutMs, 0),
  };
}

function resolveShadow(shadow: ShadowClientOptions['shadow']): ResolvedShadowEndpoint {
  if (shadow === undefined) {
    return { url: undefined, headers: {}, timeoutMs: DEFAULTS.shadowTimeoutMs, credentials: 'omit' };
  }
  object('shadow', shadow, "shadow: { url: 'https://api.example/v2/predict' }");
  rejectUnknown('shadow.', shadow, ['url', 'headers', 'timeoutMs', 'credentials']);
  return {
    url: shadow.url === undefined ? undefined : url('shadow.url', shadow.url),
    headers: headers('shadow.headers', shadow.headers),
    timeoutMs: duration('shadow.timeoutMs', shadow.timeoutMs, DEFAULTS.shadowTimeoutMs),
    credentials: oneOf('shadow.credentials', shadow.credentials, ['omit', 'same-origin', 'include'] as const) ?? 'omit',
  };
}

function resolveCollector(collector: ShadowClientOptions['collector']): ResolvedOptions['collector'] {
  if (collector === undefined) return undefined;
  object('collector', collector, "collector: { url: 'https://collect.example/v1/batches' }");
  rejectUnknown('collector.', collector, ['url', 'format', 'headers']);
  return {
    url: url('collector.url', collector.url),
    format: oneOf('collector.format', collector.format, ['shadowcast', 'otlp'] as const) ?? 'shadowcast',
    headers: headers('collector.headers', collector.headers),
  };
}

function resolveRemoteConfig(remote: ShadowClientOptions['remoteConfig'], warnings: ShadowcastError[]): ResolvedOptions['remoteConfig'] {
  if (remote === undefined) return undefined;
  object('remoteConfig', remote, "remoteConfig: { url: 'https://config.example/shadowcast.json' }");
  rejectUnknown('remoteConfig.', remote, ['url', 'pollIntervalMs', 'allowOrigins', 'maxConfigAgeMs']);
  const allowOrigins = remote.allowOrigins ?? [];
  if (!Array.isArray(allowOrigins)) {
    throw new ConfigError('remoteConfig.allowOrigins', `remoteConfig.allowOrigins must be an array of origins, received ${describe(allowOrigins)}. Pass e.g. ['https://models.example'].`);
  }
  const requested = duration('remoteConfig.pollIntervalMs', remote.pollIntervalMs, DEFAULTS.remoteConfig.pollIntervalMs);
  const poll = clampPollInterval(requested);
  if (poll.clamped) {
    // Clamped and warned once rather than thrown: a too-eager interval is a tuning slip, not a broken client (house style).
    warnings.push(new RemoteConfigError('poll_interval_clamped', `remoteConfig.pollIntervalMs ${requested} is outside ${MIN_POLL_INTERVAL_MS}–${MAX_POLL_INTERVAL_MS} ms; using ${poll.ms}.`));
  }
  return {
    url: url('remoteConfig.url', remote.url),
    pollIntervalMs: poll.ms,
    allowOrigins: allowOrigins.map((origin, i) => new URL(url(`remoteConfig.allowOrigins[${i}]`, origin)).origin),
    maxConfigAgeMs: duration('remoteConfig.maxConfigAgeMs', remote.maxConfigAgeMs, DEFAULTS.remoteConfig.maxConfigAgeMs),
  };
}

function resolveCapture(capture: ShadowClientOptions['capture']): ResolvedOptions['capture'] {
  if (capture === undefined) return { ...DEFAULTS.capture };
  object('capture', capture, "capture: { input: 'hash', output: true }");
  rejectUnknown('capture.', capture, ['input', 'output']);
  if (capture.output !== undefined && typeof capture.output !== 'boolean') {
    throw new ConfigError('capture.output', `capture.output must be a boolean, received ${describe(capture.output)}.`);
  }
  return {
    input: oneOf('capture.input', capture.input, INPUT_CAPTURES) ?? DEFAULTS.capture.input,
    output: capture.output ?? DEFAULTS.capture.output,
  };
}

function resolveBreaker(breaker: ShadowClientOptions['circuitBreaker']): ResolvedOptions['circuitBreaker'] {
  if (breaker === false) return undefined;
  if (breaker === undefined) return { ...DEFAULTS.circuitBreaker };
  object('circuitBreaker', breaker, 'circuitBreaker: { failureThreshold: 10, resetAfterMs: 30000 } or false');
  rejectUnknown('circuitBreaker.', breaker, ['failureThreshold', 'resetAfterMs']);
  return {
    failureThreshold: count('circuitBreaker.failureThreshold', breaker.failureThreshold, DEFAULTS.circuitBreaker.failureThreshold),
    resetAfterMs: duration('circuitBreaker.resetAfterMs', breaker.resetAfterMs, DEFAULTS.circuitBreaker.resetAfterMs),
  };
}

function resolveUpload(upload: ShadowClientOptions['upload']): ResolvedUpload {
  const given = upload ?? {};
  object('upload', given, 'upload: { maxBatchRecords: 100 }');
  rejectUnknown('upload.', given, Object.keys(DEFAULTS.upload));
  const maxBatchBytes = count('upload.maxBatchBytes', given.maxBatchBytes, DEFAULTS.upload.maxBatchBytes);
  // Room is kept for the batch envelope, so a whole request still fits the 64 KiB unload limit.
  if (maxBatchBytes > MAX_UNLOAD_BYTES - 1024) {
    throw new ConfigError('upload.maxBatchBytes', `upload.maxBatchBytes must be at most ${MAX_UNLOAD_BYTES - 1024} so a batch fits one sendBeacon/keepalive request (64 KiB), received ${maxBatchBytes}.`);
  }
  return {
    maxBatchRecords: count('upload.maxBatchRecords', given.maxBatchRecords, DEFAULTS.upload.maxBatchRecords),
    maxBatchBytes,
    flushIntervalMs: duration('upload.flushIntervalMs', given.flushIntervalMs, DEFAULTS.upload.flushIntervalMs),
    maxQueueRecords: count('upload.maxQueueRecords', given.maxQueueRecords, DEFAULTS.upload.maxQueueRecords),
    maxStorageBytes: count('upload.maxStorageBytes', given.maxStorageBytes, DEFAULTS.upload.maxStorageBytes),
    maxRecordAgeMs: duration('upload.maxRecordAgeMs', given.maxRecordAgeMs, DEFAULTS.upload.maxRecordAgeMs),
  };
}

function resolveStore(store: Store | undefined): Store {
  if (store === undefined) return defaultStore();
  const methods = ['get', 'set', 'delete', 'keys'] as const;
  if (typeof store !== 'object' || store === null || methods.some((method) => typeof store[method] !== 'function')) {
    throw new ConfigError('storage', `storage must be a Store (memoryStore(), indexedDbStore() or fileStore(dir) from 'shadowcast/node'), received ${describe(store)}.`);
  }
  return store;
}

/** `onError` must never throw back into the SDK (OTel's globalErrorHandler rule). */
function guardOnError(onError: ((error: ShadowcastError) => void) | undefined): (error: ShadowcastError) => void {
  return (error) => {
    try {
      onError?.(error);
    } catch {
      // A throwing onError has nowhere left to report to.
    }
  };
}

function rejectUnknown(prefix: string, given: object, known: readonly string[]): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const close = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase() || editDistance(candidate, key) <= 2);
    const hint = close ? ` Did you mean '${prefix}${close}'?` : ` Known options: ${known.join(', ')}.`;
    throw new ConfigError(`${prefix}${key}`, `Unknown option '${prefix}${key}'.${hint}`);
  }
}

function name(option: string, value: unknown, required: boolean): string {
  if (typeof value === 'string' && NAME_PATTERN.test(value)) return value;
  const what = required && value === undefined ? 'is required' : 'must match ^[A-Za-z0-9._-]{1,64}$ (no ":")';
  throw new ConfigError(option, `${option} ${what}, received ${describe(value)}. Use e.g. ${option}: 'credit-risk-v2'.`);
}

function url(option: string, value: unknown): string {
  if (typeof value === 'string') {
    try {
      const parsed = new URL(value);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return value;
    } catch {
      // Reported below with the value.
    }
  }
  throw new ConfigError(option, `${option} must be an absolute http(s) URL, received ${describe(value)}. Use e.g. 'https://api.example/v1/predict'.`);
}

function rate(option: string, value: unknown): number {
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  throw new ConfigError(option, `${option} must be a number from 0 to 1, received ${describe(value)}. Use e.g. ${option}: 0.1 for 10%.`);
}

function count(option: string, value: unknown, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && ((Number.isInteger(value) && value >= 1) || (allowInfinity && value === Number.POSITIVE_INFINITY))) return value;
  throw new ConfigError(option, `${option} must be a whole number >= 1${allowInfinity ? ' (or Infinity for no limit)' : ''}, received ${describe(value)}.`);
}

function duration(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 2_147_483_647) return value;
  throw new ConfigError(option, `${option} must be a number of milliseconds > 0 (and below 2^31), received ${describe(value)}.`);
}

function oneOf<const T extends readonly string[]>(option: string, value: unknown, allowed: T): T[number] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && allowed.includes(value)) return value;
  throw new ConfigError(option, `${option} must be one of ${allowed.map((v) => `'${v}'`).join(', ')}, received ${describe(value)}.`);
}

function fn<T>(option: string, value: T | undefined): T | undefined {
  if (value === undefined || typeof value === 'function') return value;
  throw new ConfigError(option, `${option} must be a function, received ${describe(value)}.`);
}

function object(option: string, value: unknown, example: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(option, `${option} must be an object, received ${describe(value)}. Use e.g. ${example}.`);
  }
}

function headers(option: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  object(option, value, "{ authorization: 'Bearer …' }");
  for (const [key, header] of Object.entries(value as object)) {
    if (typeof header !== 'string') {
      throw new ConfigError(`${option}.${key}`, `${option}['${key}'] must be a string, received ${describe(header)}.`);
    }
  }
  return { ...(value as Record<string, string>) };
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'string') return `"${value.length > 80 ? `${value.slice(0, 77)}...` : value}" (string)`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${String(value)} (${typeof value})`;
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
