/**
 * Structural equality of JSON-like values: objects by own enumerable keys (order ignored),
 * arrays by position, primitives by `Object.is` except that 0 and -0 are equal.
 * Returns the first differing path, or undefined when equal, so `exact()` can say where.
 */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return path || '$';
  if (Array.isArray(a) !== Array.isArray(b)) return path || '$';

  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length`;
    for (let i = 0; i < a.length; i++) {
      const found = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) {
    const missing = [...leftKeys, ...Object.keys(right)].find((key) => !(key in left) || !(key in right));
    return join(path, missing ?? '');
  }
  for (const key of leftKeys) {
    if (!Object.prototype.hasOwnProperty.call(right, key)) return join(path, key);
    const found = firstDifference(left[key], right[key], join(path, key));
    if (found !== undefined) return found;
  }
  return undefined;
}

function join(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
