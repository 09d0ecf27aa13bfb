/** The report on synthetic data with known answers: rates, slices, shift, constant outputs, loss, verdicts. */
import { describe, expect, it } from 'vitest';
import { createReportBuilder, renderReportHtml, renderReportText, VERDICT_THRESHOLDS, type Report } from 'shadowcast/collector';
import type { WireRecord } from '../../src/schema/wire';
import { makeRecord } from '../helpers/wire';

function report(records: WireRecord[], batches: { dropped: Record<string, number>; experiments: string[] }[] = []): Report {
  const builder = createReportBuilder({ now: () => Date.UTC(2026, 10, 22, 12) });
  for (const record of records) builder.add(record);
  for (const [i, batch] of batches.entries()) builder.addBatch({ batchId: `b${i}`, receivedAt: '', sentAt: '', sdk: { name: 's', version: '1' }, records: 0, accepted: 0, duplicates: 0, rejected: 0, ...batch });
  return builder.finish('memory');
}

/** 1000 label calls; calls with weight ≥ 80 (a quarter) disagree 60% of the time, the rest 2%. */
function buggyModel(experiment = 'buggy'): WireRecord[] {
  return Array.from({ length: 1000 }, (_, i) => {
    const weight = i % 100;
    const broken = weight >= 75 ? i % 10 < 6 : i % 50 === 0;
    const live = ['cat', 'dog', 'bird'][i % 3]!;
    const shadow = broken ? 'dog' : live;
    return makeRecord({
      experiment,
      session: 's1',
      seq: i,
      input: { weight, colour: i % 2 ? 'red' : 'blue' },
      context: { country: i % 4 === 0 ? 'DE' : 'FR' },
      outcome: live === shadow ? 'match' : 'mismatch',
      live: { ok: true, latencyMs: 5 + (i % 10), output: { label: live } },
      shadow: { ok: true, latencyMs: 8 + (i % 10), output: { label: shadow } },
      comparison: { match: live === shadow, kind: 'label' },
    });
  });
}

