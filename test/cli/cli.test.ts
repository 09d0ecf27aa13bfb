/** The `shadowcast` command, run from source as a user runs it: arguments, exit codes, outputs. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createCollector } from 'shadowcast/collector';
import { makeBatch, makeRecord, post } from '../helpers/wire';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', './scripts/source-hooks.mjs', 'src/cli.ts', ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('shadowcast CLI', () => {
  it('prints help, and says what is wrong with bad arguments (exit 2)', async () => {
    expect((await cli('--help')).stdout).toMatch(/shadowcast collect --dir <dir>/);
    expect(await cli('report')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--dir is required, e\.g\. shadowcast report --dir \.\/shadow-data/) });
    expect(await cli('frobnicate')).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown command "frobnicate"/) });
    expect(await cli('report', '--dri', 'x')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--dri/) });
  });

  it('reports a collector directory as text, JSON and HTML', async () => {
    const collector = await createCollector({ dir });
    const base = await collector.listen();
    await post(`${base}/v1/batches`, makeBatch(Array.from({ length: 30 }, (_, i) => makeRecord({ experiment: 'cli-exp', seq: i }))));
    await collector.close();
    const text = await cli('report', '--dir', dir, '--html', join(dir, 'r.html'));
    expect(text).toMatchObject({ code: 0, stdout: expect.stringMatching(/━━ cli-exp ━━ 30 sampled calls/) });
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/<h2>cli-exp<\/h2>/);
    const json = JSON.parse((await cli('report', '--dir', dir, '--json')).stdout) as { experiments: { sampled: number }[] };
    expect(json.experiments[0]!.sampled).toBe(30);
  });

  it('validates remote-config documents before they are published', async () => {
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    writeFileSync(good, JSON.stringify({ version: 1, issuedAt: '2026-11-22T10:00:00Z', hashVersion: 1, experiments: { x: { enabled: true, mode: 'shadow', sampleRate: 0.1 } } }));
    writeFileSync(bad, JSON.stringify({ version: 1, issuedAt: '2026-11-22T10:00:00Z', hashVersion: 1, experiments: { x: { enabled: true, mode: 'shadow', sampleRate: 1.5 } } }));
    expect(await cli('validate-config', good)).toMatchObject({ code: 0, stdout: expect.stringMatching(/valid \(version 1, 1 experiments\)/) });
    expect(await cli('validate-config', bad)).toMatchObject({ code: 1, stdout: expect.stringMatching(/sampleRate: must be at most 1, received 1\.5[\s\S]*INVALID/) });
  });
});
