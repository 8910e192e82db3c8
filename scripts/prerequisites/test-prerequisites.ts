// Before `npm test`: finds the browser and the Secret Service the tests need, installs them with apt where it can, else stops in one line.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { aptAccess, aptInstall, type AptAccess, type AptResult } from './apt-install.js';
import { describeBrowser, findBrowser, type BrowserDiscovery } from './browser.js';
import { findOAuthServers, OAUTH_SERVER_APT_PACKAGES, type OAuthServersDiscovery } from './oauth-servers.js';
import { findSecretService, SECRET_SERVICE_APT_PACKAGES, type SecretServiceDiscovery } from './secret-service.js';

/** Debian's package for the browser tests. */
export const BROWSER_APT_PACKAGE = 'chromium';

export interface PrerequisiteDeps {
  readonly findBrowser: () => BrowserDiscovery;
  readonly findSecretService: () => SecretServiceDiscovery;
  /** The OAuth servers from Debian's packages that the interoperability tests start; none are looked for when absent. */
  readonly findOAuthServers?: () => OAuthServersDiscovery;
  readonly aptAccess: () => AptAccess;
  readonly aptInstall: (packages: readonly string[], access: NonNullable<AptAccess>) => Promise<AptResult>;
  /** Progress lines (what is being installed, what was found). */
  readonly log: (line: string) => void;
}

/** Ready, with one line saying what the tests will use; or a stop, with one line saying what to install. */
export type PrerequisiteOutcome = { readonly ok: true; readonly summary: string } | { readonly ok: false; readonly line: string };

/** The OAuth servers' discovery when the caller looks for none: nothing is missing. */
const NOT_LOOKED_FOR: OAuthServersDiscovery = { kind: 'found', glewlwyd: '', sqlite3: '' };

function summary(browser: Extract<BrowserDiscovery, { found: true }>, secretService: SecretServiceDiscovery, servers: OAuthServersDiscovery): string {
  const keyring = secretService.kind === 'found' ? `gnome-keyring (${secretService.gnomeKeyringDaemon})` : `none needed (${secretService.reason})`;
  const oauth = servers.kind === 'found' && servers.glewlwyd !== '' ? `; OAuth server glewlwyd (${servers.glewlwyd})` : '';
  return `Test prerequisites: browser ${describeBrowser(browser)}; Secret Service ${keyring}${oauth}.`;
}

/** The Debian packages that would supply what is missing. */
export function packagesFor(browser: BrowserDiscovery, secretService: SecretServiceDiscovery, servers: OAuthServersDiscovery = NOT_LOOKED_FOR): string[] {
  return [
    ...(!browser.found && browser.installable ? [BROWSER_APT_PACKAGE] : []),
    ...(secretService.kind === 'missing' ? SECRET_SERVICE_APT_PACKAGES : []),
    ...(servers.kind === 'missing' ? OAUTH_SERVER_APT_PACKAGES : []),
  ];
}

/** What is still missing, each with what to install. */
function missingReasons(browser: BrowserDiscovery, secretService: SecretServiceDiscovery, servers: OAuthServersDiscovery): string[] {
  return [
    ...(browser.found ? [] : [browser.reason]),
    ...(secretService.kind === 'missing' ? [secretService.reason] : []),
    ...(servers.kind === 'missing' ? [servers.reason] : []),
  ];
}

/** One line naming every missing thing and how to install it. */
function whatToInstall(browser: BrowserDiscovery, secretService: SecretServiceDiscovery, servers: OAuthServersDiscovery, packages: readonly string[]): string {
  const together = packages.length > 1 ? `; on Debian or Ubuntu, all at once: sudo apt-get install -y --no-install-recommends ${packages.join(' ')}` : '';
  return `npm test stopped. ${missingReasons(browser, secretService, servers).join('. ')}${together}. (As root or with password-less sudo on Debian or Ubuntu, npm test installs them itself.)`;
}

/**
 * Finds what the browser and OS-keyring tests need; where something is missing, installs it with
 * apt-get when this machine allows (root or password-less sudo), and otherwise names it. Never
 * lets the tests run without them: those tests would fail (or, worse, be skipped) instead.
 */
export async function ensureTestPrerequisites(deps: PrerequisiteDeps): Promise<PrerequisiteOutcome> {
  const findServers = deps.findOAuthServers ?? (() => NOT_LOOKED_FOR);
  let browser = deps.findBrowser();
  let secretService = deps.findSecretService();
  let servers = findServers();
  if (browser.found && secretService.kind !== 'missing' && servers.kind !== 'missing') return { ok: true, summary: summary(browser, secretService, servers) };
  if (!browser.found && !browser.installable) return { ok: false, line: browser.reason };

  const packages = packagesFor(browser, secretService, servers);
  const access = deps.aptAccess();
  if (access === null) return { ok: false, line: whatToInstall(browser, secretService, servers, packages) };

  deps.log(`Installing ${packages.join(', ')} with apt-get for the browser, OS-keyring and OAuth server tests...`);
  const installed = await deps.aptInstall(packages, access);
  if (!installed.ok) return { ok: false, line: `npm test stopped: could not install ${packages.join(' ')}: ${installed.reason}` };

  browser = deps.findBrowser();
  secretService = deps.findSecretService();
  servers = findServers();
  if (browser.found && secretService.kind !== 'missing' && servers.kind !== 'missing') return { ok: true, summary: summary(browser, secretService, servers) };
  return { ok: false, line: `npm test stopped: apt-get installed ${packages.join(' ')}, yet: ${missingReasons(browser, secretService, servers).join('. ')}.` };
}

async function main(): Promise<void> {
  const outcome = await ensureTestPrerequisites({
    findBrowser: () => findBrowser(),
    findSecretService: () => findSecretService(),
    findOAuthServers: () => findOAuthServers(),
    aptAccess: () => aptAccess(),
    aptInstall: (packages, access) => aptInstall(packages, access),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  if (outcome.ok) {
    process.stdout.write(`${outcome.summary}\n`);
  } else {
    process.stderr.write(`${outcome.line}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`Test prerequisites: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
