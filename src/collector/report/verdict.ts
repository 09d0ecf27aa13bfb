/**
 * The one-line promotion verdict. Every criterion is explicit and exported, so teams can read (and
 * quote) exactly what "ready" means.
 */
import { num, pct } from './format';
import type { ExperimentReport, Verdict } from './types';

export const VERDICT_THRESHOLDS = {
  /** Compared calls (match + mismatch) needed before any verdict. */
  minCompared: 200,
  /** The Wilson 95% lower bound of agreement (net of the live model's own noise, when measured) must reach this. */
  minAgreement: 0.95,
  /** The new model's error rate (HTTP errors, network, invalid answers) may not exceed this. */
  maxCandidateErrorRate: 0.01,
  /** The new model's timeout rate may not exceed this. */
  maxCandidateTimeoutRate: 0.01,
  /** Output distribution shift (PSI) must stay below this ("no significant shift"). */
  maxPsi: 0.1,
  /** The new model's p99 latency may be at most this multiple of the current model's… */
  maxP99LatencyRatio: 1.5,
  /** …unless it is slower by less than this in absolute terms (2 ms vs 4 ms is "2×" and harmless). */
  p99LatencySlackMs: 10,
} as const;


export function verdictFor(report: Omit<ExperimentReport, 'verdict'>, thresholds = VERDICT_THRESHOLDS): Verdict {
  const agreement = report.agreement;
  const compared = agreement?.n ?? 0;
  if (!agreement || compared < thresholds.minCompared) {
    const line = `INSUFFICIENT DATA: ${compared} compared calls, ${thresholds.minCompared} needed for a verdict`;
    return { status: 'INSUFFICIENT DATA', line, reasons: [line.slice('INSUFFICIENT DATA: '.length)] };
  }

  const problems: string[] = [];
  const good: string[] = [];
  const noise = report.noise ? report.noise.disagreement.rate : 0;
  const low = Math.min(1, agreement.low + noise);
  const agreementText = `agreement ${pct(agreement.rate)} [${pct(agreement.low)}–${pct(agreement.high)}]${noise ? ` (${pct(noise)} live-vs-live noise allowed)` : ''}`;
  (low >= thresholds.minAgreement ? good : problems).push(low >= thresholds.minAgreement ? `${agreementText} over ${num(compared)} calls` : `${agreementText} < ${pct(thresholds.minAgreement)}`);

  const { candidate, baseline } = report;
  if (candidate.errorRate > thresholds.maxCandidateErrorRate) problems.push(`new model errors ${pct(candidate.errorRate)} > ${pct(thresholds.maxCandidateErrorRate)}`);
  else good.push(`new model errors ${pct(candidate.errorRate)}`);
  if (candidate.timeoutRate > thresholds.maxCandidateTimeoutRate) problems.push(`new model timeouts ${pct(candidate.timeoutRate)} > ${pct(thresholds.maxCandidateTimeoutRate)}`);

  if (report.shift && report.shift.psi >= thresholds.maxPsi) problems.push(`output shift PSI ${report.shift.psi.toFixed(2)} ≥ ${thresholds.maxPsi}`);
  else if (report.shift) good.push(`PSI ${report.shift.psi.toFixed(2)}`);

  const ratio = candidate.latency.p99 / baseline.latency.p99;
  const excessMs = candidate.latency.p99 - baseline.latency.p99;
  if (Number.isFinite(ratio) && ratio > thresholds.maxP99LatencyRatio && excessMs > thresholds.p99LatencySlackMs) problems.push(`new model p99 ${ratio.toFixed(1)}× the current one's (> ${thresholds.maxP99LatencyRatio}×)`);
  else if (Number.isFinite(ratio)) good.push(`p99 latency ${ratio.toFixed(1)}× current`);

  for (const warning of report.warnings) if (/shadow returned one constant value/.test(warning)) problems.push('the new model returns one constant value');

  const top = report.slices[0];
  if (problems.length > 0 && top) problems.push(`disagreement concentrated in ${top.field} ${top.value} (${pct(top.disagreement)} vs ${pct(1 - agreement.rate)} overall)`);
  const ready = problems.length === 0;
  const reasons = ready ? good : problems;
  return { status: ready ? 'READY' : 'NOT READY', line: `${ready ? 'READY' : 'NOT READY'}: ${reasons.join('; ')}`, reasons };
}
