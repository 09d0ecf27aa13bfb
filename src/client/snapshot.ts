/**
 * The live value's snapshot, taken when it resolves, so a caller mutating its result cannot fake a
 * mismatch. Plain JSON-like data (what predict always gets) is copied directly, several times faster
 * than structuredClone; anything else (Date, Map, typed arrays, cycles, very deep values) goes
 * through structuredClone; a value even that cannot clone (functions inside) is compared as is.
 */
export function snapshot(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  try {
    return copyPlain(value);
  } catch {
    try {
      return structuredClone(value);
    } catch {
      return value;
    }
  }
}

class NotPlain extends Error {}

function copyPlain(value: object): unknown {
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      copy[i] = item !== null && typeof item === 'object' ? copyPlain(item) : item;
    }
    return copy;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw new NotPlain();
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const copied = item !== null && typeof item === 'object' ? copyPlain(item) : item;
    // JSON.parse makes "__proto__" an own key; plain assignment would set the prototype instead.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: copied, enumerable: true, writable: true, configurable: true });
    else copy[key] = copied;
  }
  return copy;
}
