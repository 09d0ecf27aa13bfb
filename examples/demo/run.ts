/**
 * `npm run demo`: a new penguin classifier is shadowed on real data before anyone trusts it.
 * Fully local: two model servers, the collector and the client all run on 127.0.0.1.
 *   npm run demo                 the new model's serving code has a bug (a feature from the wrong column)
 *   npm run demo -- --fixed      the same, bug fixed
 * Options: --predictions N (default 3000), --data DIR (keep the collector's files), --html FILE (default report.html)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createShadowClient, label, memoryStore, type Stats } from 'shadowcast';
import { buildReport, createCollector, renderReportHtml, renderReportText, type ExperimentReport } from 'shadowcast/collector';
import { fieldMeasurements, loadPenguins, seededRandom, split } from './data.ts';
import { currentFeatures, newFeatures, type Measurements } from './features.ts';
import { inferRequest, startInferenceServer, startPredictServer, type InferRequest } from './model-servers.ts';
import { trainModel } from './models.ts';
import { progressBar } from './progress.ts';

export interface DemoOptions {
  fixed?: boolean;
  predictions?: number;
  /** Keep the collector's files here (default: a temporary directory, removed afterwards). */
  dataDir?: string;
  /** Where to write the HTML report; `false` for none. */
  htmlPath?: string | false;
  out?: (line: string) => void;
  progress?: boolean;
}

export interface DemoResult {
  experiment: ExperimentReport;
  reportText: string;
  stats: Stats;
  predictions: number;
  /** Answers users got that were exactly the current model's answer. */
  servedByCurrent: number;
}

const EXPERIMENT = 'penguins-v2';

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const out = options.out ?? ((line: string) => console.log(line));
  const fixed = options.fixed ?? false;
  const predictions = options.predictions ?? 3000;
  const started = performance.now();
  out(`shadowcast demo: shadowing a new penguin classifier on real data${fixed ? ' (bug fixed)' : ''}\n`);

  const penguins = loadPenguins();
  const random = seededRandom(2026);
  const { train, test } = split(penguins, 0.7, random);
  const current = trainModel('penguins-v1', train, test, { trees: 150, seed: 3 });
  const next = trainModel('penguins-v2', train, test, { trees: 200, seed: 11 });
  out(`1/4 training   Palmer penguins (${penguins.length} birds): ${train.length} to train, ${test.length} to test`);
  out(`               current model  ${current.description.padEnd(26)} test accuracy ${pct(current.accuracy)}`);
  out(`               new model      ${next.description.padEnd(26)} test accuracy ${pct(next.accuracy)}   (offline, it looks ready)`);

  const live = await startInferenceServer(current, currentFeatures);
  const shadow = await startPredictServer(next, (m) => newFeatures(m, { fixed }));
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'shadowcast-demo-'));
  const collector = await createCollector({ dir });
  const collectorUrl = await collector.listen();
  out(`\n2/4 serving    current model  ${live.url}  (Open Inference Protocol)`);
  out(`               new model      ${shadow.url}  (TF Serving API; ${fixed ? 'its feature builder is fixed' : 'its feature builder reads bill depth from the bill-length column'})`);
  out(`               collector      ${collectorUrl}/v1/batches`);

  const client = createShadowClient<InferRequest, { species: string }>({
    experiment: EXPERIMENT,
    live: { url: live.url },
    shadow: { url: shadow.url, timeoutMs: 2000 },
    sampleRate: 0.5,
    compare: label('species'),
    // The new stack speaks another API: same measurements, another envelope.
    mapShadowRequest: (request) => ({ instances: [measurementsOf(request)] }),
    // One prediction shape out of both APIs' answers.
    extract: (body) => {
      const answer = body as { outputs?: { data: string[] }[]; predictions?: { species: string }[] };
      return { species: answer.outputs?.[0]?.data[0] ?? answer.predictions?.[0]?.species ?? 'unknown' };
    },
    capture: { input: 'full' },
    storage: memoryStore(),
    collector: { url: `${collectorUrl}/v1/batches` },
  });

  out(`\n3/4 shadowing  ${predictions.toLocaleString('en-US')} field measurements; half the birds (sticky by band id) also go to the new model`);
  const traffic = fieldMeasurements(penguins, predictions, random);
  const bar = progressBar(predictions, '               ');
  let done = 0;
  let servedByCurrent = 0;
  const workers = Array.from({ length: 4 }, async (_, worker) => {
    for (let i = worker; i < traffic.length; i += 4) {
      const bird = traffic[i]!;
      const answer = await client.predict(inferRequest(bird), { key: bird.band, context: { island: bird.island, sex: bird.sex } });
      if (answer.species === current.predict(currentFeatures(bird))) servedByCurrent++;
      done++;
      if (options.progress !== false && (done % 50 === 0 || done === predictions)) bar.update(done, `· shadowed ${client.stats().shadowed}`);
    }
  });
  await Promise.all(workers);
  bar.done();
  await client.close();
  const stats = client.stats();
  out(`               every answer users got came from the current model: ${servedByCurrent.toLocaleString('en-US')} of ${predictions.toLocaleString('en-US')}`);
  out(`               ${stats.shadowed.toLocaleString('en-US')} shadowed, ${stats.uploaded.toLocaleString('en-US')} records delivered, ${Object.keys(stats.dropped).length ? JSON.stringify(stats.dropped) : 'none dropped'}`);

  const report = await buildReport(dir);
  const reportText = renderReportText(report);
  out('\n4/4 report\n');
  out(reportText.trimEnd());
  const htmlPath = options.htmlPath ?? 'report.html';
  if (htmlPath) {
    writeFileSync(htmlPath, renderReportHtml(report));
    out(`\nwrote ${htmlPath} · ${((performance.now() - started) / 1000).toFixed(1)} s · ${fixed ? 'compare with `npm run demo` (the bug)' : 'now try `npm run demo -- --fixed`'}`);
  }

  await Promise.all([live.close(), shadow.close(), collector.close()]);
  if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
  return { experiment: report.experiments.find((e) => e.experiment === EXPERIMENT)!, reportText, stats, predictions, servedByCurrent };
}

function measurementsOf(request: InferRequest): Measurements {
  return Object.fromEntries(request.inputs.map((input) => [input.name, input.data[0]])) as unknown as Measurements;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { fixed: { type: 'boolean', default: false }, predictions: { type: 'string' }, data: { type: 'string' }, html: { type: 'string' } } });
  await runDemo({
    fixed: values.fixed,
    ...(values.predictions ? { predictions: Number(values.predictions) } : {}),
    ...(values.data ? { dataDir: values.data } : {}),
    ...(values.html ? { htmlPath: values.html } : {}),
  });
}
