// The browser fallback of `npm start`: the web harness (same renderer, same core) over its own data directory, announced and opened.
import { join } from 'node:path';
import { startWebHarness, type WebHarness } from '../../electron/harness/web-harness.js';
import { ensurePrivateDir } from '../../electron/core/vault/atomic-file.js';
import { defaultDataDir } from '../../electron/core/vault/data-dir.js';
import { isVaultError } from '../../electron/core/vault/vault-error.js';
import { harnessProtector, type Terminal } from './harness-protector.js';
import { openInBrowser } from './open-in-browser.js';

/** Inside the desktop app's folder but apart from it: the app's own vault is sealed by safeStorage, which a browser cannot use. */
export const WEB_DATA_DIR_NAME = 'web-harness';

/** `--data-dir`, else TOKENRY_DATA_DIR, else <the app's user-data folder>/web-harness. */
export function webDataDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env['TOKENRY_DATA_DIR'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(defaultDataDir(env), WEB_DATA_DIR_NAME);
}

export interface WebFallbackOptions {
  readonly dataDir: string;
  /** Port on 127.0.0.1 for the page; 0 picks a free one. */
  readonly port: number;
  /** The built renderer; default out/renderer. */
  readonly rendererDir?: string;
  /** The loopback token endpoint: a port (0: any free one), null for none; default as the settings say (27813), like the app. */
  readonly loopbackPort?: number | null;
  /** Whether to ask the desktop to open the page. */
  readonly open: boolean;
  readonly terminal: Terminal;
  readonly platform?: NodeJS.Platform;
  /** Where the announcement goes (stdout). */
  readonly out: (line: string) => void;
}

export interface RunningFallback {
  readonly harness: WebHarness;
  close(): Promise<void>;
}

/** Unlocks (or creates) the vault, starts the harness, prints where it is and opens it where a browser can be opened. */
export async function startWebFallback(options: WebFallbackOptions): Promise<RunningFallback> {
  await ensurePrivateDir(options.dataDir);
  const { protector, how } = await harnessProtector(options.dataDir, options.terminal);
  const harness = await startWebHarness({
    dataDir: options.dataDir,
    port: options.port,
    protector,
    ...(options.rendererDir === undefined ? {} : { rendererDir: options.rendererDir }),
    ...(options.loopbackPort === undefined ? {} : { loopbackPort: options.loopbackPort }),
    log: (line) => options.out(line),
  });
  const loopback = harness.loopback();
  options.out(`Tokenry (web harness): ${harness.url}`);
  options.out(`Data directory: ${options.dataDir} (vault protected by ${how})`);
  if (loopback !== null) options.out(`Loopback token endpoint: ${loopback.url}`);
  const page = options.open
    ? await openInBrowser(harness.url, { dir: options.dataDir, env: options.terminal.env, ...(options.platform === undefined ? {} : { platform: options.platform }) })
    : null;
  options.out(
    page?.started === true
      ? 'Opening it in your browser (else open the address above; the part after #k= is its key). Ctrl+C stops Tokenry.'
      : 'Open the address above in your browser (the part after #k= is its key). Ctrl+C stops Tokenry.',
  );
  return {
    harness,
    async close() {
      await page?.cleanup();
      await harness.close();
    },
  };
}

/** One line for a failed start: the error's own message, plus what to do where the error alone does not say. */
export function explainFailure(error: unknown): string {
  if (isVaultError(error)) {
    switch (error.code) {
      case 'keyring_not_persistent':
      case 'keyring_unavailable':
        return `${error.message}; or run npm start in a terminal to choose a passphrase.`;
      case 'wrong_passphrase':
        return `${error.message}: try again, or set TOKENRY_PASSPHRASE to the right one.`;
      default:
        return `${error.message}.`;
    }
  }
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') return `${error.message}: choose another port with npm start -- --port N.`;
  return error instanceof Error ? error.message : String(error);
}
