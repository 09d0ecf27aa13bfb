/**
 * The sampling algorithm (contract; README "Sampling" documents it with golden vectors):
 * message = UTF-8 of `salt:experiment:purpose:key`; h = MurmurHash3_x86_32(message, 0); u = h / 2^32.
 */
import { murmur3Utf8 } from './murmur3';

/** Independent draws per experiment: sampling, canary and noise never share a hash value. */
export type SamplingPurpose = 'sample' | 'canary' | 'noise';

/** Keys longer than this (UTF-16 units) are treated as no key. */
export const MAX_KEY_LENGTH = 512;

const TWO_POW_32 = 4294967296;

/** A key as the sampler sees it: a non-empty string of at most 512 units, or a safe integer; else none. */
export function normalizeKey(key: unknown): string | undefined {
  if (typeof key === 'number') return Number.isSafeInteger(key) ? String(key) : undefined;
  if (typeof key === 'string' && key.length > 0 && key.length <= MAX_KEY_LENGTH) return key;
  return undefined;
}

/** `u` in [0, 1) for one key and purpose; dividing by 2^32 is exact in IEEE-754, so `u` is the same everywhere. */
export function hashUnit(salt: string, experiment: string, purpose: string, key: string): number {
  return murmur3Utf8(`${salt}:${experiment}:${purpose}:${key}`) / TWO_POW_32;
}

/** The key as records carry it: two murmur3 hashes (purposes `key-a`, `key-b`) as 16 hex digits. */
export function keyDigest(salt: string, experiment: string, key: string): string {
  const a = murmur3Utf8(`${salt}:${experiment}:key-a:${key}`);
  const b = murmur3Utf8(`${salt}:${experiment}:key-b:${key}`);
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
