import 'fake-indexeddb/auto';
import { mkdtempSync, readdirSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexedDbStore, memoryStore } from 'shadowcast';
import { fileStore } from 'shadowcast/node';
import { storeContract } from './store-contract';

let databases = 0;
storeContract('memoryStore', () => memoryStore());
storeContract('fileStore', () => fileStore(mkdtempSync(join(tmpdir(), 'shadowcast-store-'))));
storeContract('indexedDbStore (fake-indexeddb)', () => indexedDbStore(`contract-${databases++}`));

describe('fileStore', () => {
  it('creates its directory on first write, and lists nothing before', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'shadowcast-store-')), 'nested', 'dir');
    const store = fileStore(dir);
    expect(await store.keys('seg/')).toEqual([]);
    await store.set('seg/a', 'x');
    expect(readdirSync(dir)).toEqual(['seg%2Fa']);
  });

  it('never lists a half-written temporary file, and removes abandoned ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shadowcast-store-'));
    const store = fileStore(dir);
    await store.set('seg/a', 'whole');
    writeFileSync(join(dir, 'seg%2Fb.tmp-0badc0de'), '{"v":1,"batch'); // a kill -9 mid-write
    writeFileSync(join(dir, 'seg%2Fc.tmp-12345678'), '{"v":1'); // another process writing right now
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(dir, 'seg%2Fb.tmp-0badc0de'), old, old);
    expect(await store.keys('seg/')).toEqual(['seg/a']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readdirSync(dir).sort()).toEqual(['seg%2Fa', 'seg%2Fc.tmp-12345678']);
  });

  it('refuses a missing directory with a clear error', () => {
    expect(() => fileStore('' as string)).toThrow(/fileStore\(dir\): dir must be a directory path/);
  });
});

describe('indexedDbStore', () => {
  it('reopens a dropped connection and retries the call once (Safari)', async () => {
    const store = indexedDbStore('reconnect');
    await store.set('seg/a', 'x');
    // Close every open connection to the database, as Safari does to a backgrounded page.
    const request = indexedDB.open('reconnect');
    const db = await new Promise<IDBDatabase>((resolve) => (request.onsuccess = () => resolve(request.result)));
    db.close();
    const original = IDBDatabase.prototype.transaction;
    let failures = 1;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      if (failures-- > 0) throw new DOMException('Connection to Indexed Database server lost', 'UnknownError');
      return original.apply(this, args);
    } as IDBDatabase['transaction'];
    try {
      expect(await store.get('seg/a')).toBe('x');
    } finally {
      IDBDatabase.prototype.transaction = original;
    }
  });

  it('passes a QuotaExceededError on (the uploader evicts and retries)', async () => {
    const store = indexedDbStore('quota');
    const original = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      await expect(store.set('seg/a', 'x')).rejects.toMatchObject({ name: 'QuotaExceededError' });
    } finally {
      IDBObjectStore.prototype.put = original;
    }
  });
});
