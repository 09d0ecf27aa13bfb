/**
 * predict() is run() with HTTP behind it. Decided once, here: the call in the live role is
 * `ky.post(url, { json }).json()` itself, so its errors reach the caller exactly as plain ky delivers
 * them (contract: HTTPError with its response, TimeoutError, NetworkError), never wrapped. The call in
 * the shadow role uses fetch directly: nobody sees its errors but the record, and it saves ky's CPU on
 * every shadowed call (measured in bench/live-path.ts).
 */
import ky, { type Options as KyOptions } from 'ky';
import type { ResolvedOptions } from '../options';
import type { Settings } from './control';
import type { CallMeta, CallRole, EngineCall, ModelInvoker } from './run';
import type { PredictOptions } from './types';

/** The header every call in the shadow role carries, so backends can skip side effects (contract). */
export const SHADOW_HEADER = 'x-shadow-request';

export function createHttpCall(options: ResolvedOptions, input: unknown, call: PredictOptions | undefined): EngineCall {
  const live = options.live!;
  const baseline: ModelInvoker = (role, signal, meta) =>
    post(options, live.url, input, { ...options.headers, ...live.headers }, role, signal, meta, live.timeoutMs);

  // The new model's URL, headers, body mapping and timeout stay with it whichever role it plays.
  const candidate: ModelInvoker = (role, signal, meta, settings) => {
    const body = options.mapShadowRequest ? options.mapShadowRequest(input) : input;
    const url = candidateUrl(options, settings)!;
    return post(options, url, body, { ...options.headers, ...options.shadow.headers }, role, signal, meta, options.shadow.timeoutMs);
  };

  return {
    input,
    key: call?.key,
    id: call?.id,
    context: call?.context,
    baseline,
    candidate,
    hasCandidate: (settings) => candidateUrl(options, settings) !== undefined,
  };
}

function candidateUrl(options: ResolvedOptions, settings: Settings | undefined): string | undefined {
  return settings?.shadowUrl ?? options.shadow.url;
}

function post(
  options: ResolvedOptions,
  url: string,
  body: unknown,
  headers: Record<string, string>,
  role: CallRole,
  signal: AbortSignal | undefined,
  meta: CallMeta,
  liveTimeoutMs: number | undefined,
): Promise<unknown> {
  const answer = role === 'live' ? postLive(options.fetch, url, body, headers, meta, liveTimeoutMs) : postShadow(options, url, body, headers, signal, meta);
  return options.extract ? answer.then(options.extract) : answer;
}

/** The live role: ky itself, so errors are exactly ky's (contract). */
function postLive(userFetch: typeof fetch, url: string, body: unknown, headers: Record<string, string>, meta: CallMeta, timeoutMs: number | undefined): Promise<unknown> {
  const request: KyOptions = {
    json: body,
    headers,
    // Reads the status without a ky hook: hooks make ky clone every response.
    fetch: async (...args: Parameters<typeof fetch>) => {
      const response = await userFetch(...args);
      meta.status = response.status;
      return response;
    },
  };
  if (timeoutMs !== undefined) request.timeout = timeoutMs;
  return ky.post(url, request).json<unknown>();
}

/**
 * The shadow role: plain fetch. No caller ever sees these errors (they become records), so ky's work per
 * request buys nothing here; the engine owns the timeout and abort. Error shapes match what
 * describeError classifies: `response.status` for HTTP errors, the name `NetworkError` for network failures.
 */
async function postShadow(options: ResolvedOptions, url: string, body: unknown, headers: Record<string, string>, signal: AbortSignal | undefined, meta: CallMeta): Promise<unknown> {
  const init: RequestInit = {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { accept: 'application/json', 'content-type': 'application/json', ...headers, [SHADOW_HEADER]: '1' },
    credentials: options.shadow.credentials,
    priority: 'low',
  };
  if (signal) init.signal = signal;
  let response: Response;
  try {
    response = await options.fetch(url, init);
  } catch (error) {
    if (signal?.aborted) throw error;
    throw Object.assign(new Error(`Shadow request failed due to a network error: POST ${url}`, { cause: error }), { name: 'NetworkError' });
  }
  meta.status = response.status;
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw Object.assign(new Error(`Shadow request failed with status code ${response.status}: POST ${url}`), { name: 'HTTPError', response: { status: response.status } });
  }
  return response.json();
}
