// Opening a URL in the system browser outside Electron (the `tokenry` command, the web harness): the
// `open` package (xdg-open, open, PowerShell by platform), or the command named by $BROWSER; http(s) only.

import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import open from 'open';
import { isWebUrl } from './web-url.js';

/** Opens a URL for the person; rejects when it could not (the URL is always printed or shown as well). */
export type OpenExternal = (url: string) => Promise<void>;

export { isWebUrl };

export interface SystemBrowserOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The `open` package's function (tests inject one). */
  readonly open?: (target: string) => Promise<unknown>;
  readonly spawn?: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
}

/**
 * The platform's way to open a web page. `$BROWSER` (the convention of git, Python's webbrowser and
 * others) names a program to run with the URL as its one argument, without a shell; otherwise the
 * `open` package picks xdg-open, macOS's open or Windows' default handler.
 */
export function systemBrowser(options: SystemBrowserOptions = {}): OpenExternal {
  const env = options.env ?? process.env;
  const openUrl = options.open ?? ((target: string) => open(target, { wait: false }));
  const spawn = options.spawn ?? nodeSpawn;
  return async (url) => {
    if (!isWebUrl(url)) throw new Error('Only http(s) addresses are opened in a browser.');
    const browser = env['BROWSER']?.trim();
    if (browser === undefined || browser === '') {
      await openUrl(url);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const child = spawn(browser, [url], { detached: true, stdio: 'ignore' });
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
  };
}
