import { expect, it } from 'vitest';
import { main } from '../../examples/rollout/run';

it('runs the rollout example on loopback: shadow → off → promoted → off, each step on the next calls', async () => {
  const lines: string[] = [];
  // refreshConfig() right after each publish keeps this fast; `npm run example:rollout` waits for real polls.
  const steps = await main({ trigger: 'refresh', observeMs: 600, predictionEveryMs: 50, log: (line) => lines.push(line) });
  expect(steps.map((step) => [step.version, step.mode])).toEqual([
    [1, 'shadow'],
    [2, 'off'],
    [3, 'promoted'],
    [4, 'off'],
  ]);
  const [shadow, kill, promoted, rollback] = steps.map((step) => step.after);
  // shadow: v1 serves, every call is also sent to v2
  expect(shadow!.servedBy.v2).toBe(0);
  expect(shadow!.shadowCallsTo).toEqual({ v1: 0, v2: shadow!.predictions });
  // kill: v1 serves, no shadow calls at all
  expect(kill!.servedBy.v2).toBe(0);
  expect(kill!.shadowCallsTo).toEqual({ v1: 0, v2: 0 });
  // promoted: v2 serves, v1 is shadowed (comparison continues after promotion)
  expect(promoted!.servedBy.v1).toBe(0);
  expect(promoted!.shadowCallsTo).toEqual({ v1: promoted!.predictions, v2: 0 });
  // rollback: v1 serves again, no shadow calls
  expect(rollback!.servedBy.v2).toBe(0);
  expect(rollback!.shadowCallsTo).toEqual({ v1: 0, v2: 0 });
  for (const window of [shadow, kill, promoted, rollback]) expect(window!.predictions).toBeGreaterThan(2);
  expect(lines.join('\n')).toMatch(/v2 +client: version 2 confirmed → mode off/);
});
