import type { ConfigFailureReason } from './schema/codes';

/**
 * shadowcast's own errors. Only configuration throws them at the caller (`ConfigError`, synchronously);
 * every background failure is delivered to `onError` instead. Live-call errors are never wrapped.
 */

export type ShadowcastErrorCode =
  | 'config'
  | 'schema'
  | 'store'
  | 'upload'
  | 'shadow'
  | 'compare'
  | 'record'
  | 'remote_config';

const BRAND = Symbol.for('shadowcast.error');

export class ShadowcastError extends Error {
  override name: string = 'ShadowcastError';
  readonly code: ShadowcastErrorCode;

  constructor(code: ShadowcastErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Lets `isShadowcastError` work across realms and duplicated bundles, where `instanceof` fails. */
  get [BRAND](): true {
    return true;
  }
}

/** Invalid options: thrown synchronously by `createShadowClient`, naming the option, the value and the fix. */
export class ConfigError extends ShadowcastError {
  override name = 'ConfigError' as const;
  /** The option path that was wrong, e.g. `shadow.timeoutMs`. */
  readonly option: string;

  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super('config', message, options);
    this.option = option;
  }
}

/** Data that failed validation at a trust boundary (remote config, collector answers, stored data). */
export class SchemaError extends ShadowcastError {
  override name = 'SchemaError' as const;
  /** The validator's issues (zod issues: `{ code, path, message }`). */
  readonly issues: readonly unknown[];
  /** Why the data was refused, when a closed set applies (remote config: `invalid_document`, `origin_not_allowed`). */
  readonly reason: ConfigFailureReason | undefined;

  constructor(message: string, issues: readonly unknown[], options?: { cause?: unknown; reason?: ConfigFailureReason }) {
    super('schema', message, options);
    this.issues = issues;
    this.reason = options?.reason;
  }
}

/**
 * Remote config could not be fetched, read, stored or applied. The settings in force stay (contract);
 * `reason` says what failed, `status` carries the HTTP status when there was one.
 */
export class RemoteConfigError extends ShadowcastError {
  override name = 'RemoteConfigError' as const;
  readonly reason: ConfigFailureReason;
  readonly status: number | undefined;

  constructor(reason: ConfigFailureReason, message: string, options?: { cause?: unknown; status?: number }) {
    super('remote_config', message, options);
    this.reason = reason;
    this.status = options?.status;
  }
}

/** The store failed to read, write or delete. */
export class StoreError extends ShadowcastError {
  override name = 'StoreError' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('store', message, options);
  }
}

/** A batch could not be delivered (yet). `status` is the collector's HTTP status when there was one. */
export class UploadError extends ShadowcastError {
  override name = 'UploadError' as const;
  readonly status: number | undefined;

  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super('upload', message, options);
    this.status = status;
  }
}

export function isShadowcastError(value: unknown): value is ShadowcastError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

export function isConfigError(value: unknown): value is ConfigError {
  return isShadowcastError(value) && value.code === 'config';
}
