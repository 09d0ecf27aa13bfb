/**
 * `shadowcast/node` (contract): everything of the universal entry, plus Node-only extras.
 * fileStore and process-exit flushing arrive with the persistent uploader.
 */
export {
  createShadowClient,
  exact,
  label,
  numeric,
  topK,
  memoryStore,
  indexedDbStore,
  ShadowcastError,
  ConfigError,
  SchemaError,
  StoreError,
  UploadError,
  isShadowcastError,
  isConfigError,
  hashUnit,
  keyDigest,
  SHADOW_HEADER,
  SDK_VERSION,
} from './index';
export type * from './index';
