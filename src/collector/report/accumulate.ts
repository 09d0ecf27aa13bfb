/**
 * One experiment's numbers, gathered in a single pass over its records: counters, latencies in typed
 * arrays (exact percentiles), output scalars, slice candidates (capped), sequence numbers per session.
 * `finish()` turns them into an ExperimentReport.
 */
import type { Outcome } from '../../schema/codes';
import type { WireRecord, WireSide } from '../../schema/wire';
import { inputFields } from './input-fields';
import { scalarOf, type Scalar } from './scalar';
import { binOf, decileEdges, Floats, percentiles, psi, psiLevel, wilson } from './statistics';
import type { ExperimentReport, ModelHealth, ModeReport, Shift, Slice } from './types';
import { verdictFor } from './verdict';

/** Values kept per slice field; enough for stable quartiles and rates, bounded for memory. */
export const MAX_SLICE_VALUES = 200_000;
const MAX_SLICE_FIELDS = 40;
const TIMELINE_BUCKETS = 40;

interface ModeState {
  sampled: number;
  outcomes: Partial<Record<Outcome, number>>;
  live: Floats;
  shadow: Floats;
}

interface HealthState {
  calls: number;
  errors: number;
  timeouts: number;
  latency: Floats;
}

interface SliceField {
  numbers: Floats;
  labels: string[];
  disagree: Floats;
}

