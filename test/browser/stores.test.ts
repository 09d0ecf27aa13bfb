/** The store contract against Chromium's real IndexedDB (and memoryStore), inside the page: vitest browser mode. */
import { expect, it } from 'vitest';
import { indexedDbStore, memoryStore } from 'shadowcast';
import { storeContract } from '../storage/store-contract';

let databases = 0;
storeContract('indexedDbStore (Chromium)', () => indexedDbStore(`browser-contract-${databases++}-${Math.random()}`));
storeContract('memoryStore (Chromium)', () => memoryStore());

it('runs in a real browser with IndexedDB, Web Locks, sendBeacon and CompressionStream', () => {
  expect(typeof indexedDB.open).toBe('function');
  expect(typeof navigator.locks.request).toBe('function');
  expect(typeof navigator.sendBeacon).toBe('function');
  expect(typeof CompressionStream).toBe('function');
});
