/** A client wired to a fake rollout (scripted config server and models), collecting onError reports. */
import { createShadowClient, memoryStore, type ShadowClientOptions, type ShadowcastError } from 'shadowcast';
import { CONFIG_URL, createFakeRollout, doc, LIVE_URL, SHADOW_URL } from './fake-rollout';

export const POLL_MS = 10_000;

export function remoteClient(overrides: Partial<ShadowClientOptions> = {}, server = createFakeRollout(doc(1))) {
  const errors: ShadowcastError[] = [];
  const storage = overrides.storage ?? memoryStore();
  const client = createShadowClient({
    experiment: 'exp',
    live: { url: LIVE_URL },
    shadow: { url: SHADOW_URL },
    remoteConfig: { url: CONFIG_URL, pollIntervalMs: POLL_MS },
    fetch: server.fetch,
    storage,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  /** Makes `count` predictions with keys `k0…`, then lets every shadow finish. */
  const predictMany = async (count: number, prefix = 'k') => {
    const results: unknown[] = [];
    for (let i = 0; i < count; i++) results.push(await client.predict({ i }, { key: `${prefix}${i}` }));
    await client.flush();
    return results;
  };
  return { client, server, errors, storage, predictMany, reasons: () => errors.map((error) => (error as { reason?: string }).reason ?? error.code) };
}
