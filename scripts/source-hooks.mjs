// Lets `node --import ./scripts/source-hooks.mjs file.ts` run examples straight from src/, no build:
// Node 24 strips the types; this resolves `shadowcast[/node|/collector]` to src/ and extensionless
// relative imports to their .ts files (the codebase uses bundler-style resolution).
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const src = new URL('../src/', import.meta.url);
const entries = { shadowcast: 'index.ts', 'shadowcast/node': 'node.ts', 'shadowcast/collector': 'collector.ts' };

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier in entries) return { url: new URL(entries[specifier], src).href, shortCircuit: true };
    const fromSource = context.parentURL?.startsWith('file:') && /\.m?ts$/.test(context.parentURL);
    if (fromSource && (specifier.startsWith('./') || specifier.startsWith('../')) && !/\.[cm]?[jt]s$/.test(specifier)) {
      const base = new URL(specifier, context.parentURL);
      for (const candidate of [`${base.href}.ts`, `${base.href}/index.ts`]) {
        if (existsSync(fileURLToPath(candidate))) return { url: pathToFileURL(fileURLToPath(candidate)).href, shortCircuit: true };
      }
    }
    return nextResolve(specifier, context);
  },
});
