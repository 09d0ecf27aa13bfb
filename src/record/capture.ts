import { murmur3Utf8 } from '../sampling/murmur3';

/**
 * JSON with object keys sorted, so equal inputs give equal text whatever their key order. Written
 * directly (JSON.stringify with a sorting replacer builds a sorted copy of every object: measurably
 * slower on the per-prediction path). Same output as JSON.stringify otherwise; undefined for values
 * JSON cannot hold (BigInt, cycles).
 */
export function canonicalJson(value: unknown): string | undefined {
  try {
    return write(value, new Set());
  } catch {
    return undefined;
  }
}

function write(value: unknown, open: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('BigInt is not JSON');
    case 'object':
      break;
    default:
      return undefined; // undefined, functions, symbols: left out, as JSON.stringify does
  }
  if (value === null) return 'null';
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === 'function') return write(toJSON.call(value), open);
  if (open.has(value)) throw new TypeError('cycle');
  open.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = `[${value.map((item) => write(item, open) ?? 'null').join(',')}]`;
  } else {
    const parts: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const item = write((value as Record<string, unknown>)[key], open);
      if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
    }
    out = `{${parts.join(',')}}`;
  }
  open.delete(value);
  return out;
}

/** A 64-bit digest of the input's canonical JSON (`capture.input: 'hash'`): groups identical inputs, reveals none. */
export function inputDigest(input: unknown): string | undefined {
  const json = canonicalJson(input);
  if (json === undefined) return undefined;
  return murmur3Utf8(json, 0).toString(16).padStart(8, '0') + murmur3Utf8(json, 0x9747b28c).toString(16).padStart(8, '0');
}
