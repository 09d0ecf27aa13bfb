/**
 * The package as published: build it, then publint (exports map, files, types) and
 * @arethetypeswrong/cli (types resolve for ESM and CJS consumers under node16 and bundlers) must be clean,
 * and the built CLI must run. node10 resolution is out of scope: engines.node is >= 22.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => `${root}node_modules/.bin/${name}`;

describe('published package', () => {
  beforeAll(async () => {
    await run(bin('tsup'), [], { cwd: root, timeout: 120_000 });
  }, 150_000);

  it('publint finds nothing to fix', async () => {
    const { stdout } = await run(bin('publint'), ['--strict'], { cwd: root, timeout: 60_000 });
    expect(stdout).toMatch(/All good!/);
  }, 60_000);

  it('types resolve for every entry under node16 (ESM and CJS) and bundlers (attw)', async () => {
    const { stdout } = await run(bin('attw'), ['--pack', '.', '--profile', 'node16', '--format', 'json'], { cwd: root, timeout: 60_000 });
    const report = JSON.parse(stdout) as { analysis: { problems: { resolutionKind?: string }[] } };
    expect(report.analysis.problems.filter((problem) => problem.resolutionKind !== 'node10')).toEqual([]);
  }, 60_000);

  it('the built CLI and entries load', async () => {
    const { stdout } = await run(process.execPath, [`${root}dist/cli.js`, '--help'], { timeout: 20_000 });
    expect(stdout).toMatch(/shadowcast collect/);
    const { stdout: loaded } = await run(process.execPath, ['--input-type=module', '-e', "import('shadowcast').then(async (m) => { const n = await import('shadowcast/node'); const c = await import('shadowcast/collector'); console.log(typeof m.createShadowClient, typeof n.fileStore, typeof c.createCollector); })"], { cwd: root, timeout: 20_000 });
    expect(loaded.trim()).toBe('function function function');
  }, 60_000);
});
