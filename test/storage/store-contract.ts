/**
 * The store contract, one suite for every store (memoryStore, fileStore, indexedDbStore). Runs in Node
 * here and in Chromium (test/browser) against a real IndexedDB.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from 'shadowcast';

export function storeContract(name: string, make: () => Store | Promise<Store>) {
  describe(`${name}: store contract`, () => {
    it('gets what was set, and undefined for a missing key', async () => {
      const store = await make();
      await store.set('seg/a', 'one\ntwo');
      expect(await store.get('seg/a')).toBe('one\ntwo');
      expect(await store.get('seg/missing')).toBeUndefined();
    });

    it('overwrites a key whole', async () => {
      const store = await make();
      await store.set('seg/a', 'a long first value');
      await store.set('seg/a', 'short');
      expect(await store.get('seg/a')).toBe('short');
    });

    it('lists keys by prefix in ascending order, whatever the insertion order', async () => {
      const store = await make();
      for (const key of ['seg/0b', 'cfg/x', 'seg/0a', 'seg/1', 'seg/0a.open']) await store.set(key, key);
      expect(await store.keys('seg/')).toEqual(['seg/0a', 'seg/0a.open', 'seg/0b', 'seg/1']);
      expect(await store.keys('cfg/')).toEqual(['cfg/x']);
      expect(await store.keys('none/')).toEqual([]);
    });

    it('deletes one or many keys, and ignores keys that are gone', async () => {
      const store = await make();
      for (const key of ['seg/1', 'seg/2', 'seg/3']) await store.set(key, 'x');
      await store.delete(['seg/1']);
      await store.delete(['seg/2', 'seg/3', 'seg/never']);
      expect(await store.keys('seg/')).toEqual([]);
    });

    it('keeps keys with characters that are special in file names and URLs', async () => {
      const store = await make();
      const key = 'shadowcast/config/credit-risk v2:%é';
      await store.set(key, '{"v":1}');
      expect(await store.keys('shadowcast/')).toEqual([key]);
      expect(await store.get(key)).toBe('{"v":1}');
    });

    it('holds values of a full batch (64 KiB) with any Unicode intact', async () => {
      const store = await make();
      const value = '{"x":"' + 'é✓😀'.repeat(8000) + '"}';
      await store.set('seg/big', value);
      expect(await store.get('seg/big')).toBe(value);
    });

    it('survives concurrent writes to different keys', async () => {
      const store = await make();
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`seg/${String(i).padStart(2, '0')}`, String(i))));
      const keys = await store.keys('seg/');
      expect(keys).toHaveLength(20);
      expect(await Promise.all(keys.map((key) => store.get(key)))).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    });

    it('reports its kind', async () => {
      expect(typeof (await make()).kind).toBe('string');
    });
  });
}
