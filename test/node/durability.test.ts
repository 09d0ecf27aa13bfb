/**
 * Node durability with real processes: a process writing with fileStore while the collector is down is
 * killed with SIGKILL, and a new process on the same directory delivers everything; a script that just
 * ends delivers what it recorded (beforeExit flush).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { createCollector, type Collector } from 'shadowcast/collector';
import { storedIds } from '../helpers/collector-data';
import { matrixRow, renderMatrix } from '../helpers/loss-account';

const root = fileURLToPath(new URL('../../', import.meta.url));
const collectors: Collector[] = [];
afterEach(async () => {
  await Promise.all(collectors.splice(0).map((collector) => collector.close()));
});

function runScript(script: string, env: Record<string, string>, onLine?: (line: string, kill: () => void) => void) {
  const child = spawn(process.execPath, ['--import', './scripts/source-hooks.mjs', '--input-type=module', '-e', script], { cwd: root, env: { ...process.env, ...env } });
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk));
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
    for (const line of String(chunk).split('\n')) if (line) onLine?.(line, () => child.kill('SIGKILL'));
  });
  return new Promise<{ code: number | null; signal: string | null; output: string; errors: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, output, errors })),
  );
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startCollector(): Promise<{ url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'shadowcast-collector-'));
  const collector = await createCollector({ dir });
  collectors.push(collector);
  return { url: `${await collector.listen()}/v1/batches`, dir };
}


const WRITER = `
  import { createShadowClient, fileStore } from 'shadowcast/node';
  const client = createShadowClient({ experiment: 'kill', sampleRate: 1, storage: fileStore(process.env.DIR), collector: { url: process.env.COLLECTOR } });
  const call = (i) => client.run({ id: 'k-' + i, input: i, live: () => i, shadow: async () => i });
  let i = 0;
  for (; i < 200; i++) await call(i);
  await client.flush();                      // sealed and in the store; the collector is down
  console.log('flushed ' + i);
  for (; i < 300; i++) await call(i);        // still in the open batch: only the 1 s checkpoint saves these
  await new Promise((resolve) => setTimeout(resolve, 1500));
  console.log('checkpointed ' + i);
  setInterval(() => void call(i++), 5);      // keeps writing until killed
`;

const DRAINER = `
  import { createShadowClient, fileStore } from 'shadowcast/node';
  const client = createShadowClient({ experiment: 'kill', sampleRate: 1, storage: fileStore(process.env.DIR), collector: { url: process.env.COLLECTOR } });
  const result = await client.flush();
  console.log(JSON.stringify({ result, stats: client.stats() }));
  await client.close();
`;

it('a process killed with SIGKILL loses nothing it handed to fileStore: the next process delivers it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shadowcast-kill-'));
  const down = `http://127.0.0.1:${await freePort()}/v1/batches`;
  const killed = await runScript(WRITER, { DIR: dir, COLLECTOR: down }, (line, kill) => {
    if (line.startsWith('checkpointed')) setTimeout(kill, 100);
  });
  expect(killed.signal).toBe('SIGKILL');
  expect(killed.output).toMatch(/flushed 200\ncheckpointed 300/);

  const collector = await startCollector();
  const drained = await runScript(DRAINER, { DIR: dir, COLLECTOR: collector.url });
  expect(drained.code, drained.errors).toBe(0);
  const ids = new Set(storedIds(collector.dir));
  const missing = Array.from({ length: 300 }, (_, i) => `k-${i}`).filter((id) => !ids.has(id));
  expect(missing).toEqual([]);
  // Records written in the last instant before the kill (after the last checkpoint) may be lost by design (≤ 1 s);
  // the row counts what was handed to the store before it.
  console.log(renderMatrix('Fault matrix (Node, real processes)', [matrixRow('kill -9 (fileStore, collector down)', 300, 300 - missing.length, 0, {})]));
  expect(JSON.parse(drained.output)).toMatchObject({ result: { ok: true, pending: 0 }, stats: { queued: 0 } });
}, 30_000);

it('a Node script that simply ends still delivers what it recorded (flush on beforeExit)', async () => {
  const collector = await startCollector();
  const script = `
    import { createShadowClient, memoryStore } from 'shadowcast/node';
    const client = createShadowClient({ experiment: 'exit', sampleRate: 1, storage: memoryStore(), collector: { url: process.env.COLLECTOR } });
    for (let i = 0; i < 20; i++) await client.run({ input: i, live: () => i, shadow: async () => i });
  `;
  const result = await runScript(script, { COLLECTOR: collector.url });
  expect(result.code, result.errors).toBe(0);
  expect(storedIds(collector.dir)).toHaveLength(20);
}, 30_000);

it('close({ timeoutMs }) returns within its bound when the collector hangs, and says what is pending', async () => {
  const hanging = http.createServer(() => {}); // accepts, never answers
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const script = `
    import { createShadowClient, memoryStore } from 'shadowcast/node';
    const client = createShadowClient({ experiment: 'close', sampleRate: 1, storage: memoryStore(), collector: { url: process.env.COLLECTOR } });
    for (let i = 0; i < 5; i++) await client.run({ input: i, live: () => i, shadow: async () => i });
    const started = performance.now();
    const result = await client.close({ timeoutMs: 300 });
    client.run({ input: 9, live: () => 9, shadow: async () => 9 });
    console.log(JSON.stringify({ result, withinBound: performance.now() - started < 3000, dropped: client.stats().dropped }));
    process.exit(0);
  `;
  const result = await runScript(script, { COLLECTOR: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/v1/batches` });
  hanging.closeAllConnections();
  hanging.close();
  expect(JSON.parse(result.output)).toEqual({ result: { ok: false, pending: 5 }, withinBound: true, dropped: {} });
}, 30_000);
