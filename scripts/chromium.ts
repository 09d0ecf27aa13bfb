/**
 * Where the browser tests, browser examples and browser benchmarks find Chromium. One place, so a machine
 * without it gets one clear message. Never downloads a browser (`npx playwright install` cannot work offline).
 */
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** `CHROMIUM_PATH` when set, else the first system Chromium found; undefined when there is none. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/** Flags for a headless run in containers and CI: no sandbox (root), no GPU, no background traffic. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const MISSING_CHROMIUM =
  'No Chromium found (looked at CHROMIUM_PATH and ' + CANDIDATES.join(', ') + '). The browser suite needs a real one: ' +
  'on Debian/Ubuntu run `sudo apt-get update && sudo apt-get install -y chromium`, or point CHROMIUM_PATH at any Chromium or Chrome binary.';

/** Whether a missing browser must fail the run instead of skipping the browser suite (CI sets this). */
export const BROWSER_REQUIRED = process.env.CI === 'true' || process.env.CI === '1' || process.env.SHADOWCAST_REQUIRE_BROWSER === '1';
