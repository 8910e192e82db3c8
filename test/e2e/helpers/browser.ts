// The browser the tests drive, found by scripts/prerequisites/browser.ts (never downloaded), launched headless through playwright-core.
import { chromium, type Browser } from 'playwright-core';
import { findBrowser } from '../../../scripts/prerequisites/browser.js';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches the browser `findBrowser()` names; with none, fails with the one line saying what to install (never skips). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const found = findBrowser();
  if (!found.found) throw new Error(found.reason);
  return chromium.launch({ ...found.launch, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
