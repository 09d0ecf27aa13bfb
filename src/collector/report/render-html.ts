/**
 * The report as one self-contained HTML file: inline CSS and SVG, no script, no fonts, no CDN,
 * opens offline. The same numbers as the text report, plus charts.
 */
import { OUTCOMES } from '../../schema/codes';
import { escapeHtml as esc, groupedBars, lineChart } from './charts';
import { VERDICT_THRESHOLDS } from './verdict';
import type { ExperimentReport, Report } from './types';
import { num, pct, stamp } from './format';

const ms = (value: number) => (Number.isNaN(value) ? '–' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`);

const STYLE = `
:root{--live:#4c78a8;--shadow:#e45756;--ok:#2e7d32;--bad:#c62828;--muted:#6b7280;--line:#e5e7eb;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827}
body{max-width:1180px;margin:24px auto;padding:0 16px;line-height:1.45}
h1{font-size:1.4rem;margin:0 0 4px}h2{font-size:1.15rem;margin:36px 0 6px;border-top:1px solid var(--line);padding-top:18px}h3{font-size:.95rem;margin:18px 0 6px;color:#374151}
.meta{color:var(--muted);font-size:.9rem}.verdict{padding:10px 14px;border-radius:8px;font-weight:600;margin:10px 0}
.READY{background:#e8f5e9;color:var(--ok)}.NOT{background:#ffebee;color:var(--bad)}.INSUFFICIENT{background:#f3f4f6;color:#374151}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}.card{border:1px solid var(--line);border-radius:8px;padding:8px 12px;min-width:150px}
.card b{display:block;font-size:1.25rem}.card span{color:var(--muted);font-size:.8rem}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:18px}
table{border-collapse:collapse;font-size:.88rem;margin:6px 0}td,th{padding:3px 10px;border-bottom:1px solid var(--line);text-align:right}td:first-child,th:first-child{text-align:left}
th{color:#374151;font-weight:600}.warn{color:#92400e;background:#fffbeb;padding:6px 10px;border-radius:6px;margin:6px 0}
svg{width:100%;height:auto;max-width:620px}svg .grid{stroke:var(--line)}svg .axis{font-size:10px;fill:var(--muted)}svg .threshold{stroke:var(--ok);stroke-dasharray:4 3}
`;

export function renderReportHtml(report: Report): string {
  const body = report.experiments.map(renderExperiment).join('\n');
  const failures = report.schemaFailures;
  const failureBlock = failures.batches + failures.records > 0 ? `<h2>Schema failures</h2><p>${num(failures.batches)} batches and ${num(failures.records)} records refused.</p><ul>${failures.examples.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>shadowcast report</title><style>${STYLE}</style></head><body>
<h1>shadowcast report</h1><div class="meta">${esc(report.source)} · generated ${esc(stamp(report.generatedAt))} · ${num(report.records)} records in ${num(report.batches)} batches</div>
${body || '<p>No records yet.</p>'}${failureBlock}
<p class="meta">Verdict thresholds: agreement (Wilson 95% lower bound, net of live-vs-live noise) ≥ ${pct(VERDICT_THRESHOLDS.minAgreement)} over ≥ ${VERDICT_THRESHOLDS.minCompared} compared calls; new model errors and timeouts ≤ ${pct(VERDICT_THRESHOLDS.maxCandidateErrorRate)}; PSI &lt; ${VERDICT_THRESHOLDS.maxPsi}; new model p99 ≤ ${VERDICT_THRESHOLDS.maxP99LatencyRatio}× current (or within ${VERDICT_THRESHOLDS.p99LatencySlackMs} ms).</p>
</body></html>
`;
}

function renderExperiment(e: ExperimentReport): string {
  const verdictClass = e.verdict.status.split(' ')[0];
  const cards = [
    ['agreement', e.agreement ? `${pct(e.agreement.rate)}` : '–', e.agreement ? `95% CI ${pct(e.agreement.low)}–${pct(e.agreement.high)}` : ''],
    ['compared calls', num(e.agreement?.n ?? 0), `${num(e.sampled)} sampled`],
    ['output shift (PSI)', e.shift ? e.shift.psi.toFixed(2) : '–', e.shift?.level ?? ''],
    ['new model errors', pct(e.candidate.errorRate), `timeouts ${pct(e.candidate.timeoutRate)}`],
    ['p99 latency', ms(e.candidate.latency.p99), `current ${ms(e.baseline.latency.p99)}`],
  ].map(([label, value, sub]) => `<div class="card"><span>${esc(label!)}</span><b>${esc(value!)}</b><span>${esc(sub!)}</span></div>`).join('');

  const charts: string[] = [];
  if (e.timeline) {
    const to = new Date(Date.parse(e.timeline.from) + e.timeline.bucketMs * e.timeline.agreement.length).toISOString();
    charts.push(`<div><h3>Agreement over time</h3>${lineChart(e.timeline.agreement, { title: 'Agreement over time', threshold: VERDICT_THRESHOLDS.minAgreement, from: e.timeline.from.slice(11, 19), to: to.slice(11, 19) })}</div>`);
  }
  const h = e.latencyHistogram;
  const latencyLabels = [...h.edges.map((edge) => `≤${edge}`), `>${h.edges[h.edges.length - 1]}`];
  const used = latencyLabels.map((_, i) => (h.baseline[i] ?? 0) + (h.candidate[i] ?? 0) > 0);
  const from = Math.max(0, used.indexOf(true));
  const to = used.lastIndexOf(true) + 1;
  if (to > from) {
    const share = (counts: number[]) => { const total = counts.reduce((a, b) => a + b, 0) || 1; return counts.slice(from, to).map((c) => c / total); };
    charts.push(`<div><h3>Latency distribution (ms)</h3>${groupedBars(latencyLabels.slice(from, to), [{ name: 'current model', color: 'var(--live)', values: share(h.baseline) }, { name: 'new model', color: 'var(--shadow)', values: share(h.candidate) }], { percent: true, title: 'Latency distribution' })}</div>`);
  }
  if (e.shift) {
    charts.push(`<div><h3>Output distribution · PSI ${e.shift.psi.toFixed(2)} (${e.shift.level})</h3>${groupedBars(e.shift.bins, [{ name: 'live', color: 'var(--live)', values: e.shift.live }, { name: 'shadow', color: 'var(--shadow)', values: e.shift.shadow }], { percent: true, title: 'Output distributions' })}</div>`);
  }

  const outcomes = OUTCOMES.filter((o) => e.outcomes[o]).map((o) => `<tr><td>${o}</td><td>${num(e.outcomes[o]!)}</td><td>${pct(e.rates[o])}</td></tr>`).join('');
  const slices = e.slices.map((s) => `<tr><td>${esc(`${s.field} ${s.value}`)}</td><td>${num(s.compared)}</td><td>${pct(s.disagreement)}</td><td>${s.lift.toFixed(1)}×</td></tr>`).join('');
  const confusion = e.confusion && e.confusion.labels.length > 1
    ? `<h3>Confusion (rows: live label, columns: shadow label)</h3><table><tr><th></th>${e.confusion.labels.map((l) => `<th>${esc(l)}</th>`).join('')}</tr>${e.confusion.labels.map((l, i) => `<tr><td>${esc(l)}</td>${e.confusion!.counts[i]!.map((c) => `<td>${num(c)}</td>`).join('')}</tr>`).join('')}</table>`
    : '';
  const modes = e.modes.map((m) => `<tr><td>${esc(m.mode)}</td><td>${num(m.sampled)}</td><td>${m.agreement ? `${pct(m.agreement.rate)} [${pct(m.agreement.low)}–${pct(m.agreement.high)}]` : '–'}</td><td>${ms(m.latency.live.p50)}</td><td>${ms(m.latency.shadow.p50)}</td></tr>`).join('');
  const dropped = Object.entries(e.loss.droppedBySdk).map(([reason, n]) => `${esc(reason)} ${num(n)}`).join(', ') || 'none';
  const noise = e.noise ? `<p>The live model disagrees with itself on ${pct(e.noise.disagreement.rate)} of ${num(e.noise.compared)} live-vs-live calls; agreement net of noise ${pct(e.noise.netAgreement)}.</p>` : '';

  return `<h2>${esc(e.experiment)}</h2><div class="meta">${num(e.sampled)} sampled calls${e.firstAt ? ` · ${esc(stamp(e.firstAt))} → ${esc(stamp(e.lastAt!))}` : ''}</div>
<div class="verdict ${verdictClass}">${esc(e.verdict.line)}</div>
<div class="cards">${cards}</div>${e.warnings.map((w) => `<div class="warn">${esc(w)}</div>`).join('')}${noise}
<div class="grid2">${charts.join('')}</div>
<div class="grid2"><div><h3>Outcomes</h3><table><tr><th>outcome</th><th>calls</th><th>share</th></tr>${outcomes}</table></div>
${slices ? `<div><h3>Where they disagree most</h3><table><tr><th>slice</th><th>calls</th><th>disagree</th><th>lift</th></tr>${slices}</table></div>` : ''}</div>
${confusion}
<h3>By mode</h3><table><tr><th>mode</th><th>sampled</th><th>agreement</th><th>live p50</th><th>shadow p50</th></tr>${modes}</table>
<h3>Loss account</h3><p>Received ${num(e.loss.received)} records from ${num(e.loss.sessions)} session${e.loss.sessions === 1 ? '' : 's'} · missing by sequence gaps ${num(e.loss.missing)} · dropped and reported by the SDK: ${dropped} · unexplained ${num(e.loss.unexplained)}.</p>`;
}
