// ensureTestPrerequisites(): ready when all is there, installs with apt where it may, otherwise one line naming what to install.
import { describe, expect, it } from 'vitest';
import type { AptAccess, AptResult } from '../../../../scripts/prerequisites/apt-install.js';
import type { BrowserDiscovery } from '../../../../scripts/prerequisites/browser.js';
import type { OAuthServersDiscovery } from '../../../../scripts/prerequisites/oauth-servers.js';
import type { SecretServiceDiscovery } from '../../../../scripts/prerequisites/secret-service.js';
import { ensureTestPrerequisites, packagesFor, type PrerequisiteDeps } from '../../../../scripts/prerequisites/test-prerequisites.js';

const CHROMIUM: BrowserDiscovery = { found: true, source: 'debian', executablePath: '/usr/bin/chromium', launch: { executablePath: '/usr/bin/chromium' } };
const NO_BROWSER: BrowserDiscovery = { found: false, installable: true, reason: 'No Chromium-based browser for the browser tests: install chromium' };
const BAD_CHROMIUM_PATH: BrowserDiscovery = { found: false, installable: false, reason: 'CHROMIUM_PATH is /x, which is not an executable file' };
const KEYRING: SecretServiceDiscovery = { kind: 'found', dbusRunSession: '/usr/bin/dbus-run-session', gnomeKeyringDaemon: '/usr/bin/gnome-keyring-daemon' };
const NO_KEYRING: SecretServiceDiscovery = { kind: 'missing', missing: ['gnome-keyring-daemon'], reason: 'No Secret Service for the OS-keyring tests' };

interface Scenario {
  readonly before: readonly [BrowserDiscovery, SecretServiceDiscovery];
  readonly after?: readonly [BrowserDiscovery, SecretServiceDiscovery];
  readonly access: AptAccess;
  readonly install?: AptResult;
}

/** A machine whose discoveries change once apt has run, recording what was installed and logged. */
function scenario(s: Scenario): { deps: PrerequisiteDeps; installed: string[][]; logged: string[] } {
  const installed: string[][] = [];
  const logged: string[] = [];
  const now = () => (installed.length > 0 && s.after !== undefined ? s.after : s.before);
  return {
    installed,
    logged,
    deps: {
      findBrowser: () => now()[0],
      findSecretService: () => now()[1],
      aptAccess: () => s.access,
      aptInstall: async (packages) => {
        installed.push([...packages]);
        return s.install ?? { ok: true };
      },
      log: (line) => logged.push(line),
    },
  };
}

