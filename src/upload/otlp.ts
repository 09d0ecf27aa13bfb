/**
 * A wire batch as an OTLP/HTTP JSON `ExportLogsServiceRequest` (opentelemetry-proto logs/v1 and the
 * proto3 JSON mapping: lowerCamelCase fields, 64-bit integers as decimal strings, enums as numbers),
 * so fleets can send records to any OpenTelemetry Collector and on to Kafka, ClickHouse or a warehouse.
 *
 * One ResourceLogs per batch (its id and drop counts as resource attributes), one ScopeLogs
 * (`shadowcast`), one LogRecord per comparison: flat attributes to filter on, the whole record as body.
 * Loaded on demand by the transport, so clients on the default format never download it.
 */
import type { WireBatch, WireRecord } from '../schema/wire';

export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | Record<string, never>;

export interface KeyValue {
  key: string;
  value: AnyValue;
}

/** SeverityNumber (logs.proto): INFO for agreement, WARN for everything a person should look at. */
const INFO = 9;
const WARN = 13;

export function encodeOtlpLogs(batch: WireBatch): object {
  const sentAt = nanos(batch.sentAt);
  const resource: KeyValue[] = [
    attribute('telemetry.sdk.name', batch.sdk.name),
    attribute('telemetry.sdk.version', batch.sdk.version),
    attribute('shadowcast.batch.id', batch.batchId),
    ...Object.entries(batch.dropped).map(([reason, count]) => attribute(`shadowcast.batch.dropped.${reason}`, count)),
  ];
  return {
    resourceLogs: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        scopeLogs: [
          {
            scope: { name: 'shadowcast', version: batch.sdk.version },
            logRecords: batch.records.map((record) => logRecord(record, sentAt)),
          },
        ],
      },
    ],
  };
}

function logRecord(record: WireRecord, observed: string): object {
  const attention = record.outcome !== 'match' && record.outcome !== 'skipped';
  const attributes: KeyValue[] = [
    attribute('shadowcast.experiment', record.experiment),
    attribute('shadowcast.outcome', record.outcome),
    attribute('shadowcast.mode', record.mode),
    attribute('shadowcast.record.id', record.id),
    attribute('shadowcast.session', record.session),
    attribute('shadowcast.seq', record.seq),
    attribute('shadowcast.sample_rate', record.sampleRate),
    attribute('shadowcast.live.ok', record.live.ok),
    attribute('shadowcast.live.latency_ms', record.live.latencyMs),
  ];
  if (record.kind) attributes.push(attribute('shadowcast.kind', record.kind));
  if (record.served) attributes.push(attribute('shadowcast.served', record.served));
  if (record.skipReason) attributes.push(attribute('shadowcast.skip_reason', record.skipReason));
  if (record.shadow) attributes.push(attribute('shadowcast.shadow.ok', record.shadow.ok), attribute('shadowcast.shadow.latency_ms', record.shadow.latencyMs));
  if (record.comparison) attributes.push(attribute('shadowcast.comparison.match', record.comparison.match), attribute('shadowcast.comparison.kind', record.comparison.kind));
  return {
    timeUnixNano: nanos(record.ts),
    observedTimeUnixNano: observed,
    severityNumber: attention ? WARN : INFO,
    severityText: attention ? 'WARN' : 'INFO',
    eventName: 'shadowcast.comparison',
    body: anyValue(record),
    attributes,
    droppedAttributesCount: 0,
  };
}

function attribute(key: string, value: unknown): KeyValue {
  return { key, value: anyValue(value) };
}

/** AnyValue per the proto3 JSON mapping; integers are int64, written as decimal strings. */
export function anyValue(value: unknown): AnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
    case 'object':
      if (value === null) return {};
      if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
      return { kvlistValue: { values: Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => attribute(key, item)) } };
    default:
      return {};
  }
}

/** ISO-8601 → nanoseconds since the epoch as a decimal string (fixed64 in JSON). */
function nanos(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${ms}000000` : '0';
}
