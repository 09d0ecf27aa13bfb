/** The whole path on loopback: SDK client → collector → report. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createShadowClient, label, memoryStore } from 'shadowcast';
import { buildReport, createCollector, renderReportText } from 'shadowcast/collector';

it('ships records from a client to the collector and reports the planted disagreement', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-'));
  const collector = await createCollector({ dir, token: 'e2e' });
  const base = await collector.listen();
  try {
    const client = createShadowClient({
      experiment: 'species-v2',
      sampleRate: 1,
      storage: memoryStore(),
      compare: label('species'),
      capture: { input: 'full' },
      collector: { url: `${base}/v1/batches`, headers: { authorization: 'Bearer e2e' } },
      upload: { maxBatchRecords: 50 },
      maxConcurrentShadows: 1000, // instant fake models outrun the shadows; real I/O-bound callers do not
    });
    for (let i = 0; i < 400; i++) {
      const input = { mass_g: 3000 + (i % 40) * 75, island: ['Biscoe', 'Dream'][i % 2] };
      const truth = i % 3 ? 'Adelie' : 'Gentoo';
      // The new model's bug: heavy birds are always called Gentoo.
      await client.run({ input, key: `bird-${i}`, live: async () => ({ species: truth }), shadow: async () => ({ species: input.mass_g >= 5400 ? 'Gentoo' : truth }) });
    }
    await expect(client.close()).resolves.toEqual({ ok: true, pending: 0 });
    expect(client.stats()).toMatchObject({ uploaded: 400, dropped: {} });

    const report = await buildReport(dir);
    const [experiment] = report.experiments;
    expect(experiment).toMatchObject({ experiment: 'species-v2', sampled: 400, loss: { missing: 0, unexplained: 0 } });
    expect(experiment!.verdict.status).toBe('NOT READY');
    expect(experiment!.slices[0]).toMatchObject({ field: 'input.mass_g', value: expect.stringMatching(/^≥/) });
    expect(renderReportText(report)).toMatch(/species-v2/);
  } finally {
    await collector.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
