/**
 * The store contract: a tiny async key-value interface over opaque serialized values,
 * in the spirit of idb-keyval. The uploader owns what the values mean; stores only keep them.
 *
 * Every method may reject; callers treat a rejection as a result (retry, fall back, count), never crash.
 */
export interface Store {
  /** What kind of store this is, reported in `stats().storage`: `memory`, `indexeddb`, `file`, … */
  readonly kind: string;
  get(key: string): Promise<string | undefined>;
  /** Resolves once the value is durable (as durable as this store can make it). */
  set(key: string, value: string): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
  /** Keys starting with `prefix`, sorted ascending (code-unit order), so time-ordered keys come out FIFO. */
  keys(prefix: string): Promise<string[]>;
}
