/**
 * Turns a finished call into a wire record: capture rules, then `redact`, then one JSON.stringify,
 * then the uploader. Every failure here becomes a counted drop, never an exception.
 */
import type { Plan } from '../client/decide';
import type { StatsRecorder } from '../client/stats';
import { ShadowcastError } from '../errors';
import type { ResolvedOptions } from '../options';
import { HASH_VERSION, type Outcome, type RecordedSkipReason } from '../schema/codes';
import type { WireComparison, WireRecord, WireSide } from '../schema/wire';
import { keyDigest } from '../sampling/hash';
import { utf8Length } from '../utils/bytes';
import { inputDigest } from './capture';
import { describeError } from './describe-error';

/** How one side of a call ended. */
export interface SideResult {
  ok: boolean;
  /** The snapshot of the value (structured clone taken when it resolved). */
  value?: unknown;
  error?: unknown;
  latencyMs: number;
  status?: number;
  timedOut?: boolean;
  aborted?: boolean;
}

export interface FinishedCall {
  plan: Extract<Plan, { sampled: true }>;
  input: unknown;
  rawKey: unknown;
  id: string | undefined;
  context: Record<string, unknown> | undefined;
  startedAt: number;
  live: SideResult;
  shadow: SideResult | undefined;
  outcome: Outcome;
  skipReason: RecordedSkipReason | undefined;
  comparison: WireComparison | undefined;
}

export interface RecorderDeps {
  options: Pick<ResolvedOptions, 'experiment' | 'capture' | 'redact' | 'onError'>;
  session: string;
  stats: StatsRecorder;
  /** Hands one serialized record to the uploader. */
  enqueue: (json: string, bytes: number) => void;
}

export function createRecorder({ options, session, stats, enqueue }: RecorderDeps) {
  let seq = 0;

  return function record(call: FinishedCall): void {
    // The sequence number is taken first, so every record given up on below leaves a counted gap.
    const recordSeq = seq++;
    let record = build(call, recordSeq);
    if (options.redact) {
      try {
        record = options.redact(record);
      } catch (error) {
        stats.drop('redact_error');
        options.onError(new ShadowcastError('record', `redact threw for a record of "${options.experiment}"; the record was dropped, never stored unredacted.`, { cause: error }));
        return;
      }
    }
    let json: string;
    try {
      json = JSON.stringify(record);
    } catch (error) {
      stats.drop('serialize_error');
      options.onError(new ShadowcastError('record', `A record of "${options.experiment}" is not JSON-serializable (a BigInt or a cycle in the input or output?); it was dropped.`, { cause: error }));
      return;
    }
    stats.counters.recorded++;
    enqueue(json, utf8Length(json));
  };

  function build(call: FinishedCall, recordSeq: number): WireRecord {
    const { settings, key, noise, served } = call.plan;
    const record: WireRecord = {
      id: call.id ?? `${session}-${recordSeq.toString(36)}`,
      experiment: options.experiment,
      ts: new Date(call.startedAt).toISOString(),
      session,
      seq: recordSeq,
      sampleRate: settings.sampleRate,
      hashVersion: HASH_VERSION,
      mode: settings.mode,
      served,
      outcome: call.outcome,
      live: side(call.live),
    };
    if (noise) record.kind = 'noise';
    if (settings.configVersion !== undefined) record.configVersion = settings.configVersion;
    if (key !== undefined) record.key = keyDigest(settings.salt, options.experiment, key);
    if (key !== undefined && options.capture.input === 'full') record.rawKey = key;
    const input = captureInput(call.input);
    if (input !== undefined) record.input = input;
    if (call.context !== undefined) record.context = call.context;
    if (call.skipReason !== undefined) record.skipReason = call.skipReason;
    if (call.shadow) record.shadow = side(call.shadow);
    if (call.comparison) record.comparison = call.comparison;
    return record;
  }

  function captureInput(input: unknown): unknown {
    if (input === undefined) return undefined;
    if (options.capture.input === 'full') return input;
    if (options.capture.input === 'hash') return inputDigest(input);
    return undefined;
  }

  function side(result: SideResult): WireSide {
    const out: WireSide = { ok: result.ok, latencyMs: Math.round(result.latencyMs * 10) / 10 };
    if (result.status !== undefined) out.status = result.status;
    if (result.ok) {
      if (options.capture.output && result.value !== undefined) out.output = result.value;
      return out;
    }
    if (result.timedOut) out.error = 'timeout';
    else if (result.aborted) out.error = 'aborted';
    else {
      const described = describeError(result.error);
      out.error = described.code;
      out.message = described.message;
      if (described.status !== undefined) out.status = described.status;
    }
    return out;
  }
}
