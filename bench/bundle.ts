/**
 * Bundle cost of the browser client, measured the way an app pays it: esbuild bundles a tiny app that
 * imports from the package (resolved to src/), with code splitting on (as Vite, webpack and Rollup
 * builds have), minified, each output gzipped at level 9. "Up front" is what the page loads before any
 * code runs; remote config is a separate chunk loaded only by clients that set `remoteConfig`.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('../', import.meta.url));

const CLIENT = `{ experiment: 'e', live: { url: 'https://a.example' }, shadow: { url: 'https://b.example' },
  sampleRate: 0.1, storage: indexedDbStore(), compare: [exact(), numeric(), label('l'), topK(3)][0], collector: { url: 'https://c.example' } }`;

export const BUNDLE_SCENARIOS: Record<string, string> = {
  'full browser client (predict + indexedDbStore + all comparators)': `
    import { createShadowClient, indexedDbStore, exact, numeric, label, topK } from 'shadowcast';
    export const client = createShadowClient(${CLIENT});`,
  'full browser client with remoteConfig': `
    import { createShadowClient, indexedDbStore, exact, numeric, label, topK } from 'shadowcast';
    export const client = createShadowClient({ ...${CLIENT}, sampleRate: undefined, remoteConfig: { url: 'https://c.example/config.json' } });`,
  'run() only, memory store': `
    import { createShadowClient, memoryStore } from 'shadowcast';
    export const client = createShadowClient({ experiment: 'e', sampleRate: 0.1, storage: memoryStore() });`,
  'dependencies alone (ky + idb-keyval)': `
    import ky from 'ky'; import { createStore, get, set, delMany, keys } from 'idb-keyval';
    export const f = (u) => ky.post(u, { json: {} }).json(); export { createStore, get, set, delMany, keys };`,
};

export interface BundleSize {
  /** Everything the page loads up front (the entry and the chunks it imports statically). */
  gzip: number;
  minified: number;
  /** Chunks loaded only on demand (dynamic import). */
  lazyGzip: number;
}

export async function measureBundle(source: string): Promise<BundleSize> {
  const outdir = mkdtempSync(join(tmpdir(), 'shadowcast-bundle-'));
  try {
    const result = await build({
      stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: 'app.ts' },
      bundle: true,
      splitting: true,
      outdir,
      write: false,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      metafile: true,
      logLevel: 'silent',
      alias: { shadowcast: `${root}src/index.ts` },
    });
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((path) => outputs[path]!.entryPoint !== undefined)!;
    const upFront = new Set<string>();
    const visit = (path: string) => {
      if (upFront.has(path)) return;
      upFront.add(path);
      for (const imported of outputs[path]!.imports) if (imported.kind === 'import-statement' && outputs[imported.path]) visit(imported.path);
    };
    visit(entry);
    const size = { gzip: 0, minified: 0, lazyGzip: 0 };
    for (const file of result.outputFiles) {
      const path = Object.keys(outputs).find((output) => file.path.endsWith(output.replace(/^.*\//, '/')))!;
      const gzip = gzipSync(file.contents, { level: 9 }).length;
      if (upFront.has(path)) {
        size.gzip += gzip;
        size.minified += file.contents.length;
      } else size.lazyGzip += gzip;
    }
    return size;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export async function benchBundles(): Promise<Record<string, BundleSize>> {
  const out: Record<string, BundleSize> = {};
  for (const [name, source] of Object.entries(BUNDLE_SCENARIOS)) out[name] = await measureBundle(source);
  return out;
}
