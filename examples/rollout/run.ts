/**
 * A rollout driven by remote config, for real, on loopback: a config server, the current model (v1)
 * and the new one (v2), and a client predicting four times a second. The operator publishes
 * shadow → off (kill) → promoted → off (rollback), and the timeline shows when the client picked up
 * each document and what it did: which model served, which shadow calls were made or stopped.
 *
 * Run: `npm run example:rollout` (polls every 10 s, the minimum; takes about a minute), or add
 * `--refresh` to call client.refreshConfig() right after each publish (as a push channel would).
 */
import { createShadowClient, memoryStore, numeric, type ConfigState } from 'shadowcast';
import { startConfigServer, startModel } from './servers.ts';

export interface StepResult {
  version: number;
  mode: string;
  /** From publishing the document to the client applying it. */
  appliedAfterMs: number;
  /** What happened between publishing and applying (the old document still in force). */
  before: Window;
  /** What happened in the `observeMs` after applying. */
  after: Window;
}

interface Window {
  predictions: number;
  servedBy: { v1: number; v2: number };
  shadowCallsTo: { v1: number; v2: number };
}

export interface RolloutOptions {
  /** `poll`: wait for the client's own poll; `refresh`: call refreshConfig() after each publish. */
  trigger?: 'poll' | 'refresh';
  pollIntervalMs?: number;
  /** How long each step is watched after the client applied it. */
  observeMs?: number;
  predictionEveryMs?: number;
  log?: (line: string) => void;
}

const EXPERIMENT = 'credit-risk-v2';

/** The documents the operator publishes, in order (README "Rollout playbook"). */
export function rolloutDocuments(issuedAt = new Date().toISOString()) {
  const publish = (version: number, entry: Record<string, unknown>, what: string) => ({
    what,
    document: { version, issuedAt, hashVersion: 1, experiments: { [EXPERIMENT]: { sampleRate: 1, ...entry } } },
  });
  return [
    publish(1, { enabled: true, mode: 'shadow' }, 'shadow, sampleRate 1'),
    publish(2, { enabled: false, mode: 'shadow' }, 'enabled: false (kill switch)'),
    publish(3, { enabled: true, mode: 'promoted' }, 'promoted (v2 serves, v1 is shadowed)'),
    publish(4, { enabled: true, mode: 'off' }, 'mode: off (rollback: v1 serves, no shadow)'),
  ];
}

