/**
 * The universal entry must run anywhere: no `node:` import may reach a browser bundle, no eval or
 * `new Function` (CSP), and merely importing it must touch no globals (zod's bundle-leak lesson).
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

async function browserBundle(): Promise<string> {
  const result = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'browser', minify: false, logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}

describe('universal entry', () => {
  it('bundles for the browser with no node: import, no eval and no new Function', async () => {
    const code = await browserBundle();
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);
    expect(code).not.toMatch(/\beval\(/);
    expect(code).not.toMatch(/new Function\(/);
  });

  it('touches no timers, storage or listeners at import time', async () => {
    const touched: string[] = [];
    const spy = (name: string) => vi.fn(() => void touched.push(name));
    vi.stubGlobal('setTimeout', spy('setTimeout'));
    vi.stubGlobal('setInterval', spy('setInterval'));
    vi.stubGlobal('addEventListener', spy('addEventListener'));
    vi.stubGlobal('indexedDB', { open: spy('indexedDB.open') });
    vi.stubGlobal('fetch', spy('fetch'));
    try {
      vi.resetModules();
      const module = await import('../../src/index');
      expect(typeof module.createShadowClient).toBe('function');
      expect(touched).toEqual([]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
