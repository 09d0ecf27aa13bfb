/**
 * `shadowcast/node` (contract): everything of the universal entry, plus Node-only extras:
 * `fileStore` (durable across kill -9) and process-exit flushing.
 */
import { createShadowClient as createUniversalClient } from './client/create-shadow-client';
import type { ShadowClient, ShadowClientOptions } from './client/types';
import { flushOnExit } from './node/flush-on-exit';

// Everything of the universal entry; the local createShadowClient below takes precedence over its own.
export * from './index';
export { fileStore } from './storage/file-store';

/**
 * `createShadowClient` of the universal entry, plus a flush when the process is about to exit
 * (`beforeExit`), so a script that simply ends still delivers what it recorded. `close()` removes the hook.
 */
export function createShadowClient<Input = unknown, Output = unknown>(options: ShadowClientOptions<Input, Output>): ShadowClient<Input, Output> {
  const client = createUniversalClient(options);
  const release = flushOnExit(client);
  const close = client.close;
  client.close = (...args) => {
    release();
    return close(...args);
  };
  return client;
}

// Publisher tools for the remote-config document: Node-side, so zod never weighs on browser bundles through them.
export { validateRemoteConfig } from './schema/validate-remote-config';
export { remoteConfigJsonSchema } from './schema/remote-config-json-schema';
export type { RemoteConfigValidation, ValidateRemoteConfigOptions } from './schema/validate-remote-config';
