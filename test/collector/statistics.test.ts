/** The report's statistics against known answers. */
import { describe, expect, it } from 'vitest';
import { binOf, decileEdges, Floats, percentiles, psi, psiLevel, wilson } from '../../src/collector/report/statistics';
import { scalarOf } from '../../src/collector/report/scalar';

describe('wilson', () => {
  it('matches published Wilson 95% intervals', () => {
    // Textbook values (e.g. Newcombe 1998, table I): 0/10, 5/10, 10/10, 81/263.
    expect(wilson(0, 10)).toMatchObject({ rate: 0, low: 0, high: expect.closeTo(0.2775, 4) });
    expect(wilson(5, 10)).toMatchObject({ low: expect.closeTo(0.2366, 4), high: expect.closeTo(0.7634, 4) });
    expect(wilson(10, 10)).toMatchObject({ low: expect.closeTo(0.7225, 4), high: 1 });
    expect(wilson(81, 263)).toMatchObject({ low: expect.closeTo(0.2553, 3), high: expect.closeTo(0.3662, 3) });
    expect(wilson(0, 0).rate).toBeNaN();
  });
});

describe('percentiles', () => {
  it('uses nearest rank', () => {
    const values = new Float64Array(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(percentiles(values)).toEqual({ n: 100, p50: 50, p95: 95, p99: 99 });
    expect(percentiles(new Float64Array([7]))).toEqual({ n: 1, p50: 7, p95: 7, p99: 7 });
    expect(percentiles(new Float64Array()).p50).toBeNaN();
  });
});

describe('psi', () => {
  it('computes Σ (q − p)·ln(q / p) on proportions', () => {
    // By hand: −0.15·ln 0.4 − 0.05·ln 0.8 + 0.05·ln 1.2 + 0.15·ln 1.6 = 0.228218
    expect(psi([25, 25, 25, 25], [10, 20, 30, 40])).toBeCloseTo(0.228218, 5);
    expect(psi([1, 2, 3], [2, 4, 6])).toBe(0);
    expect(Number.isFinite(psi([10, 0], [0, 10]))).toBe(true); // empty bins are floored, not infinite
    expect([psiLevel(0.05), psiLevel(0.2), psiLevel(0.4)]).toEqual(['none', 'moderate', 'major']);
  });

  it('bins numbers by deciles of the live values', () => {
    const sorted = Float64Array.from({ length: 1000 }, (_, i) => i);
    const edges = decileEdges(sorted);
    expect(edges).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect([binOf(-5, edges), binOf(100, edges), binOf(150, edges), binOf(999, edges)]).toEqual([0, 1, 1, 9]);
    expect(decileEdges(Float64Array.from([1, 1, 1, 1, 2]))).toEqual([1, 2]); // ties collapse
  });

  it('grows typed arrays as values arrive', () => {
    const floats = new Floats();
    for (let i = 0; i < 5000; i++) floats.push(i);
    expect(floats.length).toBe(5000);
    expect(floats.values()[4999]).toBe(4999);
  });
});

describe('scalarOf', () => {
  it('reads the value a report studies from common prediction shapes', () => {
    expect(scalarOf(0.3)).toEqual({ kind: 'number', value: 0.3 });
    expect(scalarOf('cat')).toEqual({ kind: 'label', value: 'cat' });
    expect(scalarOf({ label: 'dog', score: 0.9 })).toEqual({ kind: 'label', value: 'dog' });
    expect(scalarOf({ score: 0.9, extra: 'x' })).toEqual({ kind: 'number', value: 0.9 });
    expect(scalarOf([0.1, 0.7, 0.2])).toEqual({ kind: 'label', value: '#1' });
    expect(scalarOf({ outputs: [{ data: [0.42] }] })).toEqual({ kind: 'number', value: 0.42 });
    expect(scalarOf({ predictions: [{ class: 'b' }] })).toEqual({ kind: 'label', value: 'b' });
    expect(scalarOf(null)).toBeUndefined();
    expect(scalarOf(Number.NaN)).toBeUndefined();
  });
});

describe('inputFields', () => {
  it('reads features from plain objects and from KServe v2 and TF Serving requests', async () => {
    const { inputFields } = await import('../../src/collector/report/input-fields');
    expect(inputFields({ a: 1 })).toEqual({ a: 1 });
    expect(inputFields({ inputs: [{ name: 'mass_g', shape: [1], datatype: 'FP32', data: [3750] }, { name: 'wide', data: [1, 2] }] })).toEqual({ mass_g: 3750 });
    expect(inputFields({ instances: [{ mass_g: 3750, island: 'Dream' }] })).toEqual({ mass_g: 3750, island: 'Dream' });
    expect(inputFields({ instances: [{ a: 1 }, { a: 2 }] })).toBeUndefined();
    expect(inputFields('digest')).toBeUndefined();
  });
});
