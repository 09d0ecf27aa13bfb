import { createStore, del, delMany, get, keys, set, type UseStore } from 'idb-keyval';
import type { Store } from './types';

/** Database of its own: idb-keyval cannot add a store to an existing database (idb-keyval custom-stores.md). */
export const DEFAULT_IDB_NAME = 'shadowcast';

/**
 * A store in IndexedDB through idb-keyval. Nothing opens until first use, so importing it anywhere
 * (including Node and SSR) is safe.
 * @example createShadowClient({ ..., storage: indexedDbStore('my-app-shadowcast') })
 */
export function indexedDbStore(databaseName: string = DEFAULT_IDB_NAME): Store {
  let store: UseStore | undefined;
  const use = () => (store ??= createStore(databaseName, 'kv'));
  return {
    kind: 'indexeddb',
    get: (key) => get<string>(key, use()),
    set: (key, value) => set(key, value, use()),
    delete: (list) => (list.length === 1 ? del(list[0]!, use()) : delMany([...list], use())),
    keys: async (prefix) =>
      (await keys<IDBValidKey>(use()))
        .filter((key): key is string => typeof key === 'string' && key.startsWith(prefix))
        .sort(),
  };
}
