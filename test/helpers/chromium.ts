/**
 * A real Chromium for node-side tests that drive pages (examples, the HTML report). Without one, these tests
 * skip with the install hint, unless CI (or SHADOWCAST_REQUIRE_BROWSER=1) requires them, then they fail.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { describe } from 'vitest';
import { BROWSER_REQUIRED, CHROMIUM_ARGS, findChromium, MISSING_CHROMIUM } from '../../scripts/chromium';

const executablePath = findChromium();

if (!executablePath) console.warn(`\n⚠ ${MISSING_CHROMIUM}${BROWSER_REQUIRED ? '' : ' Skipping the Chromium tests.'}\n`);

/** `describe` when a browser can run (or must); `describe.skip` with a printed reason otherwise. */
export const describeWithChromium = executablePath || BROWSER_REQUIRED ? describe : describe.skip;

export async function launchChromium(): Promise<Browser> {
  if (!executablePath) throw new Error(MISSING_CHROMIUM);
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** A Chromium with a real on-disk profile: storage quotas (and their overrides) apply as for a user. */
export async function launchChromiumProfile(): Promise<BrowserContext> {
  if (!executablePath) throw new Error(MISSING_CHROMIUM);
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'shadowcast-chromium-')), { executablePath, args: CHROMIUM_ARGS });
}
