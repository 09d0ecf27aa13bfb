/**
 * The reference collector (node:http, no framework). Answers per the wire contract: 200 with per-record
 * results, 400 invalid, 401 bad token, 413 too large, 415 unsupported type, 503 + Retry-After when
 * overloaded (work in flight is bounded), 404/405 otherwise. Embeddable: `handler` plugs into any
 * node:http server; `listen()` starts its own.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildReport } from './report/build-report';
import { createIngest } from './ingest';
import { openRecordLog } from './record-log';

export interface CollectorOptions {
  /** Where records, the batch ledger and the dedupe index live. */
  dir: string;
  /** When set, every request needs `authorization: Bearer <token>` or `?token=<token>` (beacons cannot set headers). */
  token?: string;
  /** Browser origins allowed by CORS (`*` for any). @default [] (no CORS) */
  allowOrigins?: string[];
  /** Largest request body, as sent (compressed or not). @default 1 MiB (SDK batches stay under 64 KiB) */
  maxBodyBytes?: number;
  /** Largest body after decompression (gzip bombs). @default 8 MiB */
  maxDecodedBytes?: number;
  /** Batches being ingested at once; beyond it the collector answers 503 with Retry-After. @default 64 */
  maxInFlight?: number;
  /** A request must arrive whole within this (slow or stalled bodies cannot hold a slot). @default 30000 */
  requestTimeoutMs?: number;
  now?: () => number;
}

export interface Collector {
  /** The request handler, for embedding in your own node:http server. */
  handler: http.RequestListener;
  /** Starts listening (default 127.0.0.1 and an OS-chosen port); resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting, waits for in-flight writes, closes files. */
  close(): Promise<void>;
}

export const COLLECTOR_DEFAULTS = { maxBodyBytes: 1024 * 1024, maxDecodedBytes: 8 * 1024 * 1024, maxInFlight: 64, requestTimeoutMs: 30_000 } as const;
/** How long close() lets batches in flight finish before cutting connections. */
const CLOSE_GRACE_MS = 5000;
/** How long an overloaded collector asks clients to wait. */
export const RETRY_AFTER_SECONDS = 2;

export async function createCollector(options: CollectorOptions): Promise<Collector> {
  const settings = { ...COLLECTOR_DEFAULTS, ...definedOnly(options) };
  const now = options.now ?? Date.now;
  const log = await openRecordLog(options.dir, now);
  const ingest = createIngest(log, { maxDecodedBytes: settings.maxDecodedBytes }, now);
  const allowOrigins = options.allowOrigins ?? [];
  let inFlight = 0;
  let server: http.Server | undefined;

  const handler: http.RequestListener = (request, response) => {
    const url = new URL(request.url ?? '/', 'http://collector.local');
    const origin = request.headers.origin;
    if (origin && (allowOrigins.includes('*') || allowOrigins.includes(origin))) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('vary', 'origin');
    }
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'access-control-allow-methods': 'POST, GET, OPTIONS',
        'access-control-allow-headers': 'content-type, content-encoding, authorization',
        'access-control-max-age': '600',
      });
      return response.end();
    }
    const route = `${request.method} ${url.pathname}`;
    if (url.pathname === '/healthz') {
      return request.method === 'GET' ? send(response, 200, { ok: true }) : notAllowed(response, 'GET');
    }
    if (url.pathname !== '/v1/batches' && url.pathname !== '/v1/report') return send(response, 404, { error: `No route ${route}. Try POST /v1/batches, GET /v1/report, GET /healthz.` });
    if (!authorized(request, url, options.token)) return send(response, 401, { error: 'Missing or wrong token: send authorization: Bearer <token> or ?token=<token>.' });

    if (url.pathname === '/v1/report') {
      if (request.method !== 'GET') return notAllowed(response, 'GET');
      const experiment = url.searchParams.get('experiment') ?? undefined;
      buildReport(options.dir, experiment ? { experiment } : {}).then(
        (report) => send(response, 200, report),
        (error: unknown) => send(response, 500, { error: `Building the report failed: ${(error as Error).message}` }),
      );
      return;
    }
    if (request.method !== 'POST') return notAllowed(response, 'POST, OPTIONS');
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== '' && type !== 'application/json' && type !== 'text/plain') {
      return send(response, 415, { error: `Unsupported content-type ${type}: send application/json, or text/plain (sendBeacon).` });
    }
    if (inFlight >= settings.maxInFlight) {
      request.resume();
      return send(response, 503, { error: 'Collector busy; retry later.' }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    }
    inFlight++;
    readBody(request, settings.maxBodyBytes)
      .then(async (body) => {
        if (body === undefined) {
          send(response, 413, { error: `Body over ${settings.maxBodyBytes} bytes; split the batch.` }, { connection: 'close' });
          return;
        }
        const gzipped = request.headers['content-encoding'] === 'gzip' || url.searchParams.get('enc') === 'gzip';
        const result = await ingest(body, gzipped);
        send(response, result.status, result.body);
      })
      .catch((error: unknown) => {
        // A failed write (disk full, I/O error): nothing was acknowledged, so the SDK retries.
        send(response, 503, { error: `Could not store the batch: ${(error as Error).message}` }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
      })
      .finally(() => inFlight--);
  };

  return {
    handler,
    async listen(port = 0, host = '127.0.0.1') {
      // Node checks request timeouts on an interval (30 s by default): tie it to our timeout so it bites on time.
      server = http.createServer({ connectionsCheckingInterval: Math.min(30_000, Math.max(100, settings.requestTimeoutMs / 2)) }, handler);
      // Slow or stalled clients cannot hold a slot forever.
      server.requestTimeout = settings.requestTimeoutMs;
      server.headersTimeout = Math.min(10_000, settings.requestTimeoutMs);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${shown}:${address.port}`;
    },
    async close() {
      if (server) {
        const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        // Batches being ingested finish (and get their answer); stalled connections are cut after a grace period.
        for (let waited = 0; inFlight > 0 && waited < CLOSE_GRACE_MS; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
        server.closeAllConnections();
        await closing;
      }
      await log.close();
    },
  };
}

function authorized(request: http.IncomingMessage, url: URL, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = request.headers.authorization;
  const given = header?.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('token');
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads a body up to `limit` bytes; undefined when it is larger (the rest is not read). */
function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (declared > limit) {
      request.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
    // A client gone mid-body must still free its in-flight slot.
    request.on('close', () => {
      if (!request.complete) reject(new Error('The client closed the connection before the body was complete.'));
    });
  });
}

function send(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function notAllowed(response: http.ServerResponse, allow: string): void {
  send(response, 405, { error: `Method not allowed; use ${allow}.` }, { allow });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
