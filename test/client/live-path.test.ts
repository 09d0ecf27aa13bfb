/**
 * Invariants of the live path (contract): whatever the shadow does, the caller gets the live call's
 * own result or error, the same object, at the same moment. Proven by identity and by microtask
 * ordering under fake timers, never by wall-clock thresholds.
 */
import ky, { HTTPError, NetworkError, TimeoutError } from 'ky';
import { http, HttpResponse, delay } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createShadowClient, memoryStore, type ShadowClientOptions } from 'shadowcast';
import { deferred, storedRecords } from '../helpers/capture';
import { useMsw } from '../helpers/msw';

const server = useMsw();
const LIVE = 'http://models.test/v1/predict';
const SHADOW = 'http://models.test/v2/predict';

function client(overrides: Partial<ShadowClientOptions> = {}) {
  const storage = memoryStore();
  const errors: unknown[] = [];
  const instance = createShadowClient({
    experiment: 'live-path',
    live: { url: LIVE },
    shadow: { url: SHADOW },
    sampleRate: 1,
    storage,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  return { client: instance, storage, errors };
}

/** Shadow behaviours that must never reach the caller. */
const hostileShadows: Record<string, () => unknown> = {
  hanging: () => new Promise(() => {}),
  'throwing synchronously': () => {
    throw new Error('shadow exploded');
  },
  rejecting: () => Promise.reject(new Error('shadow failed')),
  'returning garbage': () => ({ then: undefined, weird: Symbol('x'), nested: { fn: () => 1 } }),
  slow: () => new Promise((resolve) => setTimeout(() => resolve({ late: true }), 60_000)),
};

afterEach(() => {
  vi.useRealTimers();
});

describe('run() live path', () => {
  for (const dispatch of ['after-live', 'parallel'] as const) {
    for (const [name, shadow] of Object.entries(hostileShadows)) {
      it(`returns the live promise itself and its value untouched with a ${name} shadow (${dispatch})`, async () => {
        vi.useFakeTimers();
        const { client: c } = client({ dispatch });
        const answer = { score: 0.7 };
        const live = deferred<typeof answer>();
        const returned = c.run({ input: { a: 1 }, key: 'u1', live: () => live.promise, shadow });

        expect(returned).toBe(live.promise);
        let seen: unknown;
        void returned.then((value) => {
          seen = value;
        });
        live.resolve(answer);
        // One microtask turn after the live call resolves, the caller has its value: no extra hops, no timers.
        await null;
        expect(seen).toBe(answer);
      });

      it(`rejects with the live error itself with a ${name} shadow (${dispatch})`, async () => {
        vi.useFakeTimers();
        const { client: c } = client({ dispatch });
        const failure = new TypeError('live failed');
        const live = deferred<never>();
        const returned = c.run({ input: 1, live: () => live.promise, shadow });
        let caught: unknown;
        returned.catch((error: unknown) => {
          caught = error;
        });
        live.reject(failure);
        await null;
        expect(caught).toBe(failure);
      });
    }
  }

  it('delivers a synchronously throwing live function as a rejection of that same error', async () => {
    const { client: c } = client();
    const failure = new RangeError('bad input');
    await expect(
      c.run({
        live: () => {
          throw failure;
        },
        shadow: () => 1,
      }),
    ).rejects.toBe(failure);
  });

  it('compares against a snapshot, so a caller mutating its result cannot fake a mismatch', async () => {
    const { client: c, storage } = client();
    const result = await c.run({ input: 1, live: async () => ({ label: 'approve', score: 0.9 }), shadow: async () => ({ label: 'approve', score: 0.9 }) });
    result.label = 'mutated by the caller';
    await c.flush();
    const [record] = await storedRecords(storage);
    expect(record?.outcome).toBe('match');
    expect(record?.live.output).toEqual({ label: 'approve', score: 0.9 });
  });

  it('never lets the caller wait for the shadow: the live result arrives while the shadow hangs (fake timers frozen)', async () => {
    vi.useFakeTimers();
    const { client: c } = client({ dispatch: 'parallel' });
    const value = await c.run({ live: async () => 'live', shadow: () => new Promise(() => {}) });
    expect(value).toBe('live');
    expect(c.stats().inFlight).toBe(1);
  });
});

describe('predict() live path', () => {
  it('resolves with the live body (after extract) and sends the shadow the mapped body with x-shadow-request', async () => {
    const seen: { url: string; shadowHeader: string | null; body: unknown }[] = [];
    const handler = async ({ request }: { request: Request }) => {
      seen.push({ url: request.url, shadowHeader: request.headers.get('x-shadow-request'), body: await request.json() });
      return HttpResponse.json({ outputs: [{ data: [0.25] }] });
    };
    server.use(http.post(LIVE, handler), http.post(SHADOW, handler));
    // Fetch-level fields (credentials) never reach the wire, so they are read from the Request handed to fetch.
    const credentials: Record<string, RequestCredentials> = {};
    const recordingFetch: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      credentials[request.url] = request.credentials;
      return fetch(request);
    };
    const { client: c } = client({
      fetch: recordingFetch,
      extract: (body) => (body as { outputs: { data: number[] }[] }).outputs[0]!.data[0],
      mapShadowRequest: (input) => ({ instances: [input] }),
    });
    await expect(c.predict({ age: 41 }, { key: 'user-1' })).resolves.toBe(0.25);
    await c.flush();
    expect(seen).toEqual([
      { url: LIVE, shadowHeader: null, body: { age: 41 } },
      { url: SHADOW, shadowHeader: '1', body: { instances: [{ age: 41 }] } },
    ]);
    expect(credentials).toEqual({ [LIVE]: 'same-origin', [SHADOW]: 'omit' });
    expect(c.stats().outcomes).toEqual({ match: 1 });
  });

  const liveFailures = {
    'HTTP 500': () => HttpResponse.json({ error: 'boom' }, { status: 500 }),
    'HTTP 404 with a text body': () => new HttpResponse('not here', { status: 404 }),
    'a network error': () => HttpResponse.error(),
    'invalid JSON': () => new HttpResponse('{not json', { headers: { 'content-type': 'application/json' } }),
  };

  for (const [name, respond] of Object.entries(liveFailures)) {
    it(`rejects on ${name} exactly as ky.post(url, { json }).json() does, and still records it`, async () => {
      server.use(http.post(LIVE, respond), http.post(SHADOW, () => HttpResponse.json(1)));
      const plain = await ky.post(LIVE, { json: { a: 1 } }).json().catch((error: unknown) => error);
      const { client: c, storage } = client();
      const ours = await c.predict({ a: 1 }).catch((error: unknown) => error);

      expect((ours as Error).constructor).toBe((plain as Error).constructor);
      expect((ours as Error).name).toBe((plain as Error).name);
      expect((ours as Error).message).toBe((plain as Error).message);
      if (plain instanceof HTTPError) {
        expect((ours as HTTPError).response.status).toBe(plain.response.status);
        expect((ours as HTTPError).data).toEqual(plain.data);
      }
      await c.flush();
      const [record] = await storedRecords(storage);
      expect(record?.outcome).toBe('live_error');
      expect(record?.live.ok).toBe(false);
    });
  }

  it('gives a live timeout as ky TimeoutError, using the live endpoint timeout', async () => {
    server.use(
      http.post(LIVE, async () => {
        await delay(200);
        return HttpResponse.json(1);
      }),
      http.post(SHADOW, () => HttpResponse.json(1)),
    );
    const { client: c } = client({ live: { url: LIVE, timeoutMs: 20 } });
    const error = await c.predict({}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    await c.close(); // settle the shadow while its handler is still installed
  });

  it('classes a live network failure as ky NetworkError (what plain ky throws)', async () => {
    server.use(http.post(LIVE, () => HttpResponse.error()), http.post(SHADOW, () => HttpResponse.json(1)));
    const { client: c } = client();
    await expect(c.predict({})).rejects.toBeInstanceOf(NetworkError);
    await c.close();
  });

  it('keeps shadow errors, timeouts and garbage away from the caller and reports them to onError', async () => {
    server.use(
      http.post(LIVE, () => HttpResponse.json({ ok: true })),
      http.post(SHADOW, () => new HttpResponse('<html>oops</html>', { status: 502 })),
    );
    const { client: c, errors } = client();
    await expect(c.predict({ x: 1 })).resolves.toEqual({ ok: true });
    await c.flush();
    expect(c.stats().outcomes).toEqual({ shadow_error: 1 });
    expect(errors).toHaveLength(1);
  });

  it('rejects predict() with a ConfigError when the client has no live endpoint', async () => {
    const c = createShadowClient({ experiment: 'run-only', sampleRate: 1, storage: memoryStore() });
    await expect(c.predict({})).rejects.toMatchObject({ name: 'ConfigError', option: 'live' });
  });
});

describe('after-live dispatch order', () => {
  it("runs the caller's continuation before the shadow starts", async () => {
    const { client: c } = client();
    const order: string[] = [];
    await c
      .run({ live: async () => 1, shadow: () => (order.push('shadow started'), 1) })
      .then(() => order.push('caller continued'));
    await c.flush();
    expect(order).toEqual(['caller continued', 'shadow started']);
  });
});
