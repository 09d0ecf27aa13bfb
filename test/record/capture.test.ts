import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, inputDigest } from '../../src/record/capture';
import { snapshot } from '../../src/client/snapshot';

/** The same value with every object's keys inserted in reverse order. */
const reversed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reversed(item)]));
};

describe('canonicalJson', () => {
  it('is valid JSON of the same value, independent of key insertion order, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value)!;
        // Compared with JSON's own round trip: fc.jsonValue() can produce -0, which JSON writes as 0.
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reversed(value))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('sorts keys by code unit, integer-like keys included (JS enumerates those first)', () => {
    expect(canonicalJson({ b: 1, 10: 1, '': 1, 2: 1, a: 1 })).toBe('{"":1,"10":1,"2":1,"a":1,"b":1}');
  });

  it('ignores key order, follows toJSON, and gives undefined for BigInt and cycles', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: undefined }] })).toBe('{"a":[1,{"d":2}],"b":1}');
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(canonicalJson(cycle)).toBeUndefined();
    expect(canonicalJson({ n: 1n })).toBeUndefined();
    expect(inputDigest({ a: 1, b: 2 })).toBe(inputDigest({ b: 2, a: 1 }));
    expect(inputDigest({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('snapshot', () => {
  it('deep-copies JSON values so later mutation of the original does not show', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = snapshot(value);
        expect(copy).toEqual(value);
        if (value !== null && typeof value === 'object') expect(copy).not.toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps an own "__proto__" key as data and clones non-plain values with structuredClone', () => {
    const parsed = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as object;
    const copy = snapshot(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    const date = new Date(5);
    const withDate = snapshot({ at: date, map: new Map([[1, 2]]) }) as { at: Date; map: Map<number, number> };
    expect(withDate.at).toEqual(date);
    expect(withDate.at).not.toBe(date);
    expect(withDate.map.get(1)).toBe(2);
    const holder = { f: () => 1 };
    expect((snapshot(holder) as typeof holder).f).toBe(holder.f); // functions are shared, not cloned
    const weird = new (class Model {
      fn = () => 1;
    })();
    expect(snapshot(weird)).toBe(weird); // neither plain nor cloneable: compared as is
  });
});
