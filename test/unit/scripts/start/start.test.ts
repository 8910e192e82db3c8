// planStart() and chooseMode(): Electron where it can show a window, else one line saying why, then the browser.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadResult, ElectronBinary } from '../../../../scripts/start/electron-binary.js';
import { chooseMode, planStart, type StartContext } from '../../../../scripts/start/start.js';

const INSTEAD = 'running Tokenry in your browser through the web harness instead (same renderer, same core).';
const INSTALLED: ElectronBinary = { kind: 'installed', executable: '/x/dist/electron' };
const MISSING: ElectronBinary = { kind: 'missing', reason: 'not downloaded yet' };
const desktop = (env: Record<string, string> = {}): StartContext => ({ platform: 'linux', env: { DISPLAY: ':0', ...env }, packageDir: '/x' });

describe('planStart()', () => {
  it('runs Electron when its binary is installed and there is a display', () => {
    expect(planStart(INSTALLED, desktop())).toEqual({ kind: 'electron' });
  });

  it('runs Electron on macOS and Windows without asking for DISPLAY', () => {
    expect(planStart(INSTALLED, { platform: 'darwin', env: {}, packageDir: '/x' })).toEqual({ kind: 'electron' });
  });

  it('uses the browser on Linux without a display, even with the binary installed', () => {
    expect(planStart(INSTALLED, { ...desktop(), env: {} })).toEqual({ kind: 'web', why: "No display for Electron's window (DISPLAY and WAYLAND_DISPLAY are unset)" });
  });

  it('counts a Wayland session as a display', () => {
    expect(planStart(INSTALLED, { ...desktop(), env: { WAYLAND_DISPLAY: 'wayland-0' } })).toEqual({ kind: 'electron' });
  });

  it('tries a download when the binary is missing', () => {
    expect(planStart(MISSING, desktop())).toEqual({ kind: 'download', packageDir: '/x', why: "Electron's binary is not installed (not downloaded yet)" });
  });

  it('does not download when ELECTRON_SKIP_BINARY_DOWNLOAD is set', () => {
    expect(planStart(MISSING, desktop({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }))).toEqual({
      kind: 'web',
      why: "Electron's binary is not installed (not downloaded yet) and ELECTRON_SKIP_BINARY_DOWNLOAD is set",
    });
  });

  it('does not download a binary that could show no window', () => {
    expect(planStart(MISSING, { ...desktop(), env: {} })).toEqual({ kind: 'web', why: "Electron's binary is not installed (not downloaded yet) and there is no display to show it on" });
  });

  it('cannot download without the electron package', () => {
    expect(planStart({ kind: 'missing', reason: 'the electron package is not installed' }, { ...desktop(), packageDir: null })).toEqual({
      kind: 'web',
      why: "Electron's binary is not installed (the electron package is not installed)",
    });
  });
});

describe('chooseMode()', () => {
  let pkg: string;
  beforeEach(async () => {
    pkg = await mkdtemp(join(tmpdir(), 'tokenry-start-'));
  });
  afterEach(() => rm(pkg, { recursive: true, force: true }));

  const installInto = async (dir: string): Promise<void> => {
    await mkdir(join(dir, 'dist'));
    await writeFile(join(dir, 'dist', 'electron'), '');
    await chmod(join(dir, 'dist', 'electron'), 0o755);
    await writeFile(join(dir, 'path.txt'), 'electron');
  };

  /** Runs chooseMode over `pkg`, recording what it wrote and which downloads it asked for. */
  async function choose(env: Record<string, string>, download: (dir: string) => Promise<DownloadResult>) {
    let written = '';
    const downloads: string[] = [];
    const mode = await chooseMode(
      { platform: 'linux', env, packageDir: pkg },
      (text) => (written += text),
      (dir) => (downloads.push(dir), download(dir)),
    );
    return { mode, written, downloads };
  }

  it('starts Electron silently when it is installed', async () => {
    await installInto(pkg);
    expect(await choose({ DISPLAY: ':0' }, () => Promise.reject(new Error('no download expected')))).toEqual({
      mode: { kind: 'electron', executable: join(pkg, 'dist', 'electron') },
      written: '',
      downloads: [],
    });
  });

  it('downloads a missing binary and starts Electron, saying so in one line', async () => {
    const result = await choose({ DISPLAY: ':0' }, async (dir) => {
      await installInto(dir);
      return { ok: true };
    });
    expect(result).toEqual({
      mode: { kind: 'electron', executable: join(pkg, 'dist', 'electron') },
      written: "Electron's binary is not installed (not downloaded yet): downloading it... done.\n",
      downloads: [pkg],
    });
  });

  it('falls back to the browser in one line when the download fails', async () => {
    const result = await choose({ DISPLAY: ':0' }, async () => ({ ok: false, reason: 'TypeError: fetch failed' }));
    expect(result).toEqual({
      mode: { kind: 'web' },
      written: `Electron's binary is not installed (not downloaded yet): downloading it... failed (TypeError: fetch failed): ${INSTEAD}\n`,
      downloads: [pkg],
    });
  });

  it('falls back when the installer claims success but leaves no binary', async () => {
    const result = await choose({ DISPLAY: ':0' }, async () => ({ ok: true }));
    expect([result.mode, result.written.split('\n').filter((l) => l !== '')]).toEqual([
      { kind: 'web' },
      [`Electron's binary is not installed (not downloaded yet): downloading it... done.`, `Electron's installer finished, yet its binary is missing: ${INSTEAD}`],
    ]);
  });

  it('goes straight to the browser, in one line, when downloads are skipped', async () => {
    const result = await choose({ DISPLAY: ':0', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, () => Promise.reject(new Error('no download expected')));
    expect(result).toEqual({
      mode: { kind: 'web' },
      written: `Electron's binary is not installed (not downloaded yet) and ELECTRON_SKIP_BINARY_DOWNLOAD is set: ${INSTEAD}\n`,
      downloads: [],
    });
  });
});
