import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createShadowClient, hashUnit, keyDigest, memoryStore } from 'shadowcast';
import { murmur3 } from '../../src/sampling/murmur3';
import { MAX_KEY_LENGTH, normalizeKey } from '../../src/sampling/hash';
import { utf8Length } from '../../src/utils/bytes';

/**
 * Golden vectors (also in the README, so other runtimes can reproduce them). Cross-checked against
 * an independent MurmurHash3 implementation over TextEncoder bytes when they were made.
 */
const GOLDEN: [salt: string, experiment: string, purpose: string, key: string, hash: number][] = [
  ['shadowcast', 'credit-risk-v2', 'sample', 'user-42', 0x471f4087],
  ['shadowcast', 'credit-risk-v2', 'sample', 'usér-42', 0x3f6e2233],
  ['2026-11', 'credit-risk-v2', 'canary', 'user-42', 0xfbd9dee0],
  ['shadowcast', 'credit-risk-v2', 'noise', '用户-7', 0x11539542],
  ['shadowcast', 'credit-risk-v2', 'sample', '👩‍💻', 0x401337b8],
  ['shadowcast', 'credit-risk-v2', 'sample', 'a\uD800b', 0xc8e63c70], // lone surrogate → U+FFFD
];

describe('murmur3', () => {
  it('matches the published reference vectors', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(murmur3(bytes(''), 0)).toBe(0);
    expect(murmur3(bytes(''), 1)).toBe(0x514e28b7);
    expect(murmur3(bytes('hello'), 0)).toBe(0x248bfa47);
    expect(murmur3(bytes('The quick brown fox jumps over the lazy dog'), 0)).toBe(0x2e4ff723);
  });
});

describe('utf8Length', () => {
  it('counts the bytes TextEncoder writes for any string, lone surrogates included', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(utf8Length(text)).toBe(encoder.encode(text).length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('hashUnit', () => {
  it.each(GOLDEN)('reproduces the golden vector %s:%s:%s:%s', (salt, experiment, purpose, key, hash) => {
    expect(hashUnit(salt, experiment, purpose, key)).toBe(hash / 2 ** 32);
  });

  it('is uniform: chi-square over 100 buckets of 10k keys stays under the 0.1% critical value', () => {
    const buckets = new Array<number>(100).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(hashUnit('shadowcast', 'exp', 'sample', `user-${i}`) * 100)]!++;
    const chiSquare = buckets.reduce((sum, observed) => sum + (observed - 100) ** 2 / 100, 0);
    expect(chiSquare).toBeLessThan(148.2); // df = 99, p = 0.001
  });

  it('draws sampling, canary and noise independently for the same key', () => {
    let both = 0;
    for (let i = 0; i < 20_000; i++) {
      const key = `user-${i}`;
      if (hashUnit('s', 'exp', 'sample', key) < 0.1 && hashUnit('s', 'exp', 'canary', key) < 0.1) both++;
    }
    expect(both / 20_000).toBeGreaterThan(0.006); // independent: 0.01; one shared draw: 0.1
    expect(both / 20_000).toBeLessThan(0.014);
  });

  it('ramps monotonically: everyone sampled at 5% is sampled at 25%', () => {
    for (let i = 0; i < 5000; i++) {
      const u = hashUnit('s', 'exp', 'sample', `k${i}`);
      if (u < 0.05) expect(u < 0.25).toBe(true);
    }
  });
});

describe('keyDigest', () => {
  it('is 16 hex digits from the key-a and key-b purposes', () => {
    const digest = keyDigest('shadowcast', 'credit-risk-v2', 'user-42');
    expect(digest).toBe('a2fa8ac1fe79851c');
    expect(digest.slice(0, 8)).toBe(Math.round(hashUnit('shadowcast', 'credit-risk-v2', 'key-a', 'user-42') * 2 ** 32).toString(16).padStart(8, '0'));
  });
});

describe('normalizeKey', () => {
  it('keeps non-empty strings up to 512 units and safe integers, and treats everything else as no key', () => {
    expect(normalizeKey('u')).toBe('u');
    expect(normalizeKey(42)).toBe('42');
    expect(normalizeKey('x'.repeat(MAX_KEY_LENGTH))).toHaveLength(MAX_KEY_LENGTH);
    for (const none of ['', 'x'.repeat(MAX_KEY_LENGTH + 1), 1.5, 2 ** 60, Number.NaN, null, undefined, {}, true]) {
      expect(normalizeKey(none)).toBeUndefined();
    }
  });
});

describe('sampling through the client', () => {
  const sampledKeys = async (sampleRate: number, keys: string[], salt?: string) => {
    // The concurrency budget is lifted: these synchronous live calls outpace the after-live shadows.
    const client = createShadowClient({ experiment: 'sticky', sampleRate, storage: memoryStore(), maxConcurrentShadows: 1e6, ...(salt ? { salt } : {}) });
    const chosen: string[] = [];
    for (const key of keys) await client.run({ key, live: () => 1, shadow: () => (chosen.push(key), 1) });
    await client.flush(); // after-live shadows start in a later task; closing first would abort them
    await client.close();
    return chosen;
  };
  const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

  it('is sticky per key across client instances', async () => {
    expect(await sampledKeys(0.2, keys.slice(0, 2000))).toEqual(await sampledKeys(0.2, keys.slice(0, 2000)));
  });

  it('shadows a share within tolerance of sampleRate over 10k keys', async () => {
    const share = (await sampledKeys(0.25, keys)).length / keys.length;
    expect(share).toBeGreaterThan(0.235); // ±3.5 standard deviations (σ ≈ 0.0043)
    expect(share).toBeLessThan(0.265);
  });

  it('draws anew when the salt changes', async () => {
    const a = new Set(await sampledKeys(0.5, keys.slice(0, 1000), 'salt-a'));
    const b = await sampledKeys(0.5, keys.slice(0, 1000), 'salt-b');
    const overlap = b.filter((key) => a.has(key)).length / 1000;
    expect(overlap).toBeGreaterThan(0.2); // independent: 0.25; same draw: 0.5
    expect(overlap).toBeLessThan(0.3);
  });

  it('draws from random() when there is no key', async () => {
    const draws = [0.1, 0.9, 0.2, 0.8];
    const client = createShadowClient({ experiment: 'keyless', sampleRate: 0.5, storage: memoryStore(), random: () => draws.shift()! });
    const shadowed: number[] = [];
    for (let i = 0; i < 4; i++) await client.run({ live: () => i, shadow: () => (shadowed.push(i), i) });
    await client.flush();
    await client.close();
    expect(shadowed).toEqual([0, 2]);
  });

  it('never samples at rate 0 and always at rate 1', async () => {
    expect(await sampledKeys(0, keys.slice(0, 500))).toHaveLength(0);
    expect(await sampledKeys(1, keys.slice(0, 500))).toHaveLength(500);
  });
});

describe('murmur3Utf8', () => {
  it('hashes a string exactly as murmur3 over its TextEncoder bytes, for any string and seed', async () => {
    const { murmur3Utf8 } = await import('../../src/sampling/murmur3');
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (text, seed) => {
        expect(murmur3Utf8(text, seed)).toBe(murmur3(encoder.encode(text), seed));
      }),
      { numRuns: 3000 },
    );
  });
});