export async function main(options: RolloutOptions = {}): Promise<StepResult[]> {
  const { trigger = 'poll', pollIntervalMs = 10_000, observeMs = 2000, predictionEveryMs = 250, log = console.log } = options;
  const config = await startConfigServer();
  const v1 = await startModel('v1');
  const v2 = await startModel('v2');
  const t0 = Date.now();
  const at = (time: number) => `+${((time - t0) / 1000).toFixed(3)}s`.padStart(9);
  const line = (time: number, version: string, text: string) => log(`${at(time)}  ${version.padEnd(3)}  ${text}`);

  const steps = rolloutDocuments();
  config.publish(steps[0]!.document); // published before the client starts: its first fetch finds it

  const client = createShadowClient<{ id: number; x: number }, { model: string; score: number }>({
    experiment: EXPERIMENT,
    live: { url: v1.url },
    shadow: { url: v2.url, timeoutMs: 1000 },
    remoteConfig: { url: config.url, pollIntervalMs },
    compare: numeric({ abs: 0.05, path: 'score' }),
    storage: memoryStore(),
    onError: (error) => line(Date.now(), '', `[onError] ${error.message}`),
  });
  config.onRequest = ({ at: time, status, ifNoneMatch }) =>
    line(time, '', `config server: GET${ifNoneMatch ? ` If-None-Match ${ifNoneMatch}` : ''} → ${status}`);
  client.onConfigChange((state) => line(Date.now(), state.version ? `v${state.version}` : '', `client: ${describeState(state)}`));

  // The application: a steady stream of predictions, each answered by whichever model serves.
  const served: { at: number; id: number; model: string }[] = [];
  let running = true;
  const traffic = (async () => {
    for (let id = 0; running; id++) {
      const startedAt = Date.now(); // a call reads the settings in force when it starts
      const answer = await client.predict({ id, x: id % 100 }, { key: `user-${id % 50}` });
      served.push({ at: startedAt, id, model: answer.model });
      await new Promise((resolve) => setTimeout(resolve, predictionEveryMs));
    }
  })();

  /** Predictions started in [from, to), and the shadow calls they caused (matched by input id: a shadow starts just after its live call). */
  const window = (from: number, to: number): Window => {
    const answers = served.filter((a) => a.at >= from && a.at < to);
    const ids = new Set(answers.map((a) => a.id));
    const shadows = (calls: { id: number; shadow: boolean }[]) => calls.filter((c) => c.shadow && ids.has(c.id)).length;
    return {
      predictions: answers.length,
      servedBy: { v1: answers.filter((a) => a.model === 'v1').length, v2: answers.filter((a) => a.model === 'v2').length },
      shadowCallsTo: { v1: shadows(v1.calls), v2: shadows(v2.calls) },
    };
  };
  const describeWindow = (w: Window) => {
    if (w.predictions === 0) return 'no predictions in between';
    const by = w.servedBy.v2 === 0 ? 'v1' : w.servedBy.v1 === 0 ? 'v2' : `v1 ×${w.servedBy.v1} and v2 ×${w.servedBy.v2}`;
    const shadows = [w.shadowCallsTo.v2 && `${w.shadowCallsTo.v2} to v2`, w.shadowCallsTo.v1 && `${w.shadowCallsTo.v1} to v1`].filter(Boolean).join(', ') || 'none';
    return `${w.predictions} predictions, served by ${by}; shadow calls: ${shadows}`;
  };

  log(`${'time'.padStart(9)}  doc  what happened   (trigger: ${trigger === 'poll' ? `the client's own poll every ${pollIntervalMs / 1000} s` : 'refreshConfig() after each publish'})`);
  const results: StepResult[] = [];
  let publishedAt = t0;
  line(t0, 'v1', `published: ${steps[0]!.what}`);
  for (let index = 0; index < steps.length; index++) {
    const { document } = steps[index]!;
    if (index > 0) {
      publishedAt = Date.now();
      config.publish(document);
      line(publishedAt, `v${document.version}`, `published: ${steps[index]!.what}`);
      if (trigger === 'refresh') void client.refreshConfig();
    }
    const state = await versionApplied(client, document.version);
    const appliedAt = Date.now();
    line(appliedAt, `v${document.version}`, index === 0 ? 'in force from the first fetch' : `in force ${appliedAt - publishedAt} ms after publishing`);
    // With real polling, the shadow phase is watched for one full poll, so the timeline shows a 304 confirmation.
    const watchMs = index === 0 && trigger === 'poll' ? Math.max(observeMs, pollIntervalMs + 500) : observeMs;
    await new Promise((resolve) => setTimeout(resolve, watchMs));
    const end = Date.now();
    await client.flush(); // lets the shadows of the calls counted below finish first
    const before = window(publishedAt, appliedAt);
    const after = window(appliedAt, end);
    if (index > 0) line(end, `v${document.version}`, `calls started between publishing and applying (old document): ${describeWindow(before)}`);
    line(end, `v${document.version}`, `calls started in the ${(watchMs / 1000).toFixed(1)} s after applying: ${describeWindow(after)}`);
    results.push({ version: document.version, mode: state.mode, appliedAfterMs: appliedAt - publishedAt, before, after });
  }

  running = false;
  await traffic;
  await client.close();
  const stats = client.stats();
  log(`done: ${stats.predictions} predictions, ${stats.shadowed} shadowed, ${stats.skipped.config_pending ?? 0} before the first document (config_pending), config requests ${config.requests.length} (${config.requests.filter((r) => r.status === 304).length} answered 304)`);
  await Promise.all([config.close(), v1.close(), v2.close()]);
  return results;
}

function versionApplied(client: { config(): ConfigState; onConfigChange(listener: (state: ConfigState) => void): () => void }, version: number): Promise<ConfigState> {
  const now = client.config();
  if (now.version === version && now.status === 'confirmed') return Promise.resolve(now);
  return new Promise((resolve) => {
    const stop = client.onConfigChange((state) => {
      if (state.version === version && state.status === 'confirmed') {
        stop();
        resolve(state);
      }
    });
  });
}

function describeState(state: ConfigState): string {
  if (state.status !== 'confirmed') return `status ${state.status} (no shadowing)`;
  return `version ${state.version} confirmed → mode ${state.mode}${state.mode === 'off' ? '' : `, sampleRate ${state.settings?.sampleRate}`}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main({ trigger: process.argv.includes('--refresh') ? 'refresh' : 'poll' });
}
