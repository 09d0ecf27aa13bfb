/**
 * Sending while the page goes away. Only keepalive fetch and sendBeacon outlive a page, and both share one
 * 64 KiB quota for the whole page (Fetch spec, "keepalive"), so the SDK tracks its own share and leaves the
 * rest to other libraries. Requests are CORS-simple (`text/plain`, no custom headers): gzip is signalled by
 * `?enc=gzip` and a bearer token travels as `?token=`. What is sent here is never trusted as delivered:
 * the caller keeps the segment and re-sends it after a grace period; the collector dedupes.
 */
export const UNLOAD_BUDGET_BYTES = 48 * 1024;
export const UNLOAD_MAX_REQUESTS = 4;

export interface UnloadBody {
  body: string | Uint8Array<ArrayBuffer>;
  gzip: boolean;
  bytes: number;
}

export interface UnloadSender {
  /** True when the request was handed to the browser (not proof of delivery). */
  send(payload: UnloadBody): boolean;
}

/** Undefined outside browsers: nothing there outlives a page. */
export function createUnloadSender(deps: { url: string; headers: Record<string, string>; fetch: typeof fetch }): UnloadSender | undefined {
  if (typeof document === 'undefined') return undefined;
  let bytesInFlight = 0;
  let requestsInFlight = 0;
  const token = /^Bearer\s+(.+)$/i.exec(Object.entries(deps.headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? '')?.[1];
  const urlFor = (gzip: boolean) => {
    const url = new URL(deps.url);
    if (gzip) url.searchParams.set('enc', 'gzip');
    if (token) url.searchParams.set('token', token);
    return url.href;
  };

  return {
    send({ body, gzip, bytes }) {
      const url = urlFor(gzip);
      if (bytesInFlight + bytes <= UNLOAD_BUDGET_BYTES && requestsInFlight < UNLOAD_MAX_REQUESTS) {
        bytesInFlight += bytes;
        requestsInFlight++;
        try {
          const settled = () => {
            bytesInFlight -= bytes;
            requestsInFlight--;
          };
          deps.fetch(url, { method: 'POST', body, keepalive: true, headers: { 'content-type': 'text/plain' } }).then(settled, settled);
          return true;
        } catch {
          bytesInFlight -= bytes; // refused synchronously (the browser's own quota): try a beacon
          requestsInFlight--;
        }
      }
      const beacon = (globalThis.navigator as { sendBeacon?: (url: string, data: Blob) => boolean } | undefined)?.sendBeacon;
      if (!beacon) return false;
      try {
        return beacon.call(globalThis.navigator, url, new Blob([body], { type: 'text/plain' }));
      } catch {
        return false;
      }
    },
  };
}

/** Gzip off the unload path (at seal time), with the platform's CompressionStream; undefined where there is none. */
export async function gzip(text: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (typeof CompressionStream === 'undefined') return undefined;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
