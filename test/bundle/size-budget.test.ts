/**
 * The bundle budgets of bench/budgets.ts, enforced: the same measurement as `npm run bench` (esbuild,
 * code splitting, minified, gzip -9), so a size regression fails `npm test` with the numbers.
 */
import { describe, expect, it } from 'vitest';
import { BUDGETS, REMOTE_CONFIG_CHUNK_BUDGET } from '../../bench/budgets';
import { BUNDLE_SCENARIOS, measureBundle } from '../../bench/bundle';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

describe('bundle budgets (min+gzip)', () => {
  for (const [name, budget] of Object.entries(BUDGETS)) {
    it(`${name}: within ${kb(budget.gzipBytes)} up front`, async () => {
      const size = await measureBundle(BUNDLE_SCENARIOS[name]!);
      expect(size.gzip, `${name} is ${kb(size.gzip)} up front, over its ${kb(budget.gzipBytes)} budget (bench/budgets.ts)`).toBeLessThanOrEqual(budget.gzipBytes);
      expect(size.lazyGzip, `the on-demand remote-config chunk is ${kb(size.lazyGzip)}`).toBeLessThanOrEqual(REMOTE_CONFIG_CHUNK_BUDGET);
    });
  }
});
