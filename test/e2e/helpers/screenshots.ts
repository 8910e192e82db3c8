// Screenshots kept as test artifacts (test-results/screenshots/*.png).
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './renderer-build.js';

export const SCREENSHOT_DIR = join(ROOT, 'test-results/screenshots');

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true, animations: 'disabled', caret: 'hide' });
  return path;
}

/**
 * Publishes a screenshot for the README when asked (`TOKENRY_PUBLISH_SCREENSHOTS=1 npm test`), so
 * that an ordinary test run leaves the working tree clean.
 */
export async function publish(path: string, name: string): Promise<void> {
  if (process.env['TOKENRY_PUBLISH_SCREENSHOTS'] !== '1') return;
  const dir = join(ROOT, 'docs/screenshots');
  await mkdir(dir, { recursive: true });
  await copyFile(path, join(dir, name));
}
