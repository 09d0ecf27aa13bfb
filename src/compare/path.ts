/**
 * Reads a value at a path such as `label`, `outputs[0].data`, `predictions.0.class`.
 * An empty path is the value itself. Returns `undefined` where the path does not exist.
 */
export function readPath(value: unknown, path: string): unknown {
  if (path === '' || path === '$') return value;
  let current = value;
  for (const segment of parsePath(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

const cache = new Map<string, string[]>();

export function parsePath(path: string): string[] {
  let segments = cache.get(path);
  if (!segments) {
    segments = path
      .replace(/^\$\.?/, '')
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .filter((segment) => segment !== '');
    if (cache.size < 256) cache.set(path, segments);
  }
  return segments;
}

/** True when `path` names something that exists in `value` (even if its value is undefined-like null). */
export function hasPath(value: unknown, path: string): boolean {
  if (path === '' || path === '$') return true;
  const segments = parsePath(path);
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !(segment in (current as object))) return false;
    current = (current as Record<string, unknown>)[segment];
  }
  return true;
}
