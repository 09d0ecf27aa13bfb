/**
 * OTLP/HTTP JSON encoding, checked against OpenTelemetry's own JSON serializer for logs
 * (@opentelemetry/otlp-transformer, generated from opentelemetry-proto) fed the same content.
 */
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createShadowClient, memoryStore } from 'shadowcast';
import { anyValue, encodeOtlpLogs, type AnyValue, type KeyValue } from '../../src/upload/otlp';
import { useMsw } from '../helpers/msw';
import { makeBatch, makeRecord } from '../helpers/wire';

/** Back from AnyValue to a JS value (test-only), to prove nothing is lost. */
function fromAnyValue(value: AnyValue): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('arrayValue' in value) return value.arrayValue.values.map(fromAnyValue);
  if ('kvlistValue' in value) return Object.fromEntries(value.kvlistValue.values.map((kv) => [kv.key, fromAnyValue(kv.value)]));
  return null;
}

const attributesOf = (list: KeyValue[]) => Object.fromEntries(list.map((kv) => [kv.key, fromAnyValue(kv.value)]));

/** proto3 JSON writes int64 as strings; OTel JS writes numbers (receivers take both): compare them as one. */
const normalize = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, item: unknown) => (key === 'intValue' ? String(item) : item));

const msToHrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1e6];

describe('encodeOtlpLogs', () => {
  const batch = makeBatch(
    [
      makeRecord({ experiment: 'otlp', outcome: 'match', context: { country: 'DE', tier: 2 } }),
      makeRecord({ experiment: 'otlp', outcome: 'mismatch', input: { x: 1.5, tags: ['a', 'b'], ok: true }, comparison: { match: false, kind: 'numeric', score: 0.25 } }),
      makeRecord({ experiment: 'otlp', outcome: 'skipped', skipReason: 'budget', shadow: undefined, comparison: undefined }),
    ],
    { dropped: { queue_full: 3 } },
  );
  const ours = encodeOtlpLogs(batch) as { resourceLogs: { resource: { attributes: KeyValue[] }; scopeLogs: { scope: { name: string; version: string }; logRecords: { attributes: KeyValue[]; body: AnyValue; timeUnixNano: string; observedTimeUnixNano: string; severityNumber: number; severityText: string; eventName: string }[] }[] }[] };

  it("is exactly what OpenTelemetry's own JSON serializer writes for the same log records", () => {
    const [resourceLogs] = ours.resourceLogs;
    const [scopeLogs] = resourceLogs!.scopeLogs;
    const resource = { attributes: attributesOf(resourceLogs!.resource.attributes) };
    const scope = { name: scopeLogs!.scope.name, version: scopeLogs!.scope.version };
    const oracleInput = scopeLogs!.logRecords.map((log, i) => ({
      hrTime: msToHrTime(Date.parse(batch.records[i]!.ts)),
      hrTimeObserved: msToHrTime(Date.parse(batch.sentAt)),
      severityNumber: log.severityNumber,
      severityText: log.severityText,
      eventName: log.eventName,
      body: fromAnyValue(log.body),
      attributes: attributesOf(log.attributes),
      droppedAttributesCount: 0,
      resource,
      instrumentationScope: scope,
    }));
    const oracle = JSON.parse(new TextDecoder().decode(JsonLogsSerializer.serializeRequest(oracleInput as never)));
    expect(normalize(ours)).toEqual(normalize(oracle));
  });

  it('keeps every record whole in the body, and the fields people filter on as attributes', () => {
    const logs = ours.resourceLogs[0]!.scopeLogs[0]!.logRecords;
    expect(logs.map((log) => fromAnyValue(log.body))).toEqual(batch.records.map((record) => JSON.parse(JSON.stringify(record))));
    expect(attributesOf(logs[1]!.attributes)).toMatchObject({ 'shadowcast.experiment': 'otlp', 'shadowcast.outcome': 'mismatch', 'shadowcast.comparison.match': false, 'shadowcast.live.latency_ms': 5 });
    expect(attributesOf(logs[2]!.attributes)).toMatchObject({ 'shadowcast.skip_reason': 'budget' });
    expect(logs.map((log) => log.severityText)).toEqual(['INFO', 'WARN', 'INFO']);
    expect(logs[0]!.timeUnixNano).toBe(`${Date.parse(batch.records[0]!.ts)}000000`);
    expect(attributesOf(ours.resourceLogs[0]!.resource.attributes)).toMatchObject({ 'shadowcast.batch.id': batch.batchId, 'shadowcast.batch.dropped.queue_full': 3 });
  });

  it('follows the proto3 JSON mapping for every value kind', () => {
    expect(anyValue(42)).toEqual({ intValue: '42' });
    expect(anyValue(0.5)).toEqual({ doubleValue: 0.5 });
    expect(anyValue('x')).toEqual({ stringValue: 'x' });
    expect(anyValue(false)).toEqual({ boolValue: false });
    expect(anyValue(null)).toEqual({});
    expect(anyValue([1, 'a'])).toEqual({ arrayValue: { values: [{ intValue: '1' }, { stringValue: 'a' }] } });
    expect(anyValue({ a: undefined, b: 1 })).toEqual({ kvlistValue: { values: [{ key: 'b', value: { intValue: '1' } }] } });
  });
});

describe("collector.format: 'otlp'", () => {
  const server = useMsw();

  it('sends OTLP/HTTP JSON logs and counts partial-success rejections as dropped', async () => {
    const received: unknown[] = [];
    server.use(
      http.post('http://otel.test/v1/logs', async ({ request }) => {
        received.push(await request.json());
        return HttpResponse.json({ partialSuccess: { rejectedLogRecords: '1', errorMessage: 'one was too big' } });
      }),
    );
    const client = createShadowClient({ experiment: 'fleet', sampleRate: 1, storage: memoryStore(), collector: { url: 'http://otel.test/v1/logs', format: 'otlp' } });
    for (let i = 0; i < 3; i++) await client.run({ input: i, live: async () => i, shadow: async () => i });
    await client.flush();
    expect(received).toHaveLength(1);
    const logs = (received[0] as { resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[] }).resourceLogs[0]!.scopeLogs[0]!.logRecords;
    expect(logs).toHaveLength(3);
    expect(client.stats()).toMatchObject({ uploaded: 2, dropped: { rejected: 1 } });
  });
});
