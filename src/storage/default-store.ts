import { indexedDbStore } from './indexeddb-store';
import { memoryStore } from './memory-store';
import type { Store } from './types';

/** IndexedDB where the platform has it (browsers), memory elsewhere (contract); decided at call time. */
export function defaultStore(): Store {
  return typeof indexedDB === 'undefined' ? memoryStore() : indexedDbStore();
}
