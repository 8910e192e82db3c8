// Which Chromium the browser tests drive: CHROMIUM_PATH, Debian's, an installed Chrome or Edge, then Playwright's own.
import { win32 } from 'node:path';
import { chromium } from 'playwright-core';
import { isExecutableFile, type IsExecutable } from './executables.js';

/** Debian's chromium package puts its launcher here. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** What to pass to playwright-core's chromium.launch(): a binary, or a channel Playwright finds itself. */
export type BrowserLaunch = { readonly executablePath: string } | { readonly channel: 'chrome' | 'msedge' };

export type BrowserSource = 'CHROMIUM_PATH' | 'debian' | 'chrome' | 'msedge' | 'playwright';

export type BrowserDiscovery =
  | { readonly found: true; readonly source: BrowserSource; readonly executablePath: string; readonly launch: BrowserLaunch }
  | {
      readonly found: false;
      /** One line a person can act on: what is missing and what to install. */
      readonly reason: string;
      /** Whether installing a browser would help (not when CHROMIUM_PATH names a file that is not there). */
      readonly installable: boolean;
    };

export interface BrowserSearch {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly platform?: NodeJS.Platform;
  readonly isExecutable?: IsExecutable;
  /** Where playwright-core expects its own Chromium (`npx playwright-core install chromium`). */
  readonly playwrightChromium?: () => string;
}

/** Stable Chrome and Edge where Playwright's `chrome` and `msedge` channels look for them. */
const CHANNEL_PATHS: Readonly<Record<'chrome' | 'msedge', Partial<Record<NodeJS.Platform, string>>>> = {
  chrome: {
    linux: '/opt/google/chrome/chrome',
    darwin: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    win32: 'Google\\Chrome\\Application\\chrome.exe',
  },
  msedge: {
    linux: '/opt/microsoft/msedge/msedge',
    darwin: '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    win32: 'Microsoft\\Edge\\Application\\msedge.exe',
  },
};

function channelExecutable(channel: 'chrome' | 'msedge', platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>, isExecutable: IsExecutable): string | null {
  const suffix = CHANNEL_PATHS[channel][platform];
  if (suffix === undefined) return null;
  if (platform !== 'win32') return isExecutable(suffix) ? suffix : null;
  const drive = env['HOMEDRIVE'];
  const prefixes = [
    env['LOCALAPPDATA'],
    env['PROGRAMFILES'],
    env['PROGRAMFILES(X86)'],
    drive === undefined ? undefined : `${drive}\\Program Files`,
    drive === undefined ? undefined : `${drive}\\Program Files (x86)`,
  ];
  for (const prefix of prefixes) {
    if (prefix === undefined || prefix === '') continue;
    const candidate = win32.join(prefix, suffix);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function installHint(platform: NodeJS.Platform): string {
  return platform === 'linux'
    ? "install Debian's chromium (apt-get install -y chromium), Google Chrome or Microsoft Edge, or set CHROMIUM_PATH to a Chromium-based browser"
    : 'install Google Chrome or Microsoft Edge, or set CHROMIUM_PATH to a Chromium-based browser';
}

/** Finds a Chromium-based browser, in the order the README gives; never downloads one. */
export function findBrowser(search: BrowserSearch = {}): BrowserDiscovery {
  const env = search.env ?? process.env;
  const platform = search.platform ?? process.platform;
  const isExecutable = search.isExecutable ?? isExecutableFile;

  const fromEnv = env['CHROMIUM_PATH'];
  if (fromEnv !== undefined && fromEnv !== '') {
    // A browser named on purpose is never silently replaced by another one.
    if (isExecutable(fromEnv)) return { found: true, source: 'CHROMIUM_PATH', executablePath: fromEnv, launch: { executablePath: fromEnv } };
    return { found: false, installable: false, reason: `CHROMIUM_PATH is ${fromEnv}, which is not an executable file: point it at a Chromium-based browser, or unset it` };
  }
  if (platform !== 'win32' && isExecutable(DEBIAN_CHROMIUM)) {
    return { found: true, source: 'debian', executablePath: DEBIAN_CHROMIUM, launch: { executablePath: DEBIAN_CHROMIUM } };
  }
  for (const channel of ['chrome', 'msedge'] as const) {
    const path = channelExecutable(channel, platform, env, isExecutable);
    if (path !== null) return { found: true, source: channel, executablePath: path, launch: { channel } };
  }
  let bundled: string | null;
  try {
    bundled = (search.playwrightChromium ?? (() => chromium.executablePath()))();
  } catch {
    // playwright-core names no Chromium for this platform.
    bundled = null;
  }
  if (bundled !== null && bundled !== '' && isExecutable(bundled)) {
    return { found: true, source: 'playwright', executablePath: bundled, launch: { executablePath: bundled } };
  }
  return { found: false, installable: true, reason: `No Chromium-based browser for the browser tests: ${installHint(platform)}` };
}

/** A short description for a log line: "Debian's chromium (/usr/bin/chromium)". */
export function describeBrowser(found: Extract<BrowserDiscovery, { found: true }>): string {
  const what: Record<BrowserSource, string> = {
    CHROMIUM_PATH: 'CHROMIUM_PATH',
    debian: "Debian's chromium",
    chrome: 'Google Chrome',
    msedge: 'Microsoft Edge',
    playwright: "Playwright's Chromium",
  };
  return `${what[found.source]} (${found.executablePath})`;
}
