import { murmur3 } from '../sampling/murmur3';
import { utf8Encode } from '../utils/bytes';

/**
 * JSON with object keys sorted, so equal inputs give equal text whatever their key order.
 * Returns undefined for values JSON cannot hold (BigInt, cycles).
 */
export function canonicalJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_key, item: unknown) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
      return sorted;
    });
  } catch {
    return undefined;
  }
}

/** A 64-bit digest of the input's canonical JSON (`capture.input: 'hash'`): groups identical inputs, reveals none. */
export function inputDigest(input: unknown): string | undefined {
  const json = canonicalJson(input);
  if (json === undefined) return undefined;
  const bytes = utf8Encode(json);
  return murmur3(bytes, 0).toString(16).padStart(8, '0') + murmur3(bytes, 0x9747b28c).toString(16).padStart(8, '0');
}
