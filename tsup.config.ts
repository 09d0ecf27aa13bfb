import { defineConfig } from 'tsup';

// Four entries (contract): the universal client, Node extras, the collector, and the CLI.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', node: 'src/node.ts', collector: 'src/collector.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    splitting: true,
    treeshake: true,
  },
  {
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node22',
    sourcemap: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
