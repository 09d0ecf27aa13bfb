/**
 * A scripted store (Sentry's fake pattern): wraps a memory store, records every call, and lets a
 * test make the next calls of a method fail with given errors.
 */
import { memoryStore, type Store } from 'shadowcast';

type Method = 'get' | 'set' | 'delete' | 'keys';

export interface TestStore extends Store {
  calls: { method: Method; key?: string }[];
  /** The next `times` calls of `method` reject with `error`. */
  failNext(method: Method, error: Error, times?: number): void;
  /** Every call of `method` rejects from now on. */
  breakMethod(method: Method, error: Error): void;
}

export function createTestStore(kind = 'test'): TestStore {
  const inner = memoryStore();
  const failures: Partial<Record<Method, { error: Error; times: number }>> = {};
  const calls: TestStore['calls'] = [];
  const guard = async <T>(method: Method, key: string | undefined, run: () => Promise<T>): Promise<T> => {
    calls.push(key === undefined ? { method } : { method, key });
    const failure = failures[method];
    if (failure && failure.times > 0) {
      failure.times--;
      throw failure.error;
    }
    return run();
  };
  return {
    kind,
    calls,
    get: (key) => guard('get', key, () => inner.get(key)),
    set: (key, value) => guard('set', key, () => inner.set(key, value)),
    delete: (keys) => guard('delete', keys.join(','), () => inner.delete(keys)),
    keys: (prefix) => guard('keys', prefix, () => inner.keys(prefix)),
    failNext(method, error, times = 1) {
      failures[method] = { error, times };
    },
    breakMethod(method, error) {
      failures[method] = { error, times: Number.POSITIVE_INFINITY };
    },
  };
}
