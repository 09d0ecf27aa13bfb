/**
 * Rollout modes through the public API, from the remote document and from setMode: who serves, who
 * is shadowed, which request carries x-shadow-request, what stays with the new model in any role,
 * and what each record says (mode, served, configVersion, kind).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashUnit, type WireRecord } from 'shadowcast';
import { deferred, storedRecords } from '../helpers/capture';
import { createFakeRollout, doc, LIVE_URL, SHADOW_URL } from '../helpers/fake-rollout';
import { remoteClient } from '../helpers/remote-client';

afterEach(() => {
  vi.useRealTimers();
});

const newModelOptions = {
  shadow: { url: SHADOW_URL, headers: { 'x-model': 'v2' }, timeoutMs: 2500 },
  mapShadowRequest: (input: unknown) => ({ instances: [input] }),
};

async function records(setup: ReturnType<typeof remoteClient>): Promise<WireRecord[]> {
  await setup.client.flush();
  return storedRecords(setup.storage);
}

/** Records are written as calls finish, so their order is not the call order: look them up by raw key. */
function byKey(all: WireRecord[], keys: string[]): WireRecord[] {
  return keys.map((key) => all.find((record) => record.rawKey === key)!);
}

/** Calls as `role:model`, counted: shadows start in a later task than their live call, so order interleaves. */
function tally(calls: { role: string; url: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const call of calls) {
    const name = `${call.role}:${call.url === LIVE_URL ? 'v1' : 'v2'}`;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

describe('modes from the remote document', () => {
  it('shadow: live serves; the new model gets the mapped input with x-shadow-request; records say so', async () => {
    const setup = remoteClient(newModelOptions, createFakeRollout(doc(3)));
    await setup.client.refreshConfig();
    expect(await setup.client.predict({ x: 1 }, { key: 'u1' })).toEqual({ model: 'v1' });
    await setup.client.flush();
    expect(setup.server.modelCalls.map(({ url, role, body }) => ({ url, role, body }))).toEqual([
      { url: LIVE_URL, role: 'live', body: { x: 1 } },
      { url: SHADOW_URL, role: 'shadow', body: { instances: [{ x: 1 }] } },
    ]);
    expect(setup.server.modelCalls.map((call) => call.headers['x-model'])).toEqual([undefined, 'v2']);
    expect(await records(setup)).toMatchObject([{ mode: 'shadow', served: 'baseline', configVersion: 3, outcome: 'mismatch' }]);
    await setup.client.close();
  });

  it('promoted: the new model serves (mapped input, no x-shadow-request), the old one is shadowed', async () => {
    const setup = remoteClient(newModelOptions, createFakeRollout(doc(4, { mode: 'promoted' })));
    await setup.client.refreshConfig();
    expect(await setup.client.predict({ x: 2 }, { key: 'u1' })).toEqual({ model: 'v2' });
    await setup.client.flush();
    expect(setup.server.modelCalls.map(({ url, role, body }) => ({ url, role, body }))).toEqual([
      { url: SHADOW_URL, role: 'live', body: { instances: [{ x: 2 }] } },
      { url: LIVE_URL, role: 'shadow', body: { x: 2 } },
    ]);
    // The new model's headers stay with it in any role; the old model never gets them.
    expect(setup.server.modelCalls.map((call) => call.headers['x-model'])).toEqual(['v2', undefined]);
    expect(await records(setup)).toMatchObject([{ mode: 'promoted', served: 'candidate', configVersion: 4, live: { output: { model: 'v2' } }, shadow: { output: { model: 'v1' } } }]);
    await setup.client.close();
  });

  it('canary: a sticky canaryRate share of keys is served by the new model, the same in every client', async () => {
    const canary = doc(5, { mode: 'canary', canaryRate: 0.3, sampleRate: 1, salt: 'canary-salt' });
    const keys = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const servedBy = async () => {
      const setup = remoteClient({ capture: { input: 'full' } }, createFakeRollout(canary));
      await setup.client.refreshConfig();
      const answers: string[] = [];
      for (const key of keys) answers.push(((await setup.client.predict({ key }, { key })) as { model: string }).model);
      const all = await records(setup);
      await setup.client.close();
      return { answers, all };
    };
    const first = await servedBy();
    const second = await servedBy();
    expect(second.answers).toEqual(first.answers); // sticky across clients (and so across reloads and devices)
    const expected = keys.map((key) => (hashUnit('canary-salt', 'exp', 'canary', key) < 0.3 ? 'v2' : 'v1'));
    expect(first.answers).toEqual(expected);
    const share = expected.filter((model) => model === 'v2').length / keys.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
    expect(byKey(first.all, keys).map((record) => [record.mode, record.served])).toEqual(expected.map((model) => ['canary', model === 'v2' ? 'candidate' : 'baseline']));
  });

  it('off: live only, no shadow calls and no records', async () => {
    const setup = remoteClient({}, createFakeRollout(doc(6, { mode: 'off' })));
    await setup.client.refreshConfig();
    await setup.predictMany(5);
    expect(setup.server.shadowCalls()).toHaveLength(0);
    expect(await records(setup)).toEqual([]);
    expect(setup.client.stats()).toMatchObject({ predictions: 5, sampled: 0, mode: 'off' });
    await setup.client.close();
  });
});

describe('promotion and rollback', () => {
  it('goes shadow → canary → promoted → rollback (off, then shadow again) with each step on the next call', async () => {
    const server = createFakeRollout(doc(1, { mode: 'shadow', sampleRate: 1 }));
    const setup = remoteClient({}, server);
    const step = async (document: unknown) => {
      server.publish(document);
      await setup.client.refreshConfig();
      const before = server.modelCalls.length;
      const answer = ((await setup.client.predict({ x: 1 }, { key: 'always-canary' })) as { model: string }).model;
      await setup.client.flush();
      return { answer, calls: server.modelCalls.slice(before).map((call) => `${call.role}:${call.url === LIVE_URL ? 'v1' : 'v2'}`) };
    };
    // A key the canary always takes at rate 1.
    expect(await step(doc(1))).toEqual({ answer: 'v1', calls: ['live:v1', 'shadow:v2'] });
    expect(await step(doc(2, { mode: 'canary', canaryRate: 1 }))).toEqual({ answer: 'v2', calls: ['live:v2', 'shadow:v1'] });
    expect(await step(doc(3, { mode: 'promoted' }))).toEqual({ answer: 'v2', calls: ['live:v2', 'shadow:v1'] });
    expect(await step(doc(4, { mode: 'off' }))).toEqual({ answer: 'v1', calls: ['live:v1'] });
    expect(await step(doc(5, { mode: 'shadow', sampleRate: 1 }))).toEqual({ answer: 'v1', calls: ['live:v1', 'shadow:v2'] });
    const all = await records(setup);
    expect(all.map((record) => [record.configVersion, record.mode, record.served])).toEqual([
      [1, 'shadow', 'baseline'],
      [2, 'canary', 'candidate'],
      [3, 'promoted', 'candidate'],
      [5, 'shadow', 'baseline'],
    ]);
    await setup.client.close();
  });
});

describe('setMode over the remote document', () => {
  it('pins a mode until setMode(undefined); off from either side wins', async () => {
    const server = createFakeRollout(doc(1, { mode: 'shadow' }));
    const setup = remoteClient({}, server);
    await setup.client.refreshConfig();
    const served = async () => ((await setup.client.predict({}, { key: 'k' })) as { model: string }).model;

    setup.client.setMode('promoted');
    expect(await served()).toBe('v2');
    server.publish(doc(2, { mode: 'off' }));
    await setup.client.refreshConfig();
    expect(setup.client.config()).toMatchObject({ mode: 'off', pinned: 'promoted' });
    expect(await served()).toBe('v1'); // the remote off wins over the pin
    server.publish(doc(3, { mode: 'promoted' }));
    await setup.client.refreshConfig();
    expect(await served()).toBe('v2');
    setup.client.setMode('off');
    expect(await served()).toBe('v1'); // the local off wins over the document, at once
    setup.client.setMode(undefined);
    expect(await served()).toBe('v2');
    await setup.client.flush();
    expect((await records(setup)).map((record) => [record.mode, record.configVersion])).toEqual([
      ['promoted', 1],
      ['promoted', 3],
      ['promoted', 3],
    ]);
    await setup.client.close();
  });
});

describe('noise baseline', () => {
  it('re-runs the serving model in the shadow role for a sticky noiseRate share (document), records kind "noise"', async () => {
    const setup = remoteClient({}, createFakeRollout(doc(1, { noiseRate: 1 })));
    await setup.client.refreshConfig();
    await setup.predictMany(2);
    expect(tally(setup.server.modelCalls)).toEqual({ 'live:v1': 2, 'shadow:v1': 2 });
    expect(await records(setup)).toMatchObject([
      { kind: 'noise', outcome: 'match', served: 'baseline' },
      { kind: 'noise', outcome: 'match', served: 'baseline' },
    ]);
    await setup.client.close();
  });

  it('takes noiseRate from code when the document leaves it out, and noise follows the serving model when promoted', async () => {
    const setup = remoteClient({ noiseRate: 1 }, createFakeRollout(doc(1, { mode: 'promoted' })));
    await setup.client.refreshConfig();
    await setup.predictMany(1);
    expect(tally(setup.server.modelCalls)).toEqual({ 'live:v2': 1, 'shadow:v2': 1 });
    expect(await records(setup)).toMatchObject([{ kind: 'noise', served: 'candidate', mode: 'promoted' }]);
    await setup.client.close();
  });

  it('draws noise stickily per key and independently of sampling', async () => {
    const setup = remoteClient({ capture: { input: 'full' } }, createFakeRollout(doc(1, { noiseRate: 0.25, salt: 'noise-salt' })));
    await setup.client.refreshConfig();
    await setup.predictMany(100);
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    const expected = keys.map((key) => hashUnit('noise-salt', 'exp', 'noise', key) < 0.25);
    expect(byKey(await records(setup), keys).map((record) => record.kind === 'noise')).toEqual(expected);
    expect(expected.filter(Boolean).length).toBeGreaterThan(10);
    await setup.client.close();
  });
});

describe('remote budgets', () => {
  const hanging = () => new Promise<never>(() => {});

  it('applies maxConcurrentShadows and maxShadowsPerMinute from the document', async () => {
    const setup = remoteClient({}, createFakeRollout(doc(1, { maxConcurrentShadows: 1 })));
    await setup.client.refreshConfig();
    const slow = deferred<number>();
    await setup.client.run({ key: 'a', live: () => 1, shadow: () => slow.promise });
    await setup.client.run({ key: 'b', live: () => 1, shadow: () => 1 });
    expect(setup.client.stats().skipped).toEqual({ concurrency: 1 });
    slow.resolve(1);
    await setup.client.close();

    const perMinute = remoteClient({}, createFakeRollout(doc(1, { maxShadowsPerMinute: 2 })));
    await perMinute.client.refreshConfig();
    for (const key of ['a', 'b', 'c']) await perMinute.client.run({ key, live: () => 1, shadow: () => 1 });
    expect(perMinute.client.stats().skipped).toEqual({ budget: 1 });
    await perMinute.client.close();
  });

  it('applies shadowTimeoutMs from the document to the call in the shadow role', async () => {
    vi.useFakeTimers();
    const setup = remoteClient({}, createFakeRollout(doc(1, { shadowTimeoutMs: 50 })));
    await setup.client.refreshConfig();
    await setup.client.run({ key: 'a', live: () => 1, shadow: hanging });
    await vi.advanceTimersByTimeAsync(50);
    expect(setup.client.stats().outcomes).toEqual({ shadow_timeout: 1 });
    await setup.client.close();
  });

  it('rejects a document with an out-of-range budget whole, keeping the budgets in force', async () => {
    const server = createFakeRollout(doc(1, { maxConcurrentShadows: 4 }));
    const setup = remoteClient({}, server);
    await setup.client.refreshConfig();
    server.publish(doc(2, { maxConcurrentShadows: 5000, sampleRate: 0.5 }));
    expect(await setup.client.refreshConfig()).toMatchObject({ version: 1, settings: { maxConcurrentShadows: 4, sampleRate: 1 } });
    expect(setup.reasons()).toEqual(['invalid_document']);
    await setup.client.close();
  });
});