export function createExperimentAccumulator(experiment: string) {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let sampled = 0;
  const outcomes: Partial<Record<Outcome, number>> = {};
  const noise = { match: 0, mismatch: 0 };
  const modes = new Map<string, ModeState>();
  const baseline: HealthState = { calls: 0, errors: 0, timeouts: 0, latency: new Floats() };
  const candidate: HealthState = { calls: 0, errors: 0, timeouts: 0, latency: new Floats() };
  const outputs = { live: new Floats(), shadow: new Floats(), liveLabels: new Map<string, number>(), shadowLabels: new Map<string, number>(), numbers: 0, labels: 0 };
  const constant = { live: undefined as string | undefined, shadow: undefined as string | undefined, liveVaries: false, shadowVaries: false, n: 0 };
  const confusion = new Map<string, number>();
  const slices = new Map<string, SliceField>();
  const timeline = { at: new Floats(), disagree: new Floats() };
  const sessions = new Map<string, { count: number; maxSeq: number }>();

  function add(record: WireRecord): void {
    const at = Date.parse(record.ts);
    if (Number.isFinite(at)) {
      first = Math.min(first, at);
      last = Math.max(last, at);
    }
    const session = sessions.get(record.session) ?? { count: 0, maxSeq: -1 };
    session.count++;
    session.maxSeq = Math.max(session.maxSeq, record.seq);
    sessions.set(record.session, session);

    if (record.kind === 'noise') {
      if (record.outcome === 'match') noise.match++;
      if (record.outcome === 'mismatch') noise.mismatch++;
      return;
    }
    sampled++;
    bump(outcomes, record.outcome);
    const mode = modes.get(record.mode) ?? { sampled: 0, outcomes: {}, live: new Floats(), shadow: new Floats() };
    mode.sampled++;
    bump(mode.outcomes, record.outcome);
    modes.set(record.mode, mode);
    if (record.live.ok) mode.live.push(record.live.latencyMs);
    if (record.shadow?.ok) mode.shadow.push(record.shadow.latencyMs);

    // Model health, by model rather than role: when the candidate served, it was the live side.
    const candidateSide = record.served === 'candidate' ? record.live : record.shadow;
    const baselineSide = record.served === 'candidate' ? record.shadow : record.live;
    if (record.outcome !== 'skipped') {
      health(candidate, candidateSide);
      health(baseline, baselineSide);
    }

    if (record.outcome !== 'match' && record.outcome !== 'mismatch') return;
    const disagree = record.outcome === 'mismatch' ? 1 : 0;
    if (Number.isFinite(at)) {
      timeline.at.push(at);
      timeline.disagree.push(disagree);
    }
    const live = scalarOf(record.live.output);
    const shadow = scalarOf(record.shadow?.output);
    observeOutputs(live, shadow);
    addSlices('context', record.context, disagree);
    addSlices('input', inputFields(record.input), disagree);
  }

  function health(state: HealthState, side: WireSide | undefined): void {
    if (!side || side.error === 'aborted') return;
    state.calls++;
    if (side.ok) state.latency.push(side.latencyMs);
    else if (side.error === 'timeout') state.timeouts++;
    else state.errors++;
  }

  function observeOutputs(live: Scalar | undefined, shadow: Scalar | undefined): void {
    if (!live || !shadow || live.kind !== shadow.kind) return;
    const liveKey = String(live.value);
    const shadowKey = String(shadow.value);
    constant.n++;
    if (constant.live === undefined) constant.live = liveKey;
    else if (constant.live !== liveKey) constant.liveVaries = true;
    if (constant.shadow === undefined) constant.shadow = shadowKey;
    else if (constant.shadow !== shadowKey) constant.shadowVaries = true;
    if (live.kind === 'number') {
      outputs.numbers++;
      outputs.live.push(live.value);
      outputs.shadow.push(shadow.value as number);
    } else {
      outputs.labels++;
      outputs.liveLabels.set(liveKey, (outputs.liveLabels.get(liveKey) ?? 0) + 1);
      outputs.shadowLabels.set(shadowKey, (outputs.shadowLabels.get(shadowKey) ?? 0) + 1);
      const pair = `${liveKey}\u0000${shadowKey}`;
      confusion.set(pair, (confusion.get(pair) ?? 0) + 1);
    }
  }

  function addSlices(prefix: string, fields: Record<string, unknown> | undefined, disagree: number): void {
    if (!fields) return;
    for (const [key, value] of Object.entries(fields)) {
      if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') continue;
      const name = `${prefix}.${key}`;
      let field = slices.get(name);
      if (!field) {
        if (slices.size >= MAX_SLICE_FIELDS) continue;
        field = { numbers: new Floats(), labels: [], disagree: new Floats() };
        slices.set(name, field);
      }
      if (field.disagree.length >= MAX_SLICE_VALUES) continue;
      if (typeof value === 'number' && field.labels.length === 0) field.numbers.push(value);
      else if (field.numbers.length === 0) field.labels.push(String(value));
      else continue; // a field mixing numbers and labels is sliced by what it held first
      field.disagree.push(disagree);
    }
  }

  function finish(droppedBySdk: Record<string, number>): ExperimentReport {
    const compared = (outcomes.match ?? 0) + (outcomes.mismatch ?? 0);
    const agreement = compared > 0 ? wilson(outcomes.match ?? 0, compared) : undefined;
    const noiseCompared = noise.match + noise.mismatch;
    const noiseReport = noiseCompared > 0 && agreement
      ? { compared: noiseCompared, disagreement: wilson(noise.mismatch, noiseCompared), netAgreement: Math.min(1, agreement.rate + noise.mismatch / noiseCompared) }
      : undefined;
    const rates: Partial<Record<Outcome, number>> = {};
    for (const [outcome, n] of Object.entries(outcomes) as [Outcome, number][]) rates[outcome] = n / sampled;

    const modeReports: ModeReport[] = [...modes.entries()].map(([mode, state]) => {
      const modeCompared = (state.outcomes.match ?? 0) + (state.outcomes.mismatch ?? 0);
      return {
        mode,
        sampled: state.sampled,
        outcomes: state.outcomes,
        agreement: modeCompared > 0 ? wilson(state.outcomes.match ?? 0, modeCompared) : undefined,
        latency: { live: percentiles(state.live.values()), shadow: percentiles(state.shadow.values()) },
      };
    });

    const shift = shiftOf();
    const warnings: string[] = [];
    if (constant.n >= 20 && !constant.shadowVaries) warnings.push(`The shadow returned one constant value (${constant.shadow}) for all ${constant.n} compared calls.`);
    if (constant.n >= 20 && !constant.liveVaries) warnings.push(`The live model returned one constant value (${constant.live}) for all ${constant.n} compared calls.`);

    let missing = 0;
    for (const session of sessions.values()) missing += session.maxSeq + 1 - session.count;
    const dropped = Object.values(droppedBySdk).reduce((a, b) => a + b, 0);
    const report: Omit<ExperimentReport, 'verdict'> = {
      experiment,
      firstAt: Number.isFinite(first) ? new Date(first).toISOString() : undefined,
      lastAt: Number.isFinite(last) ? new Date(last).toISOString() : undefined,
      sampled,
      outcomes,
      rates,
      agreement,
      noise: noiseReport,
      modes: modeReports,
      latencyHistogram: { edges: LATENCY_EDGES_MS, baseline: histogram(baseline.latency.values()), candidate: histogram(candidate.latency.values()) },
      baseline: healthOf(baseline),
      candidate: healthOf(candidate),
      shift,
      confusion: confusionOf(),
      slices: slicesOf(agreement ? 1 - agreement.rate : 0),
      timeline: timelineOf(),
      loss: { droppedBySdk, sessions: sessions.size, received: [...sessions.values()].reduce((a, s) => a + s.count, 0), missing, unexplained: Math.max(0, missing - dropped) },
      warnings,
    };
    return { ...report, verdict: verdictFor(report) };
  }

  function shiftOf(): Shift | undefined {
    if (outputs.numbers >= outputs.labels && outputs.numbers >= 20) {
      const live = outputs.live.values();
      const shadow = outputs.shadow.values();
      const edges = decileEdges(Float64Array.from(live).sort());
      const liveCounts = new Array<number>(edges.length + 1).fill(0);
      const shadowCounts = new Array<number>(edges.length + 1).fill(0);
      for (const value of live) liveCounts[binOf(value, edges)]!++;
      for (const value of shadow) shadowCounts[binOf(value, edges)]!++;
      const value = psi(liveCounts, shadowCounts);
      const bins = liveCounts.map((_, i) => (i === 0 ? `< ${fmt(edges[0])}` : i === edges.length ? `≥ ${fmt(edges[i - 1])}` : `${fmt(edges[i - 1])}–${fmt(edges[i])}`));
      return { kind: 'number', psi: value, level: psiLevel(value), bins, live: shares(liveCounts), shadow: shares(shadowCounts) };
    }
    if (outputs.labels >= 20) {
      const labels = [...new Set([...outputs.liveLabels.keys(), ...outputs.shadowLabels.keys()])].sort((a, b) => (outputs.liveLabels.get(b) ?? 0) - (outputs.liveLabels.get(a) ?? 0));
      const liveCounts = labels.map((label) => outputs.liveLabels.get(label) ?? 0);
      const shadowCounts = labels.map((label) => outputs.shadowLabels.get(label) ?? 0);
      const value = psi(liveCounts, shadowCounts);
      return { kind: 'label', psi: value, level: psiLevel(value), bins: labels, live: shares(liveCounts), shadow: shares(shadowCounts) };
    }
    return undefined;
  }

  function confusionOf(): ExperimentReport['confusion'] {
    if (outputs.labels < 20) return undefined;
    const labels = [...outputs.liveLabels.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([label]) => label);
    for (const label of outputs.shadowLabels.keys()) if (labels.length < 8 && !labels.includes(label)) labels.push(label);
    const counts = labels.map((live) => labels.map((shadow) => confusion.get(`${live}\u0000${shadow}`) ?? 0));
    return { labels, counts };
  }

  function slicesOf(overall: number): Slice[] {
    if (overall === 0) return [];
    const found: (Slice & { score: number })[] = [];
    for (const [field, data] of slices) {
      const groups = new Map<string, { n: number; d: number }>();
      const flags = data.disagree.values();
      if (data.numbers.length > 0) {
        const values = data.numbers.values();
        const sorted = Float64Array.from(values).sort();
        const q = [0.25, 0.5, 0.75].map((p) => sorted[Math.floor(p * sorted.length)]!).filter((edge, i, all) => i === 0 || edge > all[i - 1]!);
        const names = [...q, Number.POSITIVE_INFINITY].map((edge, i) => (i === 0 ? `< ${fmt(edge)}` : edge === Number.POSITIVE_INFINITY ? `≥ ${fmt(q[i - 1])}` : `${fmt(q[i - 1])}–${fmt(edge)}`));
        values.forEach((value, i) => {
          const name = names[binOf(value, q)]!;
          const group = groups.get(name) ?? { n: 0, d: 0 };
          group.n++;
          group.d += flags[i]!;
          groups.set(name, group);
        });
      } else {
        data.labels.forEach((label, i) => {
          const group = groups.get(label) ?? { n: 0, d: 0 };
          group.n++;
          group.d += flags[i]!;
          groups.set(label, group);
        });
        if (groups.size > 50) continue; // an id-like field: no useful slices
      }
      const total = flags.length;
      for (const [value, group] of groups) {
        if (group.n < Math.max(20, total * 0.02) || group.n === total) continue;
        const rate = group.d / group.n;
        const score = (rate - overall) / Math.sqrt((overall * (1 - overall)) / group.n || 1);
        // Only slices clearly above the overall rate (z ≥ 2, and at least 10% more): the rest is noise.
        if (score >= 2 && rate >= overall * 1.1) found.push({ field, value, compared: group.n, disagreement: rate, lift: rate / overall, score });
      }
    }
    return found.sort((a, b) => b.score - a.score).slice(0, 6).map(({ score: _score, ...slice }) => slice);
  }

  function timelineOf(): ExperimentReport['timeline'] {
    const at = timeline.at.values();
    if (at.length < 2 || !(last > first)) return undefined;
    const bucketMs = Math.max(1, Math.ceil((last - first + 1) / TIMELINE_BUCKETS));
    const compared = new Array<number>(TIMELINE_BUCKETS).fill(0);
    const agreed = new Array<number>(TIMELINE_BUCKETS).fill(0);
    const flags = timeline.disagree.values();
    at.forEach((time, i) => {
      const bucket = Math.min(TIMELINE_BUCKETS - 1, Math.floor((time - first) / bucketMs));
      compared[bucket]!++;
      agreed[bucket]! += 1 - flags[i]!;
    });
    return { from: new Date(first).toISOString(), bucketMs, compared, agreement: compared.map((n, i) => (n > 0 ? agreed[i]! / n : null)) };
  }

  return { add, finish };
}

/** Upper bin edges in ms: 0.5, 1, 2, 5, 10, 20 … 10 000 (a 1-2-5 series), then one open bin. */
export const LATENCY_EDGES_MS = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];

function histogram(values: Float64Array): number[] {
  const counts = new Array<number>(LATENCY_EDGES_MS.length + 1).fill(0);
  for (const value of values) counts[binOf(value, LATENCY_EDGES_MS)]!++;
  return counts;
}

function healthOf(state: HealthState): ModelHealth {
  return { calls: state.calls, errorRate: state.calls ? state.errors / state.calls : 0, timeoutRate: state.calls ? state.timeouts / state.calls : 0, latency: percentiles(state.latency.values()) };
}

function bump<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function shares(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((count) => (total ? count / total : 0));
}

/** Short numbers for bin names: 3 significant digits. */
export function fmt(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : String(Number(value.toPrecision(3)));
}
