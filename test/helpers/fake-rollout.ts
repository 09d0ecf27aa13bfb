/**
 * A scripted world for remote-config tests, as one injectable `fetch` (no I/O, so fake timers alone
 * drive polling; msw's socket-level I/O is not advanced by them): a config server that answers with
 * ETag / If-None-Match, plus the live (v1) and new (v2) model endpoints, with every call logged.
 */
import type { RemoteConfigDocument } from 'shadowcast';

export const CONFIG_URL = 'https://config.example/shadowcast.json';
export const LIVE_URL = 'https://live.example/v1/predict';
export const SHADOW_URL = 'https://models.example/v2/predict';

export type ConfigAnswer =
  | number
  | 'network'
  | 'hang'
  | { status: number; headers?: Record<string, string>; body?: string | undefined }
  /** Serves the current document after this delay (timers: fake ones advance it). */
  | { delayMs: number };

export interface ModelCall {
  url: string;
  /** `shadow` when the request carried x-shadow-request: 1. */
  role: 'live' | 'shadow';
  body: unknown;
  headers: Record<string, string>;
  at: number;
}

export interface ConfigRequest {
  ifNoneMatch: string | null;
  cache: RequestCache | undefined;
  at: number;
}

/** A document with one experiment, as a publisher would write it. */
export function doc(version: number, entry: Record<string, unknown> = {}, experiment = 'exp', extra: Record<string, unknown> = {}): RemoteConfigDocument {
  return {
    version,
    issuedAt: '2026-11-22T10:00:00Z',
    hashVersion: 1,
    experiments: { [experiment]: { enabled: true, mode: 'shadow', sampleRate: 1, ...entry } },
    ...extra,
  } as RemoteConfigDocument;
}

export function createFakeRollout(initial?: unknown) {
  let body: string | undefined;
  let etag: string | undefined;
  let serial = 0;
  const script: ConfigAnswer[] = [];
  const configRequests: ConfigRequest[] = [];
  const modelCalls: ModelCall[] = [];
  const other: string[] = [];
  const waiters: (() => void)[] = [];

  const publishRaw = (text: string) => {
    body = text;
    etag = `"e${++serial}"`;
  };
  if (initial !== undefined) publishRaw(JSON.stringify(initial));

  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = request.url;
    if (url.startsWith('https://config.example/')) {
      configRequests.push({ ifNoneMatch: request.headers.get('if-none-match'), cache: init?.cache, at: Date.now() });
      for (const wake of waiters.splice(0)) wake();
      const answer = script.shift();
      if (answer === 'network') throw new TypeError('fetch failed');
      if (answer === 'hang') {
        return new Promise<Response>((_, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true });
        });
      }
      if (answer !== undefined && typeof answer === 'object' && 'delayMs' in answer) {
        await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      } else if (answer !== undefined) {
        const { status, headers, body: text } = typeof answer === 'number' ? { status: answer, headers: {}, body: undefined } : answer;
        return new Response(text ?? null, { status, headers: headers ?? {} });
      }
      if (body === undefined) return new Response(null, { status: 404 });
      if (etag !== undefined && request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json', etag: etag! } });
    }
    if (url.startsWith('https://live.example/') || url.startsWith('https://models.example/') || url.startsWith('https://other.example/')) {
      const payload: unknown = JSON.parse(await request.text());
      const role = request.headers.get('x-shadow-request') === '1' ? 'shadow' : 'live';
      modelCalls.push({ url, role, body: payload, headers: Object.fromEntries(request.headers), at: Date.now() });
      const model = url.startsWith('https://live.example/') ? 'v1' : 'v2';
      return Response.json({ model });
    }
    other.push(url);
    throw new TypeError(`fake-rollout: no route for ${url}`);
  };

  return {
    fetch,
    configRequests,
    modelCalls,
    /** URLs requested that no route serves (must stay empty). */
    other,
    publish(document: unknown) {
      publishRaw(JSON.stringify(document));
    },
    publishRaw,
    /** The next config requests get these answers instead of the document. */
    script(...answers: ConfigAnswer[]) {
      script.push(...answers);
    },
    /** Drops the answers not yet given: the server serves the document again. */
    recover() {
      script.length = 0;
    },
    /** Resolves at the next config request. */
    nextConfigRequest: () => new Promise<void>((resolve) => waiters.push(resolve)),
    shadowCalls: () => modelCalls.filter((call) => call.role === 'shadow'),
    liveCalls: () => modelCalls.filter((call) => call.role === 'live'),
  };
}
