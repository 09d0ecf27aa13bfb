import { describe, expect, it } from 'vitest';
import { runDemo } from '../../examples/demo/run';

// The demo's story is its promise: the bug shows in the report, users never see it, the fix makes it ready.
describe('npm run demo', () => {
  it('makes the feature bug visible while every user is served by the current model', async () => {
    const lines: string[] = [];
    const result = await runDemo({ predictions: 1200, htmlPath: false, progress: false, out: (line) => lines.push(line) });
    expect(result.servedByCurrent).toBe(1200);
    expect(result.stats.queued).toBe(0);
    expect(result.stats.uploaded).toBe(result.stats.recorded);
    expect(result.experiment.verdict.status).toBe('NOT READY');
    expect(result.experiment.slices.some((slice) => slice.field === 'input.bill_length_mm')).toBe(true);
    const text = result.reportText;
    expect(text).toMatch(/NOT READY/);
    // Disagreement concentrated where the broken feature matters.
    expect(text).toMatch(/bill_length_mm/);
    expect(lines.join('\n')).toMatch(/every answer users got came from the current model: 1,200 of 1,200/);
  }, 60_000);

  it('with --fixed the verdict turns to ready', async () => {
    const result = await runDemo({ fixed: true, predictions: 1200, htmlPath: false, progress: false, out: () => {} });
    expect(result.experiment.verdict.status).toBe('READY');
    expect(result.reportText).toMatch(/READY/);
    expect(result.reportText).not.toMatch(/NOT READY/);
  }, 60_000);
});
