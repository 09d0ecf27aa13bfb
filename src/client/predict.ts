/**
 * predict() is run() with HTTP behind it. The live call is `ky.post(url, { json }).json()` itself,
 * so its errors reach the caller exactly as plain ky delivers them (contract): ky's HTTPError with
 * its response, TimeoutError, NetworkError. Decided once, here: ky on both roles, never wrapped.
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
  const userFetch = options.fetch;
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
  if (role === 'live') {
    if (liveTimeoutMs !== undefined) request.timeout = liveTimeoutMs;
  } else {
    // The engine owns the shadow's timeout and abort; ky must neither retry nor time out on its own.
    request.headers = { ...headers, [SHADOW_HEADER]: '1' };
    request.timeout = false;
    request.retry = 0;
    request.credentials = options.shadow.credentials;
    (request as RequestInit).priority = 'low';
    if (signal) request.signal = signal;
  }
  const response = ky.post(url, request).json<unknown>();
  return options.extract ? response.then(options.extract) : response;
}
