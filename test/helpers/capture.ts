/** Helpers that read what a client produced: the records in its store and in uploaded batches. */
import type { Store, WireRecord } from 'shadowcast';

/** Every record currently in a store (segments are NDJSON: a header line, then one record per line). */
export async function storedRecords(store: Store): Promise<WireRecord[]> {
  const out: WireRecord[] = [];
  for (const key of await store.keys('seg/')) {
    const text = await store.get(key);
    for (const line of (text ?? '').split('\n').slice(1)) if (line) out.push(JSON.parse(line) as WireRecord);
  }
  return out;
}

/** A promise with its resolve/reject exposed, for scripting when a fake model answers. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
