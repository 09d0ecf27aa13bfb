import { describe, expect, it } from 'vitest';
import { ConfigError, exact, label, numeric, topK } from 'shadowcast';

describe('exact()', () => {
  const compare = exact();

  it('matches deep-equal values whatever their key order, and names itself', () => {
    expect(compare.kind).toBe('exact');
    expect(compare({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toEqual({ match: true });
  });

  it('treats NaN as equal to NaN and 0 as equal to -0', () => {
    expect(compare({ v: Number.NaN }, { v: Number.NaN }).match).toBe(true);
    expect(compare(0, -0).match).toBe(true);
  });

  it('reports the first differing path with both values', () => {
    expect(compare({ scores: [0.1, 0.2] }, { scores: [0.1, 0.3] })).toEqual({
      match: false,
      diff: { path: '.scores[1]', live: 0.2, shadow: 0.3 },
    });
    expect(compare({ a: 1 }, { a: 1, b: 2 })).toMatchObject({ match: false, diff: { path: '.b' } });
    expect(compare([1, 2], [1, 2, 3])).toMatchObject({ match: false, diff: { path: '.length', live: 2, shadow: 3 } });
    expect(compare('approve', { label: 'approve' })).toMatchObject({ match: false, diff: { path: '$' } });
  });

  it('keeps diffs small when the differing values are large', () => {
    const big = 'x'.repeat(10_000);
    const result = exact()({ text: big }, { text: `${big}y` });
    expect(JSON.stringify(result.diff).length).toBeLessThan(600);
  });
});

describe('numeric()', () => {
  it('matches within abs OR rel tolerance and scores the largest absolute difference', () => {
    expect(numeric({ abs: 0.01 })(0.5, 0.509)).toEqual({ match: true, score: expect.closeTo(0.009, 10) });
    expect(numeric({ abs: 0.01 })(0.5, 0.52)).toMatchObject({ match: false, diff: { reason: 'tolerance', live: 0.5, shadow: 0.52 } });
    expect(numeric({ rel: 0.1 })(100, 109).match).toBe(true);
    expect(numeric({ rel: 0.1 })(100, 112).match).toBe(false);
    expect(numeric({ abs: 1, rel: 0.001 })(1000, 1000.9).match).toBe(true);
    expect(numeric()(3, 3)).toEqual({ match: true, score: 0 });
  });

  it('compares arrays (nested too) element by element, reporting the first index out of tolerance', () => {
    expect(numeric({ abs: 0.05 })([[0.1, 0.9]], [[0.12, 0.88]]).match).toBe(true);
    expect(numeric({ abs: 0.05 })([0.1, 0.9, 0.5], [0.1, 0.7, 0.1])).toMatchObject({
      match: false,
      score: expect.closeTo(0.4, 10),
      diff: { path: '[1]', reason: 'tolerance' },
    });
  });

  it('never matches arrays of different length', () => {
    expect(numeric({ abs: 100 })([1, 2], [1, 2, 3])).toMatchObject({ match: false, diff: { reason: 'length', live: 2, shadow: 3 } });
  });

  it('treats NaN vs NaN as a match and NaN vs a number as a mismatch', () => {
    expect(numeric({ abs: 1 })(Number.NaN, Number.NaN).match).toBe(true);
    expect(numeric({ abs: 1 })(Number.NaN, 0.5)).toMatchObject({ match: false, diff: { reason: 'nan' } });
    expect(numeric({ abs: 1 })([1, Number.NaN], [1, 2]).match).toBe(false);
  });

  it('matches equal infinities and never calls an infinite difference within a relative tolerance', () => {
    expect(numeric({ rel: 0.5 })(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY).match).toBe(true);
    const result = numeric({ rel: 0.5 })(Number.POSITIVE_INFINITY, 5);
    expect(result.match).toBe(false);
    expect(result.score).toBeUndefined(); // JSON cannot carry Infinity
  });

  it('reads a path, mismatches when one side is not numeric, and throws when neither is (a wrong path)', () => {
    expect(numeric({ abs: 0.01, path: 'outputs[0].data' })({ outputs: [{ data: [0.3] }] }, { outputs: [{ data: [0.305] }] }).match).toBe(true);
    expect(numeric()(0.5, 'oops')).toMatchObject({ match: false, diff: { reason: 'not_numeric' } });
    expect(() => numeric({ path: 'nope' })({ a: 1 }, { a: 1 })).toThrow(/neither prediction holds a number/);
  });

  it('rejects negative or non-finite tolerances with a ConfigError', () => {
    expect(() => numeric({ abs: -1 })).toThrow(ConfigError);
    expect(() => numeric({ rel: Number.NaN })).toThrow(/rel must be a finite number >= 0, received NaN/);
  });
});

describe('label()', () => {
  it('compares the value at a path and reports both labels on disagreement', () => {
    const compare = label('prediction.class');
    expect(compare.kind).toBe('label');
    expect(compare({ prediction: { class: 'cat', p: 0.9 } }, { prediction: { class: 'cat', p: 0.6 } })).toEqual({ match: true });
    expect(compare({ prediction: { class: 'cat' } }, { prediction: { class: 'dog' } })).toEqual({ match: false, diff: { live: 'cat', shadow: 'dog' } });
  });

  it('mismatches when one side lacks the label and throws when neither has it', () => {
    expect(label('class')({ class: 'cat' }, {})).toEqual({ match: false, diff: { live: 'cat', shadow: undefined } });
    expect(() => label('class')({}, {})).toThrow(/neither prediction has a value at path "class"/);
  });
});

describe('topK()', () => {
  it('scores the overlap of the first k items, ignoring order inside the top k', () => {
    const compare = topK(3);
    expect(compare(['a', 'b', 'c', 'd'], ['c', 'a', 'b', 'x'])).toEqual({ match: true, score: 1 });
    expect(compare(['a', 'b', 'c'], ['a', 'b', 'z'])).toEqual({
      match: false,
      score: 2 / 3,
      diff: { onlyLive: ['"c"'], onlyShadow: ['"z"'] },
    });
  });

  it('identifies items by a sub-path and accepts partial overlap with minOverlap', () => {
    const compare = topK(2, 'recs', { by: 'id', minOverlap: 0.5 });
    expect(compare({ recs: [{ id: 1, s: 0.9 }, { id: 2, s: 0.8 }] }, { recs: [{ id: 2, s: 0.7 }, { id: 9, s: 0.6 }] })).toMatchObject({ match: true, score: 0.5 });
  });

  it('handles empty and non-list predictions, and rejects bad arguments', () => {
    expect(topK(3)([], []).match).toBe(true);
    expect(topK(3)(['a'], 'oops')).toMatchObject({ match: false, score: 0 });
    expect(() => topK(3)('a', 'b')).toThrow(/neither prediction has a list/);
    expect(() => topK(0)).toThrow(ConfigError);
    expect(() => topK(2, '', { minOverlap: 2 })).toThrow(/minOverlap must be in \[0, 1\]/);
  });
});
