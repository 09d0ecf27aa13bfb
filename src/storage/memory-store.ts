import type { Store } from './types';

/**
 * A store in memory: the default outside browsers, and a handy test sink.
 * Survives nothing, by design; use `fileStore()` (Node) or `indexedDbStore()` (browsers) for that.
 * @example createShadowClient({ ..., storage: memoryStore() })
 */
export function memoryStore(): Store {
  const data = new Map<string, string>();
  return {
    kind: 'memory',
    get: async (key) => data.get(key),
    set: async (key, value) => {
      data.set(key, value);
    },
    delete: async (keys) => {
      for (const key of keys) data.delete(key);
    },
    keys: async (prefix) => [...data.keys()].filter((key) => key.startsWith(prefix)).sort(),
  };
}
