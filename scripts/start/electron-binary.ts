// Whether Electron's binary is installed, found as the electron package finds it but without require('electron'), which downloads it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runQuietly } from '../run-quietly.js';

export type ElectronBinary = { readonly kind: 'installed'; readonly executable: string } | { readonly kind: 'missing'; readonly reason: string };

/** The installed electron package's folder (node_modules/electron), or null when it is not installed. */
export function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * The binary electron-vite would start: ELECTRON_EXEC_PATH when set, else where
 * node_modules/electron/index.js finds it (`path.txt` names it under `dist/`, or under
 * ELECTRON_OVERRIDE_DIST_PATH). Electron 45 has no install script: the binary is fetched on the
 * first require('electron'), so a fresh `npm ci` leaves it missing until then.
 */
export function locateElectron(packageDir: string | null, env: Readonly<Record<string, string | undefined>> = process.env): ElectronBinary {
  const exec = env['ELECTRON_EXEC_PATH'];
  if (exec !== undefined && exec !== '') {
    return existsSync(exec) ? { kind: 'installed', executable: exec } : { kind: 'missing', reason: `ELECTRON_EXEC_PATH names ${exec}, which does not exist` };
  }
  if (packageDir === null) return { kind: 'missing', reason: 'the electron package is not installed' };
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override !== undefined && override !== '') {
    const executable = join(override, relative ?? 'electron');
    return existsSync(executable) ? { kind: 'installed', executable } : { kind: 'missing', reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${executable}` };
  }
  if (relative === null || relative === '') return { kind: 'missing', reason: 'not downloaded yet' };
  const executable = join(packageDir, 'dist', relative);
  return existsSync(executable) ? { kind: 'installed', executable } : { kind: 'missing', reason: `${executable} does not exist` };
}

/** Whether the person asked for no Electron download (the variable electron's installers have always read). */
export function downloadsSkipped(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env['ELECTRON_SKIP_BINARY_DOWNLOAD'];
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** The line of a failed download that says why ("TypeError: fetch failed"), without the stack. */
export function downloadFailure(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('at '));
  const line = lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? 'no reason given';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** Electron is about 100 MB: generous on a slow link, yet bounded where the host never answers. */
export const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

export type DownloadResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Runs the electron package's own installer (install.js: download, checksum, unzip, path.txt),
 * quietly, for at most `timeoutMs`; what it printed is kept only to explain a failure.
 */
export async function downloadElectron(packageDir: string, options: { readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv } = {}): Promise<DownloadResult> {
  const timeoutMs = options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS;
  const run = await runQuietly([process.execPath, join(packageDir, 'install.js')], {
    cwd: packageDir,
    ...(options.env === undefined ? {} : { env: options.env }),
    timeoutMs,
  });
  if (run.code === 0) return { ok: true };
  if (run.signal !== null) return { ok: false, reason: `no answer within ${Math.round(timeoutMs / 1000)} s` };
  return { ok: false, reason: downloadFailure(run.output) };
}
