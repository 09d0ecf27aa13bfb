/** End to end on real HTTP servers on 127.0.0.1: live and shadow models, and a collector. */
import { afterEach, describe, expect, it } from 'vitest';
import { createShadowClient, memoryStore, numeric } from 'shadowcast';
import { BatchSchema, type WireBatch } from '../../src/schema/wire';
import { json, startServer, type TestServer } from '../helpers/http-server';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(...args: Parameters<typeof startServer>) {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}

describe('predict over loopback', () => {
  it('serves from live, shadows to the new model with x-shadow-request, and ships valid batches', async () => {
    const live = await start((request, response) => json(response, 200, { score: JSON.parse(request.body).x * 0.5 }));
    const shadow = await start((request, response) => json(response, 200, { score: JSON.parse(request.body).instances[0].x * 0.5 + 0.001 }));
    const batches: WireBatch[] = [];
    const collector = await start((request, response) => {
      const batch = BatchSchema.parse(JSON.parse(request.body));
      batches.push(batch);
      json(response, 200, { accepted: batch.records.length, duplicates: 0, rejected: [] });
    });

    const client = createShadowClient({
      experiment: 'loopback',
      live: { url: `${live.url}/v1/predict` },
      shadow: { url: `${shadow.url}/v2/predict` },
      sampleRate: 1,
      compare: numeric({ abs: 0.01, path: 'score' }),
      mapShadowRequest: (input) => ({ instances: [input] }),
      collector: { url: `${collector.url}/v1/batches` },
      storage: memoryStore(),
    });

    const scores = [];
    for (let x = 0; x < 25; x++) scores.push(await client.predict({ x }, { key: `user-${x}` }));
    expect(scores).toEqual(Array.from({ length: 25 }, (_, x) => ({ score: x * 0.5 })));

    await expect(client.close()).resolves.toEqual({ ok: true, pending: 0 });
    expect(live.requests.every((request) => request.headers['x-shadow-request'] === undefined)).toBe(true);
    expect(shadow.requests.every((request) => request.headers['x-shadow-request'] === '1')).toBe(true);
    const records = batches.flatMap((batch) => batch.records);
    expect(records).toHaveLength(25);
    expect(records.map((record) => [record.outcome, record.live.status, record.shadow?.status])).toEqual(records.map(() => ['match', 200, 200]));
    expect(client.stats()).toMatchObject({ predictions: 25, sampled: 25, agreed: 25, uploaded: 25, queued: 0 });
  });

  it('records a shadow that answers 500, times out, or closes the connection, while the caller is served', async () => {
    const live = await start((_request, response) => json(response, 200, { label: 'approve' }));
    let call = 0;
    const shadow = await start((_request, response) => {
      const mode = call++ % 3;
      if (mode === 0) json(response, 500, { error: 'boom' });
      else if (mode === 1) setTimeout(() => json(response, 200, { label: 'approve' }), 2000);
      else response.socket?.destroy();
    });
    const client = createShadowClient({
      experiment: 'loopback-faults',
      live: { url: live.url },
      shadow: { url: shadow.url, timeoutMs: 200 },
      sampleRate: 1,
      storage: memoryStore(),
      dispatch: 'parallel',
    });
    for (let i = 0; i < 3; i++) await expect(client.predict({ i })).resolves.toEqual({ label: 'approve' });
    await client.flush();
    expect(client.stats().outcomes).toEqual({ shadow_error: 2, shadow_timeout: 1 });
    await client.close();
  });
});
