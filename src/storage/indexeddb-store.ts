import { createStore, del, delMany, get, keys, set, type UseStore } from 'idb-keyval';
import type { Store } from './types';

/** Database of its own: idb-keyval cannot add a store to an existing database (idb-keyval custom-stores.md). */
export const DEFAULT_IDB_NAME = 'shadowcast';

/**
 * Errors after which the connection is reopened and the call tried once more: Safari drops IndexedDB
 * connections of backgrounded pages ("UnknownError: Connection to Indexed Database server lost",
 * Expensify/App#87864, firebase-js-sdk#4948), and a closed connection fails every later transaction
 * with InvalidStateError until a new one is opened. idb-keyval does not retry the failed call itself.
 */
const RECONNECT_ERRORS = new Set(['InvalidStateError', 'TransactionInactiveError', 'UnknownError', 'AbortError']);

/**
 * A store in IndexedDB through idb-keyval. Nothing opens until first use, so importing it anywhere
 * (including Node and SSR) is safe. A dropped connection is reopened and the call retried once;
 * QuotaExceededError is passed on, so the uploader can evict old segments and retry.
 * @example createShadowClient({ ..., storage: indexedDbStore('my-app-shadowcast') })
 */
export function indexedDbStore(databaseName: string = DEFAULT_IDB_NAME): Store {
  let store: UseStore | undefined;
  const use = () => (store ??= createStore(databaseName, 'kv'));
  async function withReconnect<T>(operation: (db: UseStore) => Promise<T>): Promise<T> {
    const opened = use();
    try {
      return await operation(opened);
    } catch (error) {
      if (!RECONNECT_ERRORS.has((error as { name?: string } | undefined)?.name ?? '')) throw error;
      if (store === opened) store = undefined; // a concurrent call may have reopened it already
      return operation(use());
    }
  }
  return {
    kind: 'indexeddb',
    get: (key) => withReconnect((db) => get<string>(key, db)),
    set: (key, value) => withReconnect((db) => set(key, value, db)),
    delete: (list) => withReconnect((db) => (list.length === 1 ? del(list[0]!, db) : delMany([...list], db))),
    keys: async (prefix) =>
      (await withReconnect((db) => keys<IDBValidKey>(db)))
        .filter((key): key is string => typeof key === 'string' && key.startsWith(prefix))
        .sort(),
  };
}
