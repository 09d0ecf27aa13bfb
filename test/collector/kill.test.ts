/** Nothing acknowledged is lost when the collector process is killed (SIGKILL) right after answering 200. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { buildReport } from 'shadowcast/collector';
import { makeBatch, makeRecord, post } from '../helpers/wire';

const root = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

async function startProcess(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', './scripts/source-hooks.mjs', 'test/collector/fixtures/collector-process.ts', dir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)));
  });
  return { child, url };
}

it('keeps every acknowledged record, and its dedupe, after SIGKILL right after the 200', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'collector-kill-'));
  try {
    const first = await startProcess(dir);
    const batches = Array.from({ length: 5 }, (_, b) => makeBatch(Array.from({ length: 40 }, (_, i) => makeRecord({ experiment: 'kill', session: 'k', seq: b * 40 + i }))));
    for (const batch of batches) expect((await post(`${first.url}/v1/batches`, batch)).status).toBe(200);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await startProcess(dir);
    const retried = await post(`${second.url}/v1/batches`, batches[4]);
    expect(retried.body).toEqual({ accepted: 0, duplicates: 40, rejected: [] });
    const report = await buildReport(dir);
    expect(report.experiments[0]).toMatchObject({ experiment: 'kill', sampled: 200, loss: { missing: 0 } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
