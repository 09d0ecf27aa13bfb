/**
 * Size budgets (min+gzip), shared by `npm run bench` and test/bundle/size-budget.test.ts, which fails
 * `npm test` when a bundle grows past its budget.
 *
 * `gzipBytes` is the enforced ceiling: today's measured size plus ~3% headroom, so any growth is a
 * decision someone makes on purpose. `goalBytes` is the target of the benchmarks issue (16 KB), not met:
 * ky and idb-keyval alone are 9.2 KB (ky's core cannot be tree-shaken, and the contract wants live errors
 * to be ky's own classes), and the SDK's own code is ~16 KB (option errors that name the fix, the
 * persistent uploader with its unload path and tab lock, budgets, comparators).
 */
export const BUDGETS: Record<string, { gzipBytes: number; goalBytes?: number }> = {
  'full browser client (predict + indexedDbStore + all comparators)': { gzipBytes: 26 * 1024, goalBytes: 16 * 1024 },
  'run() only, memory store': { gzipBytes: 25.5 * 1024 },
};

/** The lazily loaded remote-config chunk (zod/mini and the poller), paid only by clients with `remoteConfig`. */
export const REMOTE_CONFIG_CHUNK_BUDGET = 13 * 1024;
