/**
 * A scripted collector as an injectable `fetch` (Sentry's scripted-transport pattern). It answers
 * without any I/O, so fake timers alone drive retries: msw's socket-level interception needs real
 * event-loop turns that `advanceTimersByTimeAsync` does not give. Each script entry is a status
 * (with optional headers), 'network' for a failed connection, or 'hang'.
 */
import { BatchSchema, type WireBatch } from '../../src/schema/wire';

export type Answer = number | 'network' | 'hang' | { status: number; headers?: Record<string, string>; body?: unknown };

export function createFakeCollector(...script: Answer[]) {
  const batches: WireBatch[] = [];
  const times: number[] = [];
  let call = 0;
  const fetch: typeof globalThis.fetch = async (_input, init) => {
    const batch = BatchSchema.parse(JSON.parse(String(init?.body)));
    batches.push(batch);
    times.push(Date.now());
    const answer = script[Math.min(call++, script.length - 1)] ?? 200;
    if (answer === 'network') throw new TypeError('fetch failed');
    if (answer === 'hang') return new Promise<Response>(() => {});
    const { status, headers, body } = typeof answer === 'number' ? { status: answer, headers: {}, body: undefined } : answer;
    const accepted = body ?? { accepted: batch.records.length, duplicates: 0, rejected: [] };
    return new Response(status >= 200 && status < 300 ? JSON.stringify(accepted) : null, { status, headers: headers ?? {} });
  };
  return { fetch, batches, times, ids: () => batches.flatMap((batch) => batch.records.map((record) => record.id)) };
}
