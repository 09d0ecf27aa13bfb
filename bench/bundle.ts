/**
 * Bundle cost of the browser client, measured the way an app pays it: esbuild bundles an entry that
 * imports from the package (resolved to src/), minified, then gzip -9. Each scenario is a tiny app.
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

export const BUNDLE_SCENARIOS: Record<string, string> = {
  'full browser client (predict + indexedDbStore + all comparators)': `
    import { createShadowClient, indexedDbStore, exact, numeric, label, topK } from 'shadowcast';
    export const client = createShadowClient({ experiment: 'e', live: { url: 'https://a.example' }, shadow: { url: 'https://b.example' },
      sampleRate: 0.1, storage: indexedDbStore(), compare: [exact(), numeric(), label('l'), topK(3)][0], collector: { url: 'https://c.example' } });`,
  'run() only, memory store': `
    import { createShadowClient, memoryStore } from 'shadowcast';
    export const client = createShadowClient({ experiment: 'e', sampleRate: 0.1, storage: memoryStore() });`,
  'dependencies alone (ky + idb-keyval)': `
    import ky from 'ky'; import { createStore, get, set, delMany, keys } from 'idb-keyval';
    export const f = (u) => ky.post(u, { json: {} }).json(); export { createStore, get, set, delMany, keys };`,
};

export interface BundleSize {
  minified: number;
  gzip: number;
}

export async function measureBundle(source: string): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    alias: { shadowcast: `${root}src/index.ts` },
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

export async function benchBundles(): Promise<Record<string, BundleSize>> {
  const out: Record<string, BundleSize> = {};
  for (const [name, source] of Object.entries(BUNDLE_SCENARIOS)) out[name] = await measureBundle(source);
  return out;
}
