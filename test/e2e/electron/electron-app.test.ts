// The desktop app end to end: launches the built app (package.json main: out/main/index.js) with
// playwright-core's _electron and checks the window's hardening from inside. Runs wherever the Electron
// binary is installed; elsewhere every test is reported SKIPPED with the reason, never passed.

import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const MAIN_ENTRY = join(REPO_ROOT, 'out/main/index.js');
/** A loopback address where nothing listens (discard port): a navigation target that never reaches the internet. */
const ELSEWHERE = 'http://127.0.0.1:9/';

/**
 * The Electron executable, found the way node_modules/electron/index.js finds it, but without
 * `require('electron')`: in electron 45 that require DOWNLOADS the binary when it is missing.
 */
function findElectron(): { readonly executable: string } | { readonly reason: string } {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const executable = override ? join(override, relative ?? 'electron') : relative === null ? null : join(packageDir, 'dist', relative);
  if (executable === null) return { reason: `the Electron binary was never downloaded (${pathFile} is missing; installed with ELECTRON_SKIP_BINARY_DOWNLOAD?)` };
  if (!existsSync(executable)) return { reason: `the Electron binary ${executable} does not exist` };
  if (!existsSync(MAIN_ENTRY)) return { reason: `the app is not built (${MAIN_ENTRY} is missing): run npm run build first` };
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    return { reason: 'no display (DISPLAY/WAYLAND_DISPLAY unset): run under xvfb-run' };
  }
  return { executable };
}

const found = findElectron();
const skipReason = 'reason' in found ? found.reason : null;
if (skipReason !== null) console.warn(`SKIPPED Electron end-to-end tests: ${skipReason}`);

/**
 * The renderer's globals, typed loosely: this file is compiled without DOM types. Functions passed
 * to page.evaluate run in the renderer, so they may use only this (erased) type, nothing of this file.
 */
type RendererGlobals = {
  location: { href: string };
  open(url: string): unknown;
  tokenry?: Record<string, unknown> & { vaultStatus(): Promise<unknown> };
};

describe.skipIf(skipReason !== null)('Tokenry desktop app (Electron)', () => {
  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    if (!('executable' in found)) return;
    dataDir = await mkdtemp(join(tmpdir(), 'tokenry-e2e-'));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'ELECTRON_RENDERER_URL') env[key] = value;
    app = await _electron.launch({
      executablePath: found.executable,
      // The project folder: Electron reads package.json (name, main: out/main/index.js) from it.
      args: [REPO_ROOT],
      cwd: REPO_ROOT,
      env: { ...env, TOKENRY_DATA_DIR: dataDir, TOKENRY_PASSPHRASE: 'e2e passphrase, never a real one', NODE_ENV: 'production' },
      timeout: 60_000,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    await page.waitForFunction(() => typeof (globalThis as unknown as RendererGlobals).tokenry === 'object');
  });

  afterAll(async () => {
    await app?.close();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('opens one window, isolated and sandboxed, without Node integration', async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const windows = BrowserWindow.getAllWindows();
      // getLastWebPreferences: the preferences the renderer was really created with (undocumented, used by Electron's own specs).
      const contents = windows[0]?.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> } | undefined;
      const p = contents?.getLastWebPreferences();
      return {
        count: windows.length,
        contextIsolation: p?.contextIsolation,
        sandbox: p?.sandbox,
        nodeIntegration: p?.nodeIntegration,
        nodeIntegrationInSubFrames: p?.nodeIntegrationInSubFrames,
        webviewTag: p?.webviewTag,
        webSecurity: p?.webSecurity,
      };
    });
    expect(prefs).toEqual({
      count: 1,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
    });
  });

  it('gives the renderer no require, process or module, only window.tokenry', async () => {
    expect(await page.evaluate(() => typeof require)).toBe('undefined');
    expect(await page.evaluate(() => typeof process)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as unknown as { module?: unknown }).module)).toBe('undefined');
    const keys = await page.evaluate(() => Object.keys((globalThis as unknown as { tokenry: object }).tokenry).sort());
    expect(keys).toContain('accounts');
    expect(keys).toContain('onAccountState');
    expect(keys).not.toContain('invoke');
    expect(keys).not.toContain('ipcRenderer');
  });

  it('answers the bridge from the core over the typed IPC', async () => {
    const status = await page.evaluate(() => (globalThis as unknown as RendererGlobals).tokenry!.vaultStatus());
    expect(status).toEqual({ ok: true, value: { protectors: ['passphrase'], warning: null } });
  });

  it('refuses eval under its Content-Security-Policy', async () => {
    const result = await page.evaluate(() => {
      try {
        return String(eval('1 + 1'));
      } catch (error) {
        return error instanceof Error ? error.name : 'blocked';
      }
    });
    expect(result).toBe('EvalError');
  });

  it('refuses navigation away from the app and window.open', async () => {
    const before = page.url();
    expect(before).toMatch(/^app:\/\/tokenry\/index\.html/);
    // Resolves when main has seen (and, through the app's own listener registered first, refused) the attempt.
    const attempted = app.evaluate(
      ({ BrowserWindow }) =>
        new Promise<string>((resolve) => {
          BrowserWindow.getAllWindows()[0]?.webContents.once('will-navigate', (_event, url) => resolve(url));
        }),
    );
    await page.evaluate((target) => {
      (globalThis as unknown as RendererGlobals).location.href = target;
    }, ELSEWHERE);
    expect(await attempted).toBe(ELSEWHERE);
    expect(await page.evaluate(() => (globalThis as unknown as RendererGlobals).location.href)).toBe(before);
    expect(page.url()).toBe(before);
    expect(await page.evaluate((target) => (globalThis as unknown as RendererGlobals).open(target) === null, ELSEWHERE)).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });
});
