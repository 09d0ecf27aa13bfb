/**
 * One conditional GET of the config document, classified. Never throws: every failure is a result.
 * `cache: 'no-store'` plus an author-set If-None-Match makes the browser skip its HTTP cache, so the
 * server's 304 reaches us (Fetch standard; firebase-js-sdk#8233 shows the stale-cache symptom).
 */
import { parseRetryAfter } from '../upload/backoff';
import { safeUnref } from '../utils/safe-unref';
import type { ConfigFailureReason } from '../schema/codes';

export type FetchOutcome =
  | { kind: 'document'; text: string; etag: string | undefined }
  | { kind: 'not_modified' }
  /** Superseded by a newer poll or stopped by close(): nothing to report. */
  | { kind: 'aborted' }
  | { kind: 'failed'; reason: ConfigFailureReason; message: string; status?: number; retryAfterMs?: number; cause?: unknown };

export interface FetchConfigRequest {
  url: string;
  etag: string | undefined;
  fetch: typeof fetch;
  /** Aborted when a newer poll starts or the client closes. */
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  now: () => number;
}

export async function fetchConfig(request: FetchConfigRequest): Promise<FetchOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(request.signal.reason);
  request.signal.addEventListener('abort', onAbort, { once: true });
  const timer = safeUnref(
    setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('The config request timed out', 'TimeoutError'));
    }, request.timeoutMs),
  );

  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.etag !== undefined) headers['if-none-match'] = request.etag;
    const response = await request.fetch(request.url, { method: 'GET', headers, cache: 'no-store', signal: controller.signal });
    return await classify(response, request);
  } catch (error) {
    if (request.signal.aborted) return { kind: 'aborted' };
    if (timedOut) return { kind: 'failed', reason: 'timeout', message: `no answer within ${request.timeoutMs} ms` };
    return { kind: 'failed', reason: 'network', message: `the request failed (${describe(error)})`, cause: error };
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onAbort);
  }
}

async function classify(response: Response, request: FetchConfigRequest): Promise<FetchOutcome> {
  const { status } = response;
  if (status === 304) {
    await discard(response);
    if (request.etag !== undefined) return { kind: 'not_modified' };
    return { kind: 'failed', reason: 'http_error', status, message: 'answered 304 Not Modified to a request without If-None-Match' };
  }
  if (status >= 200 && status < 300) {
    const text = await readBounded(response, request.maxBytes);
    if (text === undefined) return { kind: 'failed', reason: 'too_large', status, message: `the document is larger than ${request.maxBytes} bytes` };
    return { kind: 'document', text, etag: response.headers.get('etag') ?? undefined };
  }
  await discard(response);
  if (status === 401 || status === 403) return { kind: 'failed', reason: 'unauthorized', status, message: `answered ${status}` };
  if (status === 404 || status === 410) return { kind: 'failed', reason: 'not_found', status, message: `answered ${status}` };
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), request.now());
  return { kind: 'failed', reason: 'http_error', status, message: `answered ${status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** The body as text, or undefined when it is larger than `maxBytes` (reading stops there: a hostile server cannot make us buffer more). */
async function readBounded(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await discard(response);
    return undefined;
  }
  if (!response.body) {
    const text = await response.text();
    return new TextEncoder().encode(text).length > maxBytes ? undefined : text;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
