/**
 * The last known good config across a restart: a second client on the same store starts from it
 * before its first fetch completes. Runs against memoryStore (one shared instance, as a long-lived
 * process would keep it), indexedDbStore on fake-indexeddb, and fileStore on a real directory.
 */
import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileStore } from 'shadowcast/node';
import { indexedDbStore, memoryStore, type ConfigState, type ShadowClient, type Store } from 'shadowcast';
import { configKey } from '../../src/config/lkg';
import { STORE_READ_TIMEOUT_MS } from '../../src/config/limits';
import { createTestStore } from '../helpers/fake-store';
import { CONFIG_URL, createFakeRollout, doc } from '../helpers/fake-rollout';
import { POLL_MS, remoteClient } from '../helpers/remote-client';

afterEach(() => {
  vi.useRealTimers();
});

let databases = 0;
const STORES: [string, () => Store][] = [
  ['memoryStore', () => memoryStore()],
  ['indexedDbStore (fake-indexeddb)', () => indexedDbStore(`lkg-test-${databases++}`)],
  ['fileStore', () => fileStore(mkdtempSync(join(tmpdir(), 'shadowcast-lkg-')))],
];

/** Resolves with the next state a client announces. */
function nextChange(client: ShadowClient): Promise<ConfigState> {
  return new Promise((resolve) => {
    const stop = client.onConfigChange((state) => {
      stop();
      resolve(state);
    });
  });
}

/** A first client that confirms `document` into `storage`, then shuts down. */
async function firstRun(storage: Store, document: unknown = doc(2, { sampleRate: 1 })) {
  const { client } = remoteClient({ storage }, createFakeRollout(document));
  await client.refreshConfig();
  await client.close();
}

describe.each(STORES)('last known good config in %s', (_name, makeStore) => {
  it('starts from it after a restart before the first fetch completes, then confirms it with a 304', async () => {
    const storage = makeStore();
    await firstRun(storage);

    const server = createFakeRollout(doc(2, { sampleRate: 1 }));
    server.script('hang');
    const { client, predictMany } = remoteClient({ storage }, server);
    const restored = await nextChange(client);
    expect(restored).toMatchObject({ status: 'confirmed', source: 'storage', version: 2, mode: 'shadow' });
    await predictMany(2);
    expect(server.shadowCalls()).toHaveLength(2);
    expect(server.configRequests).toHaveLength(1); // still hanging: the stored copy served

    const confirmed = await client.refreshConfig();
    expect(server.configRequests.at(-1)!.ifNoneMatch).toBe('"e1"');
    expect(confirmed).toMatchObject({ status: 'confirmed', source: 'network', version: 2 });
    await client.close();
  });

  it('does not use a copy older than maxConfigAgeMs, but a 304 for its ETag confirms it', async () => {
    const storage = makeStore();
    await firstRun(storage);
    const later = Date.now() + 25 * 60 * 60 * 1000;
    const server = createFakeRollout(doc(2, { sampleRate: 1 }));
    server.script('hang');
    const { client, predictMany } = remoteClient({ storage, now: () => later }, server);
    await server.nextConfigRequest();
    expect(client.config()).toMatchObject({ status: 'pending', document: undefined });
    await predictMany(2);
    expect(client.stats().skipped).toEqual({ config_pending: 2 });

    expect(await client.refreshConfig()).toMatchObject({ status: 'confirmed', version: 2, confirmedAt: later });
    expect(server.configRequests.at(-1)!.ifNoneMatch).toBe('"e1"');
    await client.close();
  });

  it('keeps a kill read from an invalid document across a restart', async () => {
    const storage = makeStore();
    const server = createFakeRollout(doc(2, { sampleRate: 1 }));
    const first = remoteClient({ storage }, server);
    await first.client.refreshConfig();
    server.publishRaw(JSON.stringify({ experiments: { exp: { enabled: false } } }));
    expect(await first.client.refreshConfig()).toMatchObject({ killed: true });
    await first.client.close();

    const next = createFakeRollout(doc(2));
    next.script('hang');
    const { client } = remoteClient({ storage }, next);
    expect(await nextChange(client)).toMatchObject({ status: 'confirmed', version: 2, killed: true, mode: 'off' });
    await client.close();
  });

  it('persists only validated documents, never the ETag of a rejected one', async () => {
    const storage = makeStore();
    const server = createFakeRollout(doc(2));
    const { client } = remoteClient({ storage }, server);
    await client.refreshConfig();
    server.publish(doc(3, { sampleRate: 5 }));
    await client.refreshConfig();
    await client.close();
    const stored = JSON.parse((await storage.get(configKey('exp')))!);
    expect(stored).toMatchObject({ v: 1, url: CONFIG_URL, etag: '"e1"', killed: false, document: { version: 2 } });
  });
});

