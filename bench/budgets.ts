/** Size budgets (min+gzip), shared by `npm run bench` and the bundle test that enforces them in `npm test`. */
export const BUDGETS: Record<string, { gzipBytes: number }> = {
  'full browser client (predict + indexedDbStore + all comparators)': { gzipBytes: 16 * 1024 },
};
