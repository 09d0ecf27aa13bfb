/** Remote config through the public API: confirmation, ETag/304, versions, allowlist, failures, staleness, events. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isShadowcastError, SchemaError, type ConfigState } from 'shadowcast';
import { CONFIG_BACKOFF_CAP_MS, CONFIG_FETCH_TIMEOUT_MS } from '../../src/config/limits';
import { createFakeRollout, doc, SHADOW_URL } from '../helpers/fake-rollout';
import { POLL_MS, remoteClient } from '../helpers/remote-client';

afterEach(() => {
  vi.useRealTimers();
});

describe('remote config: first confirmation', () => {
  it('keeps the experiment off and counts config_pending until a document is confirmed, then shadows', async () => {
    const { client, server, predictMany } = remoteClient();
    expect(client.config()).toMatchObject({ status: 'pending', mode: 'off', settings: undefined, document: undefined });
    expect(client.stats().mode).toBe('off');
    await client.predict({ i: 0 });
    expect(client.stats().skipped).toEqual({ config_pending: 1 });
    expect(client.stats().sampled).toBe(0);

    const state = await client.refreshConfig();
    expect(state).toMatchObject({ status: 'confirmed', version: 1, mode: 'shadow', source: 'network', settings: { sampleRate: 1, configVersion: 1, shadowUrl: SHADOW_URL } });
    await predictMany(3);
    expect(server.shadowCalls()).toHaveLength(3);
    await client.close();
  });

  it('polls with cache: no-store, sends If-None-Match, and counts a 304 as a confirmation', async () => {
    vi.useFakeTimers();
    const { client, server } = remoteClient();
    await client.refreshConfig();
    const first = client.config().confirmedAt!;
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(server.configRequests.map((request) => [request.ifNoneMatch, request.cache])).toEqual([
      [null, 'no-store'],
      ['"e1"', 'no-store'],
    ]);
    expect(client.config()).toMatchObject({ status: 'confirmed', version: 1 });
    expect(client.config().confirmedAt).toBe(first + POLL_MS);
    await client.close();
  });

  it('applies a new version on the very next prediction', async () => {
    const { client, server, predictMany } = remoteClient();
    await client.refreshConfig();
    server.publish(doc(2, { sampleRate: 0 }));
    await client.refreshConfig();
    expect(client.config().settings).toMatchObject({ sampleRate: 0, configVersion: 2 });
    await predictMany(5);
    expect(server.shadowCalls()).toHaveLength(0);
    await client.close();
  });

  it('turns an experiment missing from the document, an unknown mode, or an unknown hashVersion off', async () => {
    const { client, server, predictMany } = remoteClient();
    for (const [version, document] of [
      [2, doc(2, {}, 'another-experiment')],
      [3, doc(3, { mode: 'dark-launch' })],
      [4, doc(4, {}, 'exp', { hashVersion: 2 })],
    ] as const) {
      server.publish(document);
      const state = await client.refreshConfig();
      expect(state).toMatchObject({ status: 'confirmed', version, mode: 'off' });
      await predictMany(3);
    }
    expect(server.shadowCalls()).toHaveLength(0);
    expect(client.stats().skipped).toEqual({}); // off is a decision, not a skip
    await client.close();
  });
});

describe('remote config: versions', () => {
  it('ignores an older version (reported once) and treats the same version as unchanged', async () => {
    const { client, server, reasons } = remoteClient({}, createFakeRollout(doc(5, { sampleRate: 0.5 })));
    await client.refreshConfig();
    server.publish(doc(4, { sampleRate: 1 }));
    await client.refreshConfig();
    await client.refreshConfig();
    expect(client.config()).toMatchObject({ version: 5, settings: { sampleRate: 0.5 } });
    expect(reasons()).toEqual(['version_older']);

    server.publish(doc(5, { sampleRate: 0.9 }));
    await client.refreshConfig();
    await client.refreshConfig();
    expect(client.config()).toMatchObject({ status: 'confirmed', version: 5, settings: { sampleRate: 0.5 } });
    expect(reasons()).toEqual(['version_older', 'version_reused']);
    await client.close();
  });
});

describe('remote config: allowOrigins', () => {
  it('rejects a document whose shadowUrl leaves the allowed origins, keeps the settings in force, and reports a SchemaError', async () => {
    const { client, server, errors, predictMany } = remoteClient();
    await client.refreshConfig();
    server.publish(doc(2, { shadowUrl: 'https://evil.example/v2' }));
    const state = await client.refreshConfig();
    expect(state).toMatchObject({ version: 1, settings: { shadowUrl: SHADOW_URL } });
    expect(errors[0]).toBeInstanceOf(SchemaError);
    expect(errors[0]).toMatchObject({ reason: 'origin_not_allowed', issues: [{ path: ['experiments', 'exp', 'shadowUrl'] }] });
    expect(errors[0]!.message).toMatch(/points to https:\/\/evil\.example, which is not in allowOrigins \(https:\/\/models\.example\)/);
    await predictMany(2);
    expect(server.modelCalls.every((call) => !call.url.includes('evil'))).toBe(true);
    await client.close();
  });

  it('implicitly allows the origin of shadow.url set in code, and applies an allowed origin from allowOrigins', async () => {
    const { client, server, predictMany } = remoteClient({
      remoteConfig: { url: 'https://config.example/shadowcast.json', pollIntervalMs: POLL_MS, allowOrigins: ['https://other.example'] },
    }, createFakeRollout(doc(1, { shadowUrl: 'https://models.example/v3/predict' })));
    expect(await client.refreshConfig()).toMatchObject({ version: 1, settings: { shadowUrl: 'https://models.example/v3/predict' } });
    server.publish(doc(2, { shadowUrl: 'https://other.example/v4' }));
    await client.refreshConfig();
    await predictMany(1);
    expect(server.shadowCalls().map((call) => call.url)).toEqual(['https://other.example/v4']);
    await client.close();
  });

  it('does not judge other experiments\' shadowUrl by this client\'s allowOrigins', async () => {
    const document = doc(1);
    (document.experiments as Record<string, unknown>)['someone-else'] = { enabled: true, mode: 'shadow', sampleRate: 1, shadowUrl: 'https://their-models.example/v2' };
    const { client } = remoteClient({}, createFakeRollout(document));
    expect(await client.refreshConfig()).toMatchObject({ status: 'confirmed', version: 1 });
    await client.close();
  });
});

describe('remote config: kill fast path', () => {
  it('applies enabled: false from an invalid document at once, keeps nothing else of it, and lifts the kill on the next valid document', async () => {
    const { client, server, errors, predictMany } = remoteClient();
    await client.refreshConfig();
    server.publish({ ...doc(2, { enabled: false, sampleRate: 7 }), experiments: { exp: { enabled: false, mode: 'shadow', sampleRate: 7 }, broken: 'yes' } });
    const killed = await client.refreshConfig();
    expect(killed).toMatchObject({ status: 'confirmed', version: 1, killed: true, mode: 'off', settings: { mode: 'off', sampleRate: 1 } });
    expect(errors[0]).toBeInstanceOf(SchemaError);
    await predictMany(3);
    expect(server.shadowCalls()).toHaveLength(0);

    server.publish(doc(3, { sampleRate: 1 }));
    expect(await client.refreshConfig()).toMatchObject({ version: 3, killed: false, mode: 'shadow' });
    await predictMany(2);
    expect(server.shadowCalls()).toHaveLength(2);
    await client.close();
  });

  it('applies mode: "off" from a document that fails the allowlist, but never a mode, rate or URL increase', async () => {
    const { client, server } = remoteClient({}, createFakeRollout(doc(1, { sampleRate: 0.1 })));
    await client.refreshConfig();
    server.publish(doc(2, { mode: 'promoted', sampleRate: 1, shadowUrl: 'https://evil.example/v2' }));
    expect(await client.refreshConfig()).toMatchObject({ killed: false, mode: 'shadow', settings: { sampleRate: 0.1, shadowUrl: SHADOW_URL } });
    server.publish(doc(3, { mode: 'off', shadowUrl: 'https://evil.example/v2' }));
    expect(await client.refreshConfig()).toMatchObject({ killed: true, mode: 'off', settings: { shadowUrl: SHADOW_URL } });
    await client.close();
  });

  it('never keeps the ETag of a rejected document: the next poll fetches it in full again', async () => {
    const { client, server } = remoteClient();
    await client.refreshConfig();
    server.publishRaw('{"version": 2, "experiments": ');
    await client.refreshConfig();
    await client.refreshConfig();
    expect(server.configRequests.map((request) => request.ifNoneMatch)).toEqual([null, '"e1"', '"e1"']);
    await client.close();
  });

  it('reports an identical rejected document once, and a changed one again', async () => {
    const { client, server, reasons } = remoteClient();
    await client.refreshConfig();
    server.publishRaw('not json');
    await client.refreshConfig();
    await client.refreshConfig();
    server.publishRaw('{"still": "not a document"}');
    await client.refreshConfig();
    expect(reasons()).toEqual(['invalid_json', 'invalid_document']);
    await client.close();
  });
});

describe('remote config: failures', () => {
  it('keeps the settings in force through network errors, timeouts, 5xx, 401/403/404 and oversized documents, reporting each with its reason', async () => {
    vi.useFakeTimers();
    const { client, server, errors } = remoteClient({ random: () => 0.5 });
    await client.refreshConfig();
    server.script('network', 'hang', 500, 401, 403, 404, { status: 200, body: JSON.stringify({ ...doc(9), pad: 'x'.repeat(70_000) }) });
    for (let i = 0; i < 7; i++) {
      const polled = server.nextConfigRequest();
      await vi.advanceTimersByTimeAsync(CONFIG_BACKOFF_CAP_MS);
      await polled;
      await vi.advanceTimersByTimeAsync(CONFIG_FETCH_TIMEOUT_MS);
    }
    expect(errors.map((error) => [(error as { reason?: string }).reason, (error as { status?: number }).status])).toEqual([
      ['network', undefined],
      ['timeout', undefined],
      ['http_error', 500],
      ['unauthorized', 401],
      ['unauthorized', 403],
      ['not_found', 404],
      ['too_large', 200],
    ]);
    expect(errors.every((error) => isShadowcastError(error) && error.code === 'remote_config')).toBe(true);
    expect(client.config()).toMatchObject({ status: 'confirmed', version: 1, mode: 'shadow' });
    await client.close();
  });

  it('backs off with full jitter from the poll interval up to 5 minutes, and honours Retry-After', async () => {
    vi.useFakeTimers();
    const { client, server } = remoteClient({ random: () => 0.999 });
    await client.refreshConfig();
    server.script(503, { status: 429, headers: { 'retry-after': '100' } }, 503, 503, 503, 503, { status: 503, headers: { 'retry-after': '3600' } }, 503);
    const gaps: number[] = [];
    let last = Date.now();
    for (let i = 0; i < 9; i++) {
      const polled = server.nextConfigRequest();
      await vi.advanceTimersToNextTimerAsync();
      while (server.configRequests.length < i + 2) await vi.advanceTimersToNextTimerAsync();
      await polled;
      gaps.push(Date.now() - last);
      last = Date.now();
    }
    // The normal interval, then the jitter ceilings 2P, 4P, 8P, 16P up to the 5-minute cap; Retry-After raises a
    // delay (100 s instead of 40 s) but never beyond the cap (3600 s asked, 300 s waited).
    expect(gaps.map((gap) => Math.round(gap / 1000))).toEqual([10, 20, 100, 80, 160, 300, 300, 300, 300]);
    await client.close();
  });

  it('polls on after 401/403/404 at the longest backoff, never giving up', async () => {
    vi.useFakeTimers();
    const { client, server } = remoteClient();
    await client.refreshConfig();
    server.script(404, 404, 404);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    await vi.advanceTimersByTimeAsync(CONFIG_BACKOFF_CAP_MS * 2);
    expect(server.configRequests.map((request) => request.at - server.configRequests[0]!.at)).toEqual([0, POLL_MS, POLL_MS + CONFIG_BACKOFF_CAP_MS, POLL_MS + 2 * CONFIG_BACKOFF_CAP_MS]);
    await client.close();
  });

  it('aborts the poll in flight when a new one starts', async () => {
    const { client, server } = remoteClient();
    server.script('hang');
    const first = client.refreshConfig();
    await server.nextConfigRequest();
    const second = await client.refreshConfig();
    await first;
    expect(second).toMatchObject({ status: 'confirmed', version: 1 });
    expect(server.configRequests).toHaveLength(2);
    await client.close();
  });
});

describe('remote config: poll interval', () => {
  it('clamps remoteConfig.pollIntervalMs to 10 s–1 h with one warning', async () => {
    vi.useFakeTimers();
    const { client, server, errors } = remoteClient({ remoteConfig: { url: 'https://config.example/shadowcast.json', pollIntervalMs: 1000 } });
    expect(errors.map((error) => error.message)).toEqual(['remoteConfig.pollIntervalMs 1000 is outside 10000–3600000 ms; using 10000.']);
    await client.refreshConfig();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(server.configRequests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.configRequests).toHaveLength(2);
    await client.close();
  });

  it('follows the document\'s pollIntervalMs hint while that document is in force', async () => {
    vi.useFakeTimers();
    const { client, server } = remoteClient({}, createFakeRollout(doc(1, {}, 'exp', { pollIntervalMs: 60_000 })));
    await client.refreshConfig();
    await vi.advanceTimersByTimeAsync(59_999);
    expect(server.configRequests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.configRequests).toHaveLength(2);
    await client.close();
  });
});

describe('remote config: fail closed when stale', () => {
  it('stops shadowing when nothing was confirmed for maxConfigAgeMs, and resumes on the next confirmation', async () => {
    vi.useFakeTimers();
    const maxConfigAgeMs = 60 * 60 * 1000;
    const { client, server, predictMany } = remoteClient({ remoteConfig: { url: 'https://config.example/shadowcast.json', pollIntervalMs: POLL_MS, maxConfigAgeMs } });
    const changes: ConfigState[] = [];
    client.onConfigChange((state) => changes.push(state));
    await client.refreshConfig();
    server.script(...Array.from({ length: 50 }, () => 503));
    await vi.advanceTimersByTimeAsync(maxConfigAgeMs + 1);
    expect(client.config()).toMatchObject({ status: 'stale', mode: 'off', settings: undefined, version: 1 });
    expect(changes.map((state) => state.status)).toEqual(['confirmed', 'stale']);
    await predictMany(3);
    expect(client.stats().skipped).toEqual({ config_stale: 3 });
    expect(server.shadowCalls()).toHaveLength(0);

    server.recover();
    expect(await client.refreshConfig()).toMatchObject({ status: 'confirmed', version: 1 });
    expect(changes.at(-1)).toMatchObject({ status: 'confirmed', version: 1 });
    await predictMany(1, 'again');
    expect(server.shadowCalls()).toHaveLength(1);
    await client.close();
  });
});

describe('config() and onConfigChange', () => {
  it('tells listeners about each new version, kill and pin once, and unsubscribes', async () => {
    const { client, server } = remoteClient();
    const seen: [string, number | undefined, string][] = [];
    const stop = client.onConfigChange((state) => seen.push([state.status, state.version, state.mode]));
    await client.refreshConfig();
    await client.refreshConfig(); // a 304: no change
    server.publish(doc(2, { mode: 'canary', canaryRate: 0.1 }));
    await client.refreshConfig();
    client.setMode('off');
    client.setMode(undefined);
    stop();
    server.publish(doc(3));
    await client.refreshConfig();
    expect(seen).toEqual([
      ['confirmed', 1, 'shadow'],
      ['confirmed', 2, 'canary'],
      ['confirmed', 2, 'off'],
      ['confirmed', 2, 'canary'],
    ]);
    await client.close();
  });

  it('reports a throwing listener to onError and still applies the change', async () => {
    const { client, reasons } = remoteClient();
    client.onConfigChange(() => {
      throw new Error('listener broke');
    });
    expect(await client.refreshConfig()).toMatchObject({ status: 'confirmed' });
    expect(reasons()).toEqual(['listener_error']);
    await client.close();
  });

  it('hands out a frozen document that no caller can change', async () => {
    const { client } = remoteClient();
    const { document } = await client.refreshConfig();
    expect(Object.isFrozen(document)).toBe(true);
    expect(Object.isFrozen(document!.experiments.exp)).toBe(true);
    expect(() => {
      (document!.experiments.exp as { sampleRate: number }).sampleRate = 0;
    }).toThrow(TypeError);
    await client.close();
  });

  it('reports status local, and pins, for a client without remoteConfig', async () => {
    const { createShadowClient, memoryStore } = await import('shadowcast');
    const client = createShadowClient({ experiment: 'local', sampleRate: 0.5, storage: memoryStore() });
    const seen: string[] = [];
    client.onConfigChange((state) => seen.push(state.mode));
    expect(client.config()).toMatchObject({ status: 'local', mode: 'shadow', settings: { sampleRate: 0.5, configVersion: undefined } });
    client.setMode('canary');
    expect(await client.refreshConfig()).toMatchObject({ status: 'local', mode: 'canary', pinned: 'canary' });
    expect(seen).toEqual(['canary']);
    await client.close();
  });
});

describe('close()', () => {
  it('stops polling and timers; nothing arrives afterwards', async () => {
    vi.useFakeTimers();
    const { client, server } = remoteClient();
    await client.refreshConfig();
    await client.close();
    await vi.advanceTimersByTimeAsync(10 * POLL_MS);
    expect(server.configRequests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes cleanly before the first poll answered', async () => {
    const { client, server } = remoteClient();
    server.script('hang');
    const polled = server.nextConfigRequest();
    await polled;
    await client.close();
    expect(client.config().status).toBe('pending');
  });
});
