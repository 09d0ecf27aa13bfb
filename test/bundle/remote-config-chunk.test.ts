/**
 * Remote config must cost apps without `remoteConfig` nothing they download: the machinery and zod/mini
 * sit behind one dynamic import(), which code-splitting bundlers turn into a chunk of their own. And the
 * chunk must stay CSP-safe (zod/mini never compiles parsers with `new Function`, unlike classic zod).
 */
import { build, type OutputFile } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

async function splitBundle(): Promise<{ lazy: OutputFile; eager: OutputFile[] }> {
  const result = await build({ entryPoints: [entry], bundle: true, splitting: true, outdir: '/virtual', write: false, format: 'esm', platform: 'browser', minify: true, logLevel: 'silent' });
  const lazy = result.outputFiles.filter((file) => /remote-config-[A-Z0-9]+\.js$/.test(file.path));
  expect(lazy).toHaveLength(1);
  return { lazy: lazy[0]!, eager: result.outputFiles.filter((file) => file !== lazy[0]) };
}

describe('the remote-config chunk', () => {
  it('holds zod and the config machinery; nothing eager does', async () => {
    const { lazy, eager } = await splitBundle();
    expect(lazy.text).toMatch(/_zod/);
    expect(lazy.text).toMatch(/if-none-match/);
    for (const file of eager) {
      expect(file.text).not.toMatch(/_zod/);
      expect(file.text).not.toMatch(/if-none-match/);
    }
    expect(eager.some((file) => /import\("\.\/remote-config-[A-Z0-9]+\.js"\)/.test(file.text))).toBe(true);
  });

  it('is CSP-safe: no eval and no Function constructor', async () => {
    const { lazy } = await splitBundle();
    expect(lazy.text).not.toMatch(/\beval\(/);
    expect(lazy.text).not.toMatch(/new Function\(|\bFunction\(/);
  });
});
