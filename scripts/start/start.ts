// `npm start`: the desktop app (electron-vite preview); where Electron's binary is missing or cannot show a window, the same app in a browser.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { downloadElectron, downloadsSkipped, electronPackageDir, locateElectron, type DownloadResult, type ElectronBinary } from './electron-binary.js';
import { explainFailure, startWebFallback, webDataDir } from './web-fallback.js';

const ROOT = resolve(import.meta.dirname, '../..');
const INSTEAD = 'running Tokenry in your browser through the web harness instead (same renderer, same core).';

export type StartPlan =
  | { readonly kind: 'electron' }
  /** Fetch the binary first (electron's own installer), then plan again. */
  | { readonly kind: 'download'; readonly packageDir: string; readonly why: string }
  | { readonly kind: 'web'; readonly why: string };

export interface StartContext {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly packageDir: string | null;
}

const hasDisplay = (ctx: StartContext): boolean => ctx.platform !== 'linux' || Boolean(ctx.env['DISPLAY']) || Boolean(ctx.env['WAYLAND_DISPLAY']);

/** Electron when its binary is there and can show a window; else a download worth trying; else the browser, with the one-line reason. */
export function planStart(electron: ElectronBinary, ctx: StartContext): StartPlan {
  if (electron.kind === 'installed') {
    return hasDisplay(ctx) ? { kind: 'electron' } : { kind: 'web', why: 'No display for Electron\'s window (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  const missing = `Electron's binary is not installed (${electron.reason})`;
  if (ctx.packageDir === null) return { kind: 'web', why: missing };
  if (downloadsSkipped(ctx.env)) return { kind: 'web', why: `${missing} and ELECTRON_SKIP_BINARY_DOWNLOAD is set` };
  if (!hasDisplay(ctx)) return { kind: 'web', why: `${missing} and there is no display to show it on` };
  return { kind: 'download', packageDir: ctx.packageDir, why: missing };
}

const USAGE = `usage: npm start [-- --data-dir DIR] [--port N] [--no-open] [--renderer-dir DIR] [--loopback-port N | --no-loopback]

Runs the desktop app. Where Electron's binary is not installed and cannot be downloaded (or there
is no display), runs the same renderer and core in your browser through the web harness instead:
on 127.0.0.1 (--port, default any free port), over --data-dir (default TOKENRY_DATA_DIR, else the
desktop app's folder + /web-harness), opened in your browser unless --no-open. --renderer-dir
serves an already built renderer instead of building one. The loopback token endpoint follows the
app's settings unless --loopback-port (0: any free port) or --no-loopback says otherwise.
The vault's passphrase comes from TOKENRY_PASSPHRASE, or is asked on the terminal; with neither,
a new vault's key goes to the OS keyring.
`;

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '0' },
      'no-open': { type: 'boolean', default: false },
      'renderer-dir': { type: 'string' },
      'loopback-port': { type: 'string' },
      'no-loopback': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }).values;
}

function electronViteBin(): string {
  return join(dirname(createRequire(import.meta.url).resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
}

/** Runs electron-vite in the foreground; resolves with its exit code, or null when a signal (Ctrl+C) ended it. */
function runElectronVite(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [electronViteBin(), ...args], { cwd: ROOT, env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error) => {
      process.stderr.write(`npm start: could not run electron-vite: ${error.message}\n`);
      done(1);
    });
    child.on('close', (code, signal) => {
      process.removeListener('SIGINT', forward);
      process.removeListener('SIGTERM', forward);
      done(signal === null ? (code ?? 1) : null);
    });
  });
}

/**
 * Follows the plan, downloading Electron's binary when that is worth a try, and says in one line
 * (written through `write`) why the browser is used when it is.
 */
const WEB = { kind: 'web' } as const;

function electronAt(located: ElectronBinary): { readonly kind: 'electron'; readonly executable: string } {
  if (located.kind !== 'installed') throw new Error('planStart chose Electron without a binary');
  return { kind: 'electron', executable: located.executable };
}

export async function chooseMode(
  ctx: StartContext,
  write: (text: string) => void,
  download: (packageDir: string) => Promise<DownloadResult> = (packageDir) => downloadElectron(packageDir),
): Promise<{ readonly kind: 'electron'; readonly executable: string } | { readonly kind: 'web' }> {
  const located = locateElectron(ctx.packageDir, ctx.env);
  const plan = planStart(located, ctx);
  switch (plan.kind) {
    case 'electron':
      return electronAt(located);
    case 'web':
      write(`${plan.why}: ${INSTEAD}\n`);
      return WEB;
    case 'download': {
      // One line, finished whichever way the download goes.
      write(`${plan.why}: downloading it... `);
      const downloaded = await download(plan.packageDir);
      if (!downloaded.ok) {
        write(`failed (${downloaded.reason}): ${INSTEAD}\n`);
        return WEB;
      }
      write('done.\n');
      const now = locateElectron(ctx.packageDir, ctx.env);
      const after = planStart(now, ctx);
      if (after.kind === 'electron') return electronAt(now);
      write(`${after.kind === 'web' ? after.why : "Electron's installer finished, yet its binary is missing"}: ${INSTEAD}\n`);
      return WEB;
    }
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let values: ReturnType<typeof parseFlags>;
  try {
    values = parseFlags(argv);
  } catch (error) {
    process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)} (npm start -- --help)\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`npm start: --port takes 0 to 65535, not ${values.port}\n`);
    return 2;
  }
  const loopbackFlag = values['loopback-port'];
  const loopbackPort = values['no-loopback'] ? null : loopbackFlag === undefined ? undefined : Number(loopbackFlag);
  if (loopbackPort !== null && loopbackPort !== undefined && (!Number.isInteger(loopbackPort) || loopbackPort < 0 || loopbackPort > 65_535)) {
    process.stderr.write(`npm start: --loopback-port takes 0 to 65535, not ${loopbackFlag}\n`);
    return 2;
  }
  const env = process.env;
  const ctx: StartContext = { platform: process.platform, env, packageDir: electronPackageDir() };
  const mode = await chooseMode(ctx, (text) => process.stdout.write(text));

  if (mode.kind === 'electron') {
    // electron-vite starts ELECTRON_EXEC_PATH when set: exactly the binary found above.
    const dataDir = values['data-dir'];
    const code = await runElectronVite(['preview'], { ...env, ELECTRON_EXEC_PATH: mode.executable, ...(dataDir === undefined ? {} : { TOKENRY_DATA_DIR: resolve(dataDir) }) });
    // Ctrl+C closing the app is a normal end.
    return code ?? 0;
  }

  const rendererDir = values['renderer-dir'];
  if (rendererDir === undefined) {
    const built = await runElectronVite(['build', '--logLevel', 'warn'], env);
    if (built === null) return 130;
    if (built !== 0) {
      process.stderr.write(`npm start: building the renderer failed (electron-vite build, exit ${built}).\n`);
      return 1;
    }
  }
  const dataDir = resolve(webDataDir(values['data-dir'], env));
  let running: Awaited<ReturnType<typeof startWebFallback>>;
  try {
    running = await startWebFallback({
      dataDir,
      port,
      open: !values['no-open'],
      ...(rendererDir === undefined ? {} : { rendererDir: resolve(rendererDir) }),
      ...(loopbackPort === undefined ? {} : { loopbackPort }),
      terminal: { env, stdin: process.stdin, stderr: process.stderr, isTTY: process.stdin.isTTY === true },
      out: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (error) {
    process.stderr.write(`npm start: ${explainFailure(error)}\n`);
    return 1;
  }
  return new Promise<number>((done) => {
    let stoppingAt: number | null = null;
    const stop = (): void => {
      // write-file-atomic's signal-exit re-raises the first signal once: only a later one means "now".
      if (stoppingAt !== null) {
        if (Date.now() - stoppingAt >= 1000) process.exit(1);
        return;
      }
      stoppingAt = Date.now();
      running.close().then(
        () => done(0),
        (error: unknown) => {
          process.stderr.write(`npm start: closing failed: ${explainFailure(error)}\n`);
          done(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`npm start: ${explainFailure(error)}\n`);
      process.exit(1);
    },
  );
}
