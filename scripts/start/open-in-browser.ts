// Opens the web harness in the person's browser, quietly, through a private redirect file so the per-run key is never in a process's arguments.
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The program that opens a file with the desktop's default browser, or null where none can (no display on Linux). */
export function desktopOpener(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): { readonly command: string; readonly args: (target: string) => string[] } | null {
  switch (platform) {
    case 'darwin':
      return { command: 'open', args: (target) => [target] };
    case 'win32':
      // As Node quotes a shell command for cmd.exe (/s /c "..."); `start`'s first quoted argument is a window title.
      return { command: 'cmd.exe', args: (target) => ['/d', '/s', '/c', `"start "" "${target}""`] };
    default:
      // Without a display xdg-open falls back to a text browser in this very terminal: not wanted.
      if (!env['DISPLAY'] && !env['WAYLAND_DISPLAY']) return null;
      return { command: 'xdg-open', args: (target) => [target] };
  }
}

const escapeAttribute = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A page that sends the browser on to `url` at once; a link for browsers that do not follow. */
export function redirectPage(url: string): string {
  const href = escapeAttribute(url);
  return (
    '<!doctype html>\n<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
    `<meta http-equiv="refresh" content="0;url=${href}"><title>Tokenry</title></head>` +
    `<body><p><a href="${href}">Open Tokenry</a></p></body></html>\n`
  );
}

export interface OpenedPage {
  /** Whether an opener was started (not whether a browser showed the page: that cannot be known). */
  readonly started: boolean;
  /** Removes the redirect file. */
  cleanup(): Promise<void>;
}

export type Spawner = (command: string, args: readonly string[], env: NodeJS.ProcessEnv) => { on(event: 'error', listener: (error: Error) => void): unknown; unref(): void };

const detached: Spawner = (command, args, env) => spawn(command, args, { env, stdio: 'ignore', detached: true, windowsVerbatimArguments: command === 'cmd.exe' });

/**
 * Writes the URL into an owner-only redirect file in `dir` and asks the desktop to open that file
 * (as Jupyter does): a URL given to xdg-open or a browser on its command line can be read by every
 * user of the machine from the process list, and this one carries the key to every account.
 * Never fails: where nothing can be opened, the person opens the printed address.
 */
export async function openInBrowser(
  url: string,
  options: { readonly dir: string; readonly platform?: NodeJS.Platform; readonly env?: NodeJS.ProcessEnv; readonly spawn?: Spawner },
): Promise<OpenedPage> {
  const env = options.env ?? process.env;
  const opener = desktopOpener(options.platform ?? process.platform, env);
  const file = join(options.dir, 'open-tokenry.html');
  const cleanup = (): Promise<void> => rm(file, { force: true }).catch(() => undefined);
  if (opener === null) return { started: false, cleanup };
  try {
    await rm(file, { force: true });
    await writeFile(file, redirectPage(url), { mode: 0o600, flag: 'wx' });
    const child = (options.spawn ?? detached)(opener.command, opener.args(file), { ...env });
    child.on('error', () => undefined);
    child.unref();
    return { started: true, cleanup };
  } catch {
    await cleanup();
    return { started: false, cleanup };
  }
}
