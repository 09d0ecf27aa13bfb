import type { Outcome } from '../../schema/codes';
import type { Interval, Percentiles } from './statistics';

/** The comparison report (what `shadowcast report --json` prints and `GET /v1/report` answers). */
export interface Report {
  generatedAt: string;
  source: string;
  records: number;
  batches: number;
  experiments: ExperimentReport[];
  /** Batches and records the collector refused (schema failures), from its rejection log. */
  schemaFailures: { batches: number; records: number; examples: string[] };
}

export interface SideLatency {
  live: Percentiles;
  shadow: Percentiles;
}

export interface ModeReport {
  mode: string;
  sampled: number;
  outcomes: Partial<Record<Outcome, number>>;
  agreement: Interval | undefined;
  latency: SideLatency;
}

export interface Slice {
  /** `context.country`, `input.bill_depth_mm`… */
  field: string;
  /** The value, or a numeric range such as `[18.6, 21.5]`. */
  value: string;
  compared: number;
  disagreement: number;
  /** disagreement in the slice / disagreement overall. */
  lift: number;
}

export interface Shift {
  kind: 'number' | 'label';
  psi: number;
  level: 'none' | 'moderate' | 'major';
  /** Bin or label names, and the share of live and shadow outputs in each. */
  bins: string[];
  live: number[];
  shadow: number[];
}

export interface ModelHealth {
  /** Calls where this model answered in either role (skipped and noise calls excluded). */
  calls: number;
  errorRate: number;
  timeoutRate: number;
  latency: Percentiles;
}

export interface LossAccount {
  /** Records the SDK gave up on and reported, by reason (counted once per batch). */
  droppedBySdk: Record<string, number>;
  sessions: number;
  received: number;
  /** Sequence numbers never received (the gaps per session). */
  missing: number;
  /** Missing records no SDK drop accounts for (in flight, or lost). */
  unexplained: number;
}

export interface Verdict {
  status: 'READY' | 'NOT READY' | 'INSUFFICIENT DATA';
  /** One line: the status and its reasons. */
  line: string;
  reasons: string[];
}

export interface ExperimentReport {
  experiment: string;
  firstAt: string | undefined;
  lastAt: string | undefined;
  /** Sampled calls, noise calls excluded. */
  sampled: number;
  outcomes: Partial<Record<Outcome, number>>;
  /** Each outcome's share of sampled calls. */
  rates: Partial<Record<Outcome, number>>;
  agreement: Interval | undefined;
  /** Live-vs-live calls (noiseRate): how often the live model disagrees with itself. */
  noise: { compared: number; disagreement: Interval; netAgreement: number } | undefined;
  modes: ModeReport[];
  baseline: ModelHealth;
  candidate: ModelHealth;
  /** Latency histograms on log-spaced bins (upper edges in ms; the last bin is open). */
  latencyHistogram: { edges: number[]; baseline: number[]; candidate: number[] };
  shift: Shift | undefined;
  confusion: { labels: string[]; counts: number[][] } | undefined;
  slices: Slice[];
  timeline: { from: string; bucketMs: number; agreement: (number | null)[]; compared: number[] } | undefined;
  loss: LossAccount;
  warnings: string[];
  verdict: Verdict;
}
