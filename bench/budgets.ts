/**
 * Size budgets (min+gzip), shared by `npm run bench` and test/bundle/size-budget.test.ts, which fails
 * `npm test` when a bundle grows past its budget.
 *
 * `gzipBytes` is the enforced ceiling: today's measured size plus ~3% headroom, so any growth is a
 * decision someone makes on purpose. `goalBytes` is the target of the benchmarks issue (16 KB), not met:
 * ky alone is ~5.6 KB of it (needed so live errors are ky's own classes), idb-keyval ~0.5 KB, and the
 * SDK's own code (~16 KB: clear option errors, the persistent uploader, budgets) is the rest.
 */
export const BUDGETS: Record<string, { gzipBytes: number; goalBytes?: number }> = {
  'full browser client (predict + indexedDbStore + all comparators)': { gzipBytes: 26 * 1024, goalBytes: 16 * 1024 },
  'run() only, memory store': { gzipBytes: 25.5 * 1024 },
};

/** The lazily loaded remote-config chunk (zod/mini and the poller), paid only by clients with `remoteConfig`. */
export const REMOTE_CONFIG_CHUNK_BUDGET = 13 * 1024;
