/**
 * The browser example's page script (bundled by serve.ts with esbuild). A loan form scored by the live model;
 * the new model is shadowed on a sample that the remote config decides. The admin buttons publish a new
 * document and ask the client to re-read it at once (as an app's push channel would); without that, the
 * client's own poll picks it up within `pollIntervalMs`.
 */
import { createShadowClient, numeric } from 'shadowcast';

type Applicant = { income: number; debt: number; age: number };

const client = createShadowClient<Applicant, { score: number }>({
  experiment: 'credit-risk-v2',
  live: { url: `${location.origin}/v1/models/credit-risk-v1/predict` },
  compare: numeric({ abs: 0.01, path: 'score' }),
  // The document names the shadow (shadowUrl) and the sampling; allowOrigins bounds where it may point.
  remoteConfig: { url: `${location.origin}/shadowcast.json`, pollIntervalMs: 10_000, allowOrigins: [location.origin] },
  collector: { url: `${location.origin}/v1/batches` },
  upload: { maxBatchRecords: 20, flushIntervalMs: 1000 },
});

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const show = () => {
  const stats = client.stats();
  const config = client.config();
  $('config').textContent = config.settings
    ? `version ${config.version} · mode ${config.mode} · sampling ${Math.round(config.settings.sampleRate * 100)}%`
    : `${config.status} (mode ${config.mode})`;
  $('stats').textContent = JSON.stringify(
    { predictions: stats.predictions, shadowed: stats.shadowed, agreed: stats.agreed, disagreed: stats.disagreed, recorded: stats.recorded, uploaded: stats.uploaded, queued: stats.queued, skipped: stats.skipped, dropped: stats.dropped },
    null,
    2,
  );
};
client.onConfigChange(show);
setInterval(show, 250);

let applicant = 0;
async function score(): Promise<number> {
  applicant++;
  const input = { income: 20_000 + ((applicant * 7919) % 90_000), debt: (applicant * 104_729) % 30_000, age: 20 + (applicant % 50) };
  const { score } = await client.predict(input, { key: `applicant-${applicant}` });
  return score;
}

$('score').addEventListener('click', async () => {
  $('answer').textContent = `score ${(await score()).toFixed(3)} (from the live model)`;
});

let traffic: ReturnType<typeof setInterval> | undefined;
$('traffic').addEventListener('click', () => {
  if (traffic) {
    clearInterval(traffic);
    traffic = undefined;
    $('traffic').textContent = 'Send 20 predictions/s';
  } else {
    traffic = setInterval(() => void score(), 50);
    $('traffic').textContent = 'Stop traffic';
  }
});

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-publish]')) {
  button.addEventListener('click', async () => {
    await fetch('/admin/config', { method: 'POST', body: button.dataset.publish ?? '{}' });
    await client.refreshConfig();
    show();
  });
}

// For the example's test: the page's client, to read its stats and flush.
(globalThis as { shadowcast?: unknown }).shadowcast = client;
show();
