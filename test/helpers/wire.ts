/** Valid wire records and batches for collector and report tests (built from the shared types). */
import type { WireBatch, WireRecord } from '../../src/schema/wire';

let counter = 0;

export function makeRecord(overrides: Partial<WireRecord> = {}): WireRecord {
  const seq = overrides.seq ?? counter++;
  const session = overrides.session ?? 'session-a';
  return {
    id: `${session}-${seq}`,
    experiment: 'exp',
    ts: new Date(Date.UTC(2026, 10, 22, 10, 0, 0) + seq * 1000).toISOString(),
    session,
    seq,
    sampleRate: 1,
    hashVersion: 1,
    mode: 'shadow',
    served: 'baseline',
    outcome: 'match',
    live: { ok: true, status: 200, latencyMs: 5, output: { label: 'a' } },
    shadow: { ok: true, status: 200, latencyMs: 9, output: { label: 'a' } },
    comparison: { match: true, kind: 'label' },
    ...overrides,
  };
}

export function makeBatch(records: unknown[], overrides: Partial<WireBatch> = {}): WireBatch {
  return {
    schema: 'shadowcast.batch/1',
    batchId: `batch-${counter++}`,
    sentAt: new Date().toISOString(),
    sdk: { name: 'shadowcast', version: '0.1.0' },
    dropped: {},
    records: records as WireRecord[],
    ...overrides,
  };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}, raw?: BodyInit) {
  const response = await fetch(url, { method: 'POST', body: raw ?? JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  return { status: response.status, headers: response.headers, body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
}
