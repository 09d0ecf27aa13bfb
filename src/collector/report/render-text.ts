/** The report for a terminal: the verdict first, then aligned tables, nothing a person has to decode. */
import { OUTCOMES } from '../../schema/codes';
import type { ExperimentReport, Report } from './types';
import { num, pct, stamp } from './format';

const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US'));

export function renderReportText(report: Report): string {
  const out: string[] = [];
  out.push(`shadowcast report · ${report.source} · ${stamp(report.generatedAt)} · ${num(report.records)} records in ${num(report.batches)} batches`);
  if (report.experiments.length === 0) out.push('', 'No records yet. Point an SDK client at this collector (collector.url) and come back.');
  for (const experiment of report.experiments) out.push('', ...renderExperiment(experiment));
  const failures = report.schemaFailures;
  if (failures.batches + failures.records > 0) {
    out.push('', `Schema failures: ${num(failures.batches)} batches and ${num(failures.records)} records refused by the collector`);
    for (const example of failures.examples) out.push(`  e.g. ${example}`);
  }
  return `${out.join('\n')}\n`;
}

function renderExperiment(e: ExperimentReport): string[] {
  const out: string[] = [];
  const span = e.firstAt && e.lastAt ? ` · ${stamp(e.firstAt)} → ${stamp(e.lastAt)}` : '';
  out.push(`━━ ${e.experiment} ━━ ${num(e.sampled)} sampled calls${span}`);
  out.push(e.verdict.line);

  out.push('', ...table(['Outcomes', 'calls', 'share'], OUTCOMES.filter((o) => e.outcomes[o]).map((o) => [`  ${o}`, num(e.outcomes[o]!), pct(e.rates[o])])));
  if (e.agreement) out.push(`Agreement  ${pct(e.agreement.rate)}  [${pct(e.agreement.low)}–${pct(e.agreement.high)}]  over ${num(e.agreement.n)} compared calls (Wilson 95%)`);
  if (e.noise) out.push(`Noise      the live model disagrees with itself on ${pct(e.noise.disagreement.rate)} of ${num(e.noise.compared)} calls; agreement net of noise ${pct(e.noise.netAgreement)}`);

  out.push('', ...table(['Latency (ms)', 'p50', 'p95', 'p99', 'calls'], [
    ['  current model', ms(e.baseline.latency.p50), ms(e.baseline.latency.p95), ms(e.baseline.latency.p99), num(e.baseline.latency.n)],
    ['  new model', ms(e.candidate.latency.p50), ms(e.candidate.latency.p95), ms(e.candidate.latency.p99), num(e.candidate.latency.n)],
  ]));
  out.push(`Errors     new model ${pct(e.candidate.errorRate)} errors, ${pct(e.candidate.timeoutRate)} timeouts · current model ${pct(e.baseline.errorRate)} errors, ${pct(e.baseline.timeoutRate)} timeouts`);

  if (e.slices.length > 0) {
    out.push('', ...table(['Where they disagree most', 'calls', 'disagree', 'lift'], e.slices.map((s) => [`  ${s.field} ${s.value}`, num(s.compared), pct(s.disagreement), `${s.lift.toFixed(1)}×`])));
  }
  if (e.shift) {
    out.push('', `Output shift  PSI ${e.shift.psi.toFixed(2)} (${e.shift.level}) on the ${e.shift.kind === 'label' ? 'predicted label' : 'predicted value, in deciles of the live output'}`);
    out.push(...table([e.shift.kind === 'label' ? '  label' : '  range', 'live', 'shadow'], e.shift.bins.map((bin, i) => [`  ${bin}`, pct(e.shift!.live[i]), pct(e.shift!.shadow[i])])));
  }
  if (e.confusion && e.confusion.labels.length > 1) {
    out.push('', 'Confusion (rows: live label, columns: shadow label)');
    out.push(...table(['', ...e.confusion.labels], e.confusion.labels.map((label, i) => [`  ${label}`, ...e.confusion!.counts[i]!.map(num)])));
  }
  if (e.modes.length > 1 || e.modes[0]?.mode !== 'shadow') {
    out.push('', ...table(['By mode', 'sampled', 'agreement', 'live p50', 'shadow p50'], e.modes.map((m) => [`  ${m.mode}`, num(m.sampled), m.agreement ? `${pct(m.agreement.rate)} [${pct(m.agreement.low)}–${pct(m.agreement.high)}]` : '–', ms(m.latency.live.p50), ms(m.latency.shadow.p50)])));
  }
  const dropped = Object.entries(e.loss.droppedBySdk).map(([reason, n]) => `${reason} ${num(n)}`).join(', ') || 'none';
  out.push('', `Loss account  received ${num(e.loss.received)} records from ${plural(e.loss.sessions, 'session')} · missing by sequence gaps ${num(e.loss.missing)} · dropped and reported by the SDK: ${dropped} · unexplained ${num(e.loss.unexplained)}`);
  for (const warning of e.warnings) out.push(`Warning: ${warning}`);
  return out;
}

/** Left-aligned first column, right-aligned numbers; the header row first. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function plural(n: number, noun: string): string {
  return `${num(n)} ${noun}${n === 1 ? '' : 's'}`;
}

