/**
 * The last known good config, kept in the client's store so a reload or restart starts from it
 * before the first fetch completes (contract). Only validated documents are written (Optimizely
 * caches before validating; research §2.5), and what is read back is validated again: the store
 * may be corrupt, or `allowOrigins` may have changed in code since.
 */
import { RemoteConfigError, type ShadowcastError } from '../errors';
import type { RemoteConfigDocument } from '../schema/remote-config';
import type { Store } from '../storage/types';
import { safeUnref } from '../utils/safe-unref';
import { STORE_READ_TIMEOUT_MS } from './limits';
import { judge, type JudgeContext } from './validate';

/** Store key prefix; one entry per experiment, so clients sharing a store never overwrite each other. */
export const CONFIG_KEY_PREFIX = 'config/';

export interface LastKnownGood {
  document: RemoteConfigDocument;
  /** The ETag the document came with; never the ETag of a rejected document (contract). */
  etag: string | undefined;
  /** When a valid document (or a 304 for its ETag) last arrived; freshness after a restart is judged by it. */
  confirmedAt: number;
  /** A kill read from an invalid document (kill fast path) still holds; cleared by the next confirmation. */
  killed: boolean;
}

interface StoredRecord extends LastKnownGood {
  v: 1;
  /** The config URL it came from: a client pointed at another URL ignores it. */
  url: string;
}

export type LoadResult = { found: LastKnownGood | undefined; error?: ShadowcastError };

export function configKey(experiment: string): string {
  return `${CONFIG_KEY_PREFIX}${experiment}`;
}

export async function loadLastKnownGood(store: Store, experiment: string, url: string, context: JudgeContext): Promise<LoadResult> {
  let text: string | undefined;
  try {
    text = await withTimeout(store.get(configKey(experiment)), STORE_READ_TIMEOUT_MS);
  } catch (error) {
    return { found: undefined, error: new RemoteConfigError('store_error', `Reading the last known good config of "${experiment}" from the ${store.kind} store failed; starting without it (pending until the first fetch).`, { cause: error }) };
  }
  if (text === undefined) return { found: undefined };
  let record: Partial<StoredRecord>;
  try {
    record = JSON.parse(text) as Partial<StoredRecord>;
  } catch (error) {
    return { found: undefined, error: invalid(experiment, 'it is not JSON', error) };
  }
  if (record?.v !== 1 || typeof record.confirmedAt !== 'number' || !(typeof record.etag === 'string' || record.etag === undefined)) {
    return { found: undefined, error: invalid(experiment, 'its format is unknown') };
  }
  if (record.url !== url) return { found: undefined }; // another config URL: not ours to use, and no fault
  const verdict = judge(record.document, context);
  if (!verdict.ok) return { found: undefined, error: invalid(experiment, 'it no longer validates', verdict.error) };
  return { found: { document: verdict.document, etag: record.etag, confirmedAt: record.confirmedAt, killed: record.killed === true } };
}

export async function saveLastKnownGood(store: Store, experiment: string, url: string, lkg: LastKnownGood): Promise<ShadowcastError | undefined> {
  const record: StoredRecord = { v: 1, url, ...lkg };
  try {
    await store.set(configKey(experiment), JSON.stringify(record));
    return undefined;
  } catch (error) {
    return new RemoteConfigError('store_error', `Writing the last known good config of "${experiment}" to the ${store.kind} store failed; after a restart the client waits for the first fetch instead.`, { cause: error });
  }
}

/** Writes in order, latest wins: a slow or hung store never queues more than one pending write. */
export function createLastKnownGoodWriter(store: Store, experiment: string, url: string, report: (error: ShadowcastError) => void) {
  let queued: LastKnownGood | undefined;
  let writing: Promise<void> | undefined;
  let failing = false;
  return {
    save(lkg: LastKnownGood): void {
      queued = lkg;
      writing ??= (async () => {
        while (queued) {
          const next = queued;
          queued = undefined;
          const error = await saveLastKnownGood(store, experiment, url, next);
          if (error && !failing) report(error); // a broken store is reported once until it works again
          failing = error !== undefined;
        }
        writing = undefined;
      })();
    },
    /** Resolves when no write is in progress. */
    idle: (): Promise<void> => writing ?? Promise.resolve(),
  };
}

function invalid(experiment: string, why: string, cause?: unknown): ShadowcastError {
  return new RemoteConfigError('stored_invalid', `The stored last known good config of "${experiment}" was ignored: ${why}. The client waits for the first fetch.`, { cause });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = safeUnref(setTimeout(() => reject(new Error(`the store did not answer within ${ms} ms`)), ms));
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
