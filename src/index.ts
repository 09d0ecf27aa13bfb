/**
 * shadowcast: the universal entry (contract). Web APIs only; nothing below this file imports `node:*`.
 * Every export is listed by name; internals stay unexported.
 */
export { createShadowClient } from './client/create-shadow-client';
export { exact, label, numeric, topK } from './compare/comparators';
export { memoryStore } from './storage/memory-store';
export { indexedDbStore } from './storage/indexeddb-store';
export {
  ShadowcastError,
  ConfigError,
  SchemaError,
  StoreError,
  UploadError,
  RemoteConfigError,
  isShadowcastError,
  isConfigError,
} from './errors';
export { hashUnit, keyDigest } from './sampling/hash';
export { SHADOW_HEADER } from './client/predict';
export { SDK_VERSION } from './version';

export type {
  ShadowClient,
  ShadowClientOptions,
  EndpointOptions,
  ShadowEndpointOptions,
  CollectorOptions,
  CaptureOptions,
  UploadOptions,
  RemoteConfigOptions,
  CircuitBreakerOptions,
  PredictOptions,
  RunCall,
  ShadowCallState,
  Stats,
  FlushResult,
  ConfigState,
  ExperimentSettings,
} from './client/types';
// Types only: the remote-config schema (zod) stays out of this entry; it loads lazily with `remoteConfig`.
export type { RemoteConfigDocument, RemoteExperimentConfig } from './schema/remote-config';
export type { Comparator, Comparison } from './compare/types';
export type { NumericOptions, TopKOptions } from './compare/comparators';
export type { Store } from './storage/types';
export type { ShadowcastErrorCode } from './errors';
export type { Outcome, SkipReason, DropReason, Mode, InputCapture, ConfigStatus, ConfigFailureReason } from './schema/codes';
export type { WireRecord, WireSide, WireComparison, WireBatch } from './schema/wire';