describe('ensureTestPrerequisites()', () => {
  it('is ready at once, installing nothing, when both are there', async () => {
    const { deps, installed } = scenario({ before: [CHROMIUM, KEYRING], access: { prefix: [] } });
    expect(await ensureTestPrerequisites(deps)).toEqual({
      ok: true,
      summary: "Test prerequisites: browser Debian's chromium (/usr/bin/chromium); Secret Service gnome-keyring (/usr/bin/gnome-keyring-daemon).",
    });
    expect(installed).toEqual([]);
  });

  it('needs no Secret Service where its tests do not apply (not Linux)', async () => {
    const { deps } = scenario({ before: [CHROMIUM, { kind: 'not_linux', reason: 'this is darwin' }], access: null });
    expect((await ensureTestPrerequisites(deps)).ok).toBe(true);
  });

  it('installs chromium, gnome-keyring and dbus with apt where it may, then is ready', async () => {
    const { deps, installed, logged } = scenario({ before: [NO_BROWSER, NO_KEYRING], after: [CHROMIUM, KEYRING], access: { prefix: [] } });
    expect((await ensureTestPrerequisites(deps)).ok).toBe(true);
    expect(installed).toEqual([['chromium', 'gnome-keyring', 'dbus']]);
    expect(logged).toEqual(['Installing chromium, gnome-keyring, dbus with apt-get for the browser, OS-keyring and OAuth server tests...']);
  });

  it('installs only what is missing', async () => {
    const { deps, installed } = scenario({ before: [CHROMIUM, NO_KEYRING], after: [CHROMIUM, KEYRING], access: { prefix: ['sudo', '-n'] } });
    await ensureTestPrerequisites(deps);
    expect(installed).toEqual([['gnome-keyring', 'dbus']]);
  });

  it('stops in one line naming every missing thing and the apt command, where it may not install', async () => {
    const { deps, installed } = scenario({ before: [NO_BROWSER, NO_KEYRING], access: null });
    const outcome = await ensureTestPrerequisites(deps);
    expect(outcome).toEqual({
      ok: false,
      line:
        'npm test stopped. No Chromium-based browser for the browser tests: install chromium. No Secret Service for the OS-keyring tests; ' +
        'on Debian or Ubuntu, all at once: sudo apt-get install -y --no-install-recommends chromium gnome-keyring dbus. ' +
        '(As root or with password-less sudo on Debian or Ubuntu, npm test installs them itself.)',
    });
    expect(installed).toEqual([]);
  });

  it('stops on a wrong CHROMIUM_PATH with its own reason and installs nothing', async () => {
    const { deps, installed } = scenario({ before: [BAD_CHROMIUM_PATH, NO_KEYRING], access: { prefix: [] } });
    expect(await ensureTestPrerequisites(deps)).toEqual({ ok: false, line: 'CHROMIUM_PATH is /x, which is not an executable file' });
    expect(installed).toEqual([]);
  });

  it("stops with apt's reason when the install fails", async () => {
    const { deps } = scenario({ before: [NO_BROWSER, KEYRING], access: { prefix: [] }, install: { ok: false, reason: 'E: Unable to locate package chromium' } });
    expect(await ensureTestPrerequisites(deps)).toEqual({ ok: false, line: 'npm test stopped: could not install chromium: E: Unable to locate package chromium' });
  });

  it('stops when the install succeeded yet the program is still not found', async () => {
    const { deps } = scenario({ before: [NO_BROWSER, KEYRING], after: [NO_BROWSER, KEYRING], access: { prefix: [] } });
    const outcome = await ensureTestPrerequisites(deps);
    expect(outcome.ok ? null : outcome.line).toBe('npm test stopped: apt-get installed chromium, yet: No Chromium-based browser for the browser tests: install chromium.');
  });
});

describe('packagesFor()', () => {
  it('asks nothing of apt for a wrong CHROMIUM_PATH', () => {
    expect(packagesFor(BAD_CHROMIUM_PATH, KEYRING)).toEqual([]);
  });
});

describe('ensureTestPrerequisites() and the OAuth servers of the interoperability tests', () => {
  const SERVERS: OAuthServersDiscovery = { kind: 'found', glewlwyd: '/usr/bin/glewlwyd', sqlite3: '/usr/bin/sqlite3' };
  const NO_SERVERS: OAuthServersDiscovery = { kind: 'missing', missing: ['glewlwyd'], reason: 'No Glewlwyd OAuth server for the interoperability tests' };

  it('installs glewlwyd and sqlite3 with the others where it may, and names them when it may not', async () => {
    let servers: OAuthServersDiscovery = NO_SERVERS;
    const installed: string[][] = [];
    const deps: PrerequisiteDeps = {
      findBrowser: () => CHROMIUM,
      findSecretService: () => KEYRING,
      findOAuthServers: () => servers,
      aptAccess: () => ({ prefix: [] }),
      aptInstall: async (packages) => {
        installed.push([...packages]);
        servers = SERVERS;
        return { ok: true };
      },
      log: () => undefined,
    };
    const ready = await ensureTestPrerequisites(deps);
    expect(installed).toEqual([['glewlwyd', 'sqlite3']]);
    expect(ready).toMatchObject({ ok: true, summary: expect.stringContaining('OAuth server glewlwyd (/usr/bin/glewlwyd)') });

    servers = NO_SERVERS;
    const stopped = await ensureTestPrerequisites({ ...deps, aptAccess: () => null });
    expect(stopped).toMatchObject({ ok: false, line: expect.stringContaining('No Glewlwyd OAuth server for the interoperability tests') });
  });
});
