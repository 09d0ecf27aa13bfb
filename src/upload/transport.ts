/**
 * One POST of one batch, classified into what the uploader should do next (wire contract):
 * 2xx accepted, 400/422 invalid (drop), 401/403/404 keep and pause, 413 split,
 * 408/429/5xx and network errors retry (429/503 pause everything, honouring Retry-After).
 */
import type { WireBatch } from '../schema/wire';
import { parseRetryAfter } from './backoff';

export type SendResult =
  /** `rejected`: records the collector refused one by one (counted as dropped, never retried). */
  | { kind: 'accepted'; rejected: number }
  | { kind: 'invalid'; status: number }
  | { kind: 'split' }
  | { kind: 'retry'; status?: number; retryAfterMs?: number; pauseAll: boolean; error?: unknown }
  | { kind: 'unauthorized'; status: number };

export interface Transport {
  send(body: string, options: { keepalive: boolean }): Promise<SendResult>;
}

export const UPLOAD_TIMEOUT_MS = 10_000;

export function createFetchTransport(deps: {
  url: string;
  format: 'shadowcast' | 'otlp';
  headers: Record<string, string>;
  fetch: typeof fetch;
  now: () => number;
}): Transport {
  return {
    async send(body, { keepalive }) {
      // OTLP clients load the encoder on first upload; everyone else never downloads it.
      const payload = deps.format === 'otlp' ? JSON.stringify((await import('./otlp')).encodeOtlpLogs(JSON.parse(body) as WireBatch)) : body;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), UPLOAD_TIMEOUT_MS);
      let response: Response;
      try {
        response = await deps.fetch(deps.url, {
          method: 'POST',
          body: payload,
          headers: { 'content-type': 'application/json', ...deps.headers },
          keepalive,
          signal: controller.signal,
        });
      } catch (error) {
        return { kind: 'retry', pauseAll: false, error };
      } finally {
        clearTimeout(timer);
      }
      return classify(response, deps.now());
    },
  };
}

export async function classify(response: Response, now: number): Promise<SendResult> {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'accepted', rejected: await readRejected(response) };
  await response.body?.cancel().catch(() => {});
  if (status === 413) return { kind: 'split' };
  if (status === 401 || status === 403 || status === 404) return { kind: 'unauthorized', status };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
    return { kind: 'retry', status, pauseAll: status === 429 || status === 503, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return { kind: 'invalid', status };
}

/**
 * How many records the collector refused in an accepted batch: shadowcast collectors list them
 * (`rejected: [{id, reason}]`), OTLP collectors count them (`partialSuccess.rejectedLogRecords`).
 * Anything unreadable means none: the batch itself was accepted.
 */
async function readRejected(response: Response): Promise<number> {
  try {
    const answer = (await response.json()) as { rejected?: unknown; partialSuccess?: { rejectedLogRecords?: unknown } };
    if (Array.isArray(answer?.rejected)) return answer.rejected.length;
    const otlp = Number(answer?.partialSuccess?.rejectedLogRecords);
    return Number.isSafeInteger(otlp) && otlp > 0 ? otlp : 0;
  } catch {
    return 0;
  }
}
