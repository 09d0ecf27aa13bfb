/**
 * A scripted collector as an injectable `fetch` (Sentry's scripted-transport pattern). It answers
 * without any I/O, so fake timers alone drive retries: msw's socket-level interception needs real
 * event-loop turns that `advanceTimersByTimeAsync` does not give. Each answer is a status (with optional
 * headers), 'network' for a failed connection, or 'hang'. Accepted batches are deduped by record id and
 * their `dropped` counted once per batchId, as the real collector does.
 */
import { BatchSchema, type WireBatch } from '../../src/schema/wire';

export type Answer = number | 'network' | 'hang' | { status: number; headers?: Record<string, string>; body?: unknown };

/** Decides each request's answer; `undefined` accepts. */
export type Behaviour = (request: { n: number; now: number; records: number }) => Answer | undefined;

/** Answers from a list: the next entry per request, the last one repeating. */
export function createFakeCollector(...script: Answer[]) {
  return createScriptedCollector(({ n }) => script[Math.min(n, script.length - 1)]);
}

export function createScriptedCollector(behaviour: Behaviour) {
  const batches: WireBatch[] = [];
  const times: number[] = [];
  const unique = new Set<string>();
  const seenBatches = new Set<string>();
  const reportedDrops: Record<string, number> = {};
  let duplicates = 0;
  let call = 0;
  const fetch: typeof globalThis.fetch = async (_input, init) => {
    const batch = BatchSchema.parse(JSON.parse(String(init?.body)));
    batches.push(batch);
    times.push(Date.now());
    const answer = behaviour({ n: call++, now: Date.now(), records: batch.records.length }) ?? 200;
    if (answer === 'network') throw new TypeError('fetch failed');
    if (answer === 'hang') return new Promise<Response>(() => {});
    const { status, headers, body } = typeof answer === 'number' ? { status: answer, headers: {}, body: undefined } : answer;
    if (status < 200 || status >= 300) return new Response(null, { status, headers: headers ?? {} });
    let accepted = 0;
    for (const record of batch.records) {
      if (unique.has(record.id)) duplicates++;
      else (unique.add(record.id), accepted++);
    }
    if (!seenBatches.has(batch.batchId)) {
      seenBatches.add(batch.batchId);
      for (const [reason, count] of Object.entries(batch.dropped)) reportedDrops[reason] = (reportedDrops[reason] ?? 0) + (count ?? 0);
    }
    const answerBody = body ?? { accepted, duplicates: batch.records.length - accepted, rejected: [] };
    return new Response(JSON.stringify(answerBody), { status, headers: headers ?? {} });
  };
  return {
    fetch,
    batches,
    times,
    /** Every record id received, duplicates included, in order. */
    ids: () => batches.flatMap((batch) => batch.records.map((record) => record.id)),
    /** Distinct record ids accepted. */
    unique,
    duplicates: () => duplicates,
    /** Drop counts the SDK reported, once per batch. */
    reportedDrops,
  };
}