describe('report', () => {
  it('counts outcomes, agreement with its Wilson interval, and latency by model', () => {
    const [experiment] = report(buggyModel()).experiments;
    const mismatches = experiment!.outcomes.mismatch!;
    expect(experiment!.sampled).toBe(1000);
    expect(experiment!.agreement).toMatchObject({ rate: (1000 - mismatches) / 1000, n: 1000 });
    expect(experiment!.agreement!.low).toBeLessThan(experiment!.agreement!.rate);
    expect(experiment!.baseline.latency).toMatchObject({ p50: 9, p99: 14 });
    expect(experiment!.candidate.latency).toMatchObject({ p50: 12, p99: 17 });
  });

  it('finds the slice where the new model breaks, and ranks it first', () => {
    const [experiment] = report(buggyModel()).experiments;
    expect(experiment!.slices[0]).toMatchObject({ field: 'input.weight', value: expect.stringMatching(/^≥ 75/), compared: 250 });
    expect(experiment!.slices[0]!.lift).toBeGreaterThan(3);
    expect(experiment!.slices.some((slice) => slice.field === 'input.colour')).toBe(false); // colour does not matter
  });

  it('measures the shift of the predicted label and fills the confusion matrix', () => {
    const [experiment] = report(buggyModel()).experiments;
    // ~11% of answers move to "dog": by hand PSI ≈ 0.11·ln(1.33) + 2·0.055·ln(1/0.834) ≈ 0.05.
    expect(experiment!.shift).toMatchObject({ kind: 'label', psi: expect.closeTo(0.05, 1) });
    const dogShare = experiment!.shift!.bins.indexOf('dog');
    expect(experiment!.shift!.shadow[dogShare]).toBeGreaterThan(experiment!.shift!.live[dogShare]!);
    const { labels, counts } = experiment!.confusion!;
    expect(counts[labels.indexOf('cat')]![labels.indexOf('dog')]).toBeGreaterThan(0);
    expect(counts[labels.indexOf('dog')]![labels.indexOf('cat')]).toBe(0);
  });

  it('says NOT READY with its reasons for the buggy model, READY for a good one, and INSUFFICIENT DATA below the minimum', () => {
    const [buggy] = report(buggyModel()).experiments;
    expect(buggy!.verdict.status).toBe('NOT READY');
    expect(buggy!.verdict.line).toMatch(/^NOT READY: agreement .* < 95\.0%.*disagreement concentrated in input\.weight ≥ 75/);
    const good = Array.from({ length: 1000 }, (_, i) => makeRecord({ experiment: 'good', seq: i, session: 's2', live: { ok: true, latencyMs: 5, output: { label: i % 3 ? 'a' : 'b' } }, shadow: { ok: true, latencyMs: 6, output: { label: i % 3 ? 'a' : 'b' } } }));
    const [ready] = report(good).experiments;
    expect(ready!.verdict).toMatchObject({ status: 'READY', line: expect.stringMatching(/^READY: agreement 100\.0% \[99\.6%–100\.0%\] over 1,000 calls/) });
    const [few] = report(good.slice(0, VERDICT_THRESHOLDS.minCompared - 1)).experiments;
    expect(few!.verdict.status).toBe('INSUFFICIENT DATA');
  });

  it('blocks promotion on new-model errors and timeouts, by model whichever role it played', () => {
    const records = Array.from({ length: 400 }, (_, i) =>
      makeRecord({
        experiment: 'errors',
        seq: i,
        mode: 'promoted',
        served: 'candidate',
        outcome: i % 20 === 0 ? 'live_error' : 'match',
        live: i % 20 === 0 ? { ok: false, latencyMs: 1, error: 'http_500', status: 500 } : { ok: true, latencyMs: 5, output: 1 },
        shadow: { ok: true, latencyMs: 5, output: 1 },
      }),
    );
    const [experiment] = report(records).experiments;
    expect(experiment!.candidate.errorRate).toBeCloseTo(0.05);
    expect(experiment!.baseline.errorRate).toBe(0);
    expect(experiment!.verdict.line).toMatch(/new model errors 5\.0% > 1\.0%/);
  });

  it('warns when the shadow returns one constant value', () => {
    const records = Array.from({ length: 250 }, (_, i) => makeRecord({ experiment: 'constant', seq: i, outcome: 'mismatch', live: { ok: true, latencyMs: 1, output: i / 250 }, shadow: { ok: true, latencyMs: 1, output: 0.5 } }));
    const [experiment] = report(records).experiments;
    expect(experiment!.warnings).toEqual(['The shadow returned one constant value (0.5) for all 250 compared calls.']);
    expect(experiment!.verdict.line).toMatch(/the new model returns one constant value/);
  });

  it('bins numeric outputs by live deciles for PSI', () => {
    const records = Array.from({ length: 1000 }, (_, i) => makeRecord({ experiment: 'numbers', seq: i, live: { ok: true, latencyMs: 1, output: { score: i / 1000 } }, shadow: { ok: true, latencyMs: 1, output: { score: (i / 1000) ** 2 } } }));
    const [experiment] = report(records).experiments;
    expect(experiment!.shift).toMatchObject({ kind: 'number', level: 'major' });
    expect(experiment!.shift!.bins).toHaveLength(10);
    expect(experiment!.shift!.live.every((share) => Math.abs(share - 0.1) < 1e-9)).toBe(true);
  });

  it("nets out the live model's own noise from agreement", () => {
    const records = [
      ...Array.from({ length: 300 }, (_, i) => makeRecord({ experiment: 'noisy', seq: i, outcome: i % 10 === 0 ? 'mismatch' : 'match' })),
      ...Array.from({ length: 100 }, (_, i) => makeRecord({ experiment: 'noisy', seq: 300 + i, kind: 'noise', outcome: i % 10 === 0 ? 'mismatch' : 'match' })),
    ];
    const [experiment] = report(records).experiments;
    expect(experiment!.sampled).toBe(300);
    expect(experiment!.noise).toMatchObject({ compared: 100, netAgreement: 1 });
  });

  it('accounts for loss: sequence gaps against the drops the SDK reported', () => {
    const records = [0, 1, 2, 5, 6, 9].map((seq) => makeRecord({ experiment: 'loss', session: 'sx', seq }));
    const [experiment] = report(records, [{ dropped: { queue_full: 3 }, experiments: ['loss'] }]).experiments;
    expect(experiment!.loss).toEqual({ droppedBySdk: { queue_full: 3 }, sessions: 1, received: 6, missing: 4, unexplained: 1 });
  });

  it('renders a text report that leads with the verdict, and a self-contained HTML file', () => {
    const result = report(buggyModel('pretty'));
    const text = renderReportText(result);
    expect(text.split('\n')[2]).toMatch(/^━━ pretty ━━ 1,000 sampled calls/);
    expect(text.split('\n')[3]).toMatch(/^NOT READY: /);
    expect(text).toMatch(/Where they disagree most/);
    const html = renderReportHtml(result);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/i);
    expect(html.match(/https?:\/\/[^"]+/g)?.every((url) => url === 'http://www.w3.org/2000/svg')).toBe(true); // the SVG namespace only
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('escapes names from the data in HTML', () => {
    const records = Array.from({ length: 30 }, (_, i) => makeRecord({ experiment: 'xss', seq: i, context: { who: '<img onerror=x>' } }));
    expect(renderReportHtml(report(records))).not.toContain('<img onerror');
  });
});
