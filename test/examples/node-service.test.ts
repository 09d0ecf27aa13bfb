import { expect, it } from 'vitest';
import { main } from '../../examples/node-service/run';

it('runs the Node service example end to end on loopback and uploads every record', async () => {
  const lines: string[] = [];
  const stats = await main({ predictions: 120, log: (line) => lines.push(line) });
  expect(stats.predictions).toBe(120);
  expect(stats.sampled).toBeGreaterThan(10);
  expect(stats.uploaded).toBe(stats.recorded);
  expect(stats.queued).toBe(0);
  expect(lines.join('\n')).toMatch(/served 120 predictions from the live model/);
});
