/**
 * Collector: ingest throughput (records/s acknowledged, durable) with the collector alone in its process
 * (one core: Node runs JS on one thread), fed 100-record batches over keep-alive HTTP from this process;
 * and the time to build the report over 1M stored records.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReport } from '../src/collector/report/build-report.ts';
import { createIngest } from '../src/collector/ingest.ts';
import { openRecordLog, recordLine } from '../src/collector/record-log.ts';

type Row = [string, string, string, string, string];
const root = fileURLToPath(new URL('../', import.meta.url));
/** Concurrent uploads, as from a fleet of clients: each waits for its batch's fsync, so capacity needs several in flight. */
const CONNECTIONS = 32;

function record(i: number, session = 's'): Record<string, unknown> & { id: string } {
  const live = i % 3 ? 'Adelie' : 'Gentoo';
  const shadow = i % 17 === 0 ? 'Chinstrap' : live;
  return {
    id: `${session}-${i.toString(36)}`,
    experiment: `exp-${i % 4}`,
    ts: new Date(Date.UTC(2026, 10, 22) + i * 37).toISOString(),
    session,
    seq: i,
    sampleRate: 0.25,
    hashVersion: 1,
    mode: 'shadow',
    served: 'baseline',
    key: (i * 2654435761).toString(16).padStart(16, '0').slice(-16),
    input: { mass_g: 3000 + (i % 3000), bill_mm: 40 + (i % 20), island: ['Biscoe', 'Dream', 'Torgersen'][i % 3] },
    context: { channel: i % 2 ? 'web' : 'app' },
    outcome: live === shadow ? 'match' : 'mismatch',
    live: { ok: true, status: 200, latencyMs: 3 + (i % 50) / 10, output: { species: live } },
    shadow: { ok: true, status: 200, latencyMs: 9 + (i % 90) / 10, output: { species: shadow } },
    comparison: { match: live === shadow, kind: 'label' },
  };
}

async function ingestRate(seconds: number): Promise<{ recordsPerSecond: number; batches: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-collector-'));
  const child = spawn(process.execPath, ['--import', './scripts/source-hooks.mjs', 'test/collector/fixtures/collector-process.ts', dir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = new URL(await new Promise<string>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))));
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    let next = 0;
    const body = () => {
      const records = Array.from({ length: 100 }, () => record(next++, 'bench'));
      return JSON.stringify({ schema: 'shadowcast.batch/1', batchId: `b-${next}`, sentAt: new Date().toISOString(), sdk: { name: 'shadowcast', version: '0.1.0' }, dropped: {}, records });
    };
    const send = (payload: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const request = http.request({ host: url.hostname, port: url.port, path: '/v1/batches', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk));
          response.on('end', () => resolve(response.statusCode === 200 ? (JSON.parse(text) as { accepted: number }).accepted : 0));
        });
        request.on('error', reject);
        request.end(payload);
      });
    // Unique bodies are built ahead as bytes, so the generator's own work (it shares the two cores) stays small.
    const bodies = Array.from({ length: Math.ceil((seconds * 80_000) / 100) }, () => Buffer.from(body()));
    let accepted = 0;
    let batches = 0;
    const started = performance.now();
    const until = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < until && batches < bodies.length) {
          // Not `accepted += await …`: that reads `accepted` before the await and loses other workers' counts.
          const taken = await send(bodies[batches++]!);
          accepted += taken;
        }
      }),
    );
    agent.destroy();
    return { recordsPerSecond: accepted / ((performance.now() - started) / 1000), batches };
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ingest pipeline alone (decode, validate, dedupe, append, fsync), no HTTP: what one core can take. */
async function pipelineRate(batches: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  try {
    const log = await openRecordLog(dir);
    const ingest = createIngest(log, { maxDecodedBytes: 8 * 1024 * 1024 });
    let next = 0;
    const body = () => Buffer.from(JSON.stringify({ schema: 'shadowcast.batch/1', batchId: `p-${next}`, sentAt: new Date().toISOString(), sdk: { name: 'shadowcast', version: '0.1.0' }, dropped: {}, records: Array.from({ length: 100 }, () => record(next++, 'pipe')) }));
    for (const warm of Array.from({ length: 50 }, body)) await ingest(warm, false);
    const bodies = Array.from({ length: batches }, body);
    const started = performance.now();
    // 32 in flight, as over the network: they share group-committed fsyncs.
    for (let i = 0; i < bodies.length; i += 32) await Promise.all(bodies.slice(i, i + 32).map((payload) => ingest(payload, false)));
    const rate = (batches * 100) / ((performance.now() - started) / 1000);
    await log.close();
    return rate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function reportTime(records: number): Promise<{ seconds: number; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  try {
    const day = join(dir, 'records', '2026-11-22');
    mkdirSync(day, { recursive: true });
    let bytes = 0;
    for (let file = 0, done = 0; done < records; file++) {
      const lines: string[] = [];
      for (let i = 0; i < 100_000 && done < records; i++, done++) lines.push(recordLine(record(done, `s${done % 50}`)));
      const text = `${lines.join('\n')}\n`;
      writeFileSync(join(day, `segment-${file}.ndjson`), text);
      bytes += statSync(join(day, `segment-${file}.ndjson`)).size;
    }
    const started = performance.now();
    const report = await buildReport(dir);
    const seconds = (performance.now() - started) / 1000;
    if (report.records !== records) throw new Error(`report saw ${report.records} records, expected ${records}`);
    return { seconds, bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCollector({ quick = false } = {}): Promise<Row[]> {
  const pipeline = await pipelineRate(quick ? 300 : 1000);
  const ingest = await ingestRate(quick ? 3 : 8);
  const size = quick ? 200_000 : 1_000_000;
  const report = await reportTime(size);
  const perMillion = report.seconds * (1_000_000 / size);
  return [
    ['collector', 'ingest pipeline alone, one core (validate, dedupe, fsync)', `${Math.round(pipeline).toLocaleString('en-US')} records/s`, 'no HTTP', `${pipeline >= 50_000 ? 'ok' : 'MISSED'} (goal ≥ 50,000/s)`],
    ['collector', 'ingest over HTTP, 100-record batches, fsync before ack', `${Math.round(ingest.recordsPerSecond).toLocaleString('en-US')} records/s`, `${ingest.batches} batches over ${CONNECTIONS} keep-alive connections`, `${ingest.recordsPerSecond >= 50_000 ? 'ok' : 'MISSED'} (goal ≥ 50,000/s)`],
    ['collector', `report over ${size.toLocaleString('en-US')} records`, `${report.seconds.toFixed(1)} s`, `${(report.bytes / 1e6).toFixed(0)} MB of NDJSON${quick ? `; ≈${perMillion.toFixed(1)} s per 1M` : ''}`, `${perMillion < 10 ? 'ok' : 'MISSED'} (goal < 10 s per 1M)`],
  ];
}
