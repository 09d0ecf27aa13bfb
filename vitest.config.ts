import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { BROWSER_REQUIRED, CHROMIUM_ARGS, findChromium, MISSING_CHROMIUM } from './scripts/chromium.ts';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Public-API tests import the package name; it resolves to the source, so tests never need a build.
const alias = {
  'shadowcast/collector': source('./src/collector.ts'),
  'shadowcast/node': source('./src/node.ts'),
  shadowcast: source('./src/index.ts'),
};

// The in-page suite (test/browser) needs a system Chromium; never a downloaded one.
const chromiumPath = findChromium();
if (!chromiumPath && BROWSER_REQUIRED) throw new Error(MISSING_CHROMIUM);
if (!chromiumPath) console.warn(`\n⚠ ${MISSING_CHROMIUM} Skipping the browser suites.\n`);
const browserProject: TestProjectInlineConfiguration[] = chromiumPath
  ? [
      {
        resolve: { alias },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: chromiumPath, args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ]
  : [];

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
      ...browserProject,
    ],
  },
});
