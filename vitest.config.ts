import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Public-API tests import the package name; it resolves to the source, so tests never need a build.
const alias = {
  'shadowcast/collector': source('./src/collector.ts'),
  'shadowcast/node': source('./src/node.ts'),
  shadowcast: source('./src/index.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**'],
          setupFiles: ['test/setup.ts'],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
