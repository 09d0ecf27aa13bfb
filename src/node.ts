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
  RemoteConfigError,
  isShadowcastError,
  isConfigError,
  hashUnit,
  keyDigest,
  SHADOW_HEADER,
  SDK_VERSION,
} from './index';
export type * from './index';

// Publisher tools for the remote-config document: Node-side, so zod never weighs on browser bundles through them.
export { validateRemoteConfig } from './schema/validate-remote-config';
export { remoteConfigJsonSchema } from './schema/remote-config-json-schema';
export type { RemoteConfigValidation, ValidateRemoteConfigOptions } from './schema/validate-remote-config';