describe('last known good config: what is not trusted', () => {
  const startWith = async (storage: Store, overrides = {}) => {
    const server = createFakeRollout(doc(2));
    server.script('hang');
    const setup = remoteClient({ storage, ...overrides }, server);
    await server.nextConfigRequest();
    return setup;
  };

  it('ignores a corrupt stored copy and reports it', async () => {
    const storage = memoryStore();
    await storage.set(configKey('exp'), '{"v":1,"url":');
    const { client, reasons } = await startWith(storage);
    expect(client.config().status).toBe('pending');
    expect(reasons()).toEqual(['stored_invalid']);
    await client.close();
  });

  it('re-validates the stored copy: a shadowUrl no longer in allowOrigins is not used', async () => {
    const storage = memoryStore();
    const allowOrigins = ['https://other.example'];
    const setup = remoteClient({ storage, remoteConfig: { url: CONFIG_URL, pollIntervalMs: POLL_MS, allowOrigins } }, createFakeRollout(doc(2, { shadowUrl: 'https://other.example/v2' })));
    expect(await setup.client.refreshConfig()).toMatchObject({ version: 2 });
    await setup.client.close();

    const { client, reasons } = await startWith(storage);
    expect(client.config().status).toBe('pending');
    expect(reasons()).toEqual(['stored_invalid']);
    await client.close();
  });

  it('ignores a copy fetched from another config URL, silently', async () => {
    const storage = memoryStore();
    await firstRun(storage);
    const other = { url: 'https://config.example/other.json', pollIntervalMs: POLL_MS };
    const server = createFakeRollout(doc(2));
    server.script('hang');
    const { client, errors } = remoteClient({ storage, remoteConfig: other }, server);
    await server.nextConfigRequest(); // the stored copy was looked at before the first poll
    expect(client.config().status).toBe('pending');
    expect(errors).toEqual([]);
    await client.close();
  });

  it('does not let a hanging store hold back the first fetch', async () => {
    vi.useFakeTimers();
    const storage = createTestStore();
    storage.get = () => new Promise(() => {});
    const server = createFakeRollout(doc(2));
    const { client, reasons } = remoteClient({ storage }, server);
    await vi.advanceTimersByTimeAsync(STORE_READ_TIMEOUT_MS);
    expect(server.configRequests).toHaveLength(1);
    expect(client.config()).toMatchObject({ status: 'confirmed', version: 2 });
    expect(reasons()).toEqual(['store_error']);
    await client.close();
  });

  it('reports a failing store write once, and keeps working from memory', async () => {
    const storage = createTestStore();
    storage.breakMethod('set', new Error('disk full'));
    const { client, server, reasons } = remoteClient({ storage });
    await client.refreshConfig();
    server.publish(doc(2));
    await client.refreshConfig();
    await client.refreshConfig();
    expect(client.config()).toMatchObject({ status: 'confirmed', version: 2 });
    await client.close(); // waits for the writes in progress
    expect(reasons()).toEqual(['store_error']);
    expect(storage.calls.filter((call) => call.method === 'set').length).toBeGreaterThan(1);
  });
});
