/**
 * Loopback servers for the rollout example: a config server that publishes documents with ETag /
 * If-None-Match (as a CDN or S3 would), and two model servers that log every call, shadow or live.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConfigServer {
  url: string;
  /** Serves `document` from now on, under a new ETag. */
  publish(document: unknown): void;
  /** Requests so far, and how each was answered. */
  requests: { at: number; status: number }[];
  /** Called on every request (for the timeline). */
  onRequest?: (request: { at: number; status: number; ifNoneMatch: string | undefined }) => void;
  close(): Promise<void>;
}

export interface ModelServer {
  url: string;
  /** Every call: when, for which input id, and whether it carried x-shadow-request: 1. */
  calls: { at: number; id: number; shadow: boolean }[];
  close(): Promise<void>;
}

export async function startConfigServer(): Promise<ConfigServer> {
  let body = '{}';
  let etag = '"0"';
  const requests: ConfigServer['requests'] = [];
  const server = http.createServer((request, response) => {
    const ifNoneMatch = request.headers['if-none-match'];
    const status = ifNoneMatch === etag ? 304 : 200;
    requests.push({ at: Date.now(), status });
    handle.onRequest?.({ at: Date.now(), status, ifNoneMatch });
    response.writeHead(status, { 'content-type': 'application/json', etag, 'cache-control': 'no-cache' });
    response.end(status === 304 ? undefined : body);
  });
  const url = await listen(server);
  const handle: ConfigServer = {
    url: `${url}/shadowcast.json`,
    publish(document) {
      body = JSON.stringify(document);
      etag = `"${Date.now().toString(36)}-${requests.length}"`;
    },
    requests,
    close: () => close(server),
  };
  return handle;
}

/** A model that answers `{ model: name, score }` after a few milliseconds. */
export async function startModel(name: string): Promise<ModelServer> {
  const calls: ModelServer['calls'] = [];
  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk));
    request.on('end', () => {
      const { id, x } = JSON.parse(text) as { id: number; x: number };
      calls.push({ at: Date.now(), id, shadow: request.headers['x-shadow-request'] === '1' });
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ model: name, score: Math.round(x * (name === 'v1' ? 0.5 : 0.52) * 100) / 100 }));
      }, 3);
    });
  });
  return { url: `${await listen(server)}/predict`, calls, close: () => close(server) };
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
