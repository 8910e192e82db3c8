// Specification of owning a data directory (issue 12, items 1 and 5): the owner checks its lock before every request and
// write and stops, loudly, once it lost it; no new vault is made beside existing accounts; a new directory is made whole.
import { readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { readTokenRecord, tokenEntry, VAULT_SERVICE } from '../../../electron/core/accounts/account-store.js';
import { ClientStore } from '../../../electron/core/loopback/client-store.js';
import { openOwnedService } from '../../../electron/core/owned-service.js';
import { TokenryService } from '../../../electron/core/service.js';
import { LOCK_FILE } from '../../../electron/core/vault/lock.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import { openOrCreateVault, openVault, secretsPath } from '../../../electron/core/vault/secret-store.js';
import type { VaultError } from '../../../electron/core/vault/vault-error.js';
import { makeDataDir } from '../../fixtures/data-dir.js';
import { OAUTH2_DEFAULTS, startOAuth2Server, type OAuth2ServerHandle } from '../../fixtures/oauth2-server.js';
import { makeTempDir, rejectionCode } from './vault/vault-test-helpers.js';

const protector = () => passphraseProtector('owned service test passphrase', { scrypt: TEST_SCRYPT });
const own = (dataDir: string, purpose: string, onLockLost?: (error: VaultError) => void) =>
  openOwnedService({
    dataDir,
    purpose,
    unlock: (guard) => openOrCreateVault({ dataDir, protector: protector(), guard }),
    ...(onLockLost === undefined ? {} : { onLockLost }),
  });

let server: OAuth2ServerHandle;
let dataDir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  server = await startOAuth2Server();
});
afterAll(async () => server.close());
beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir('tokenry-owned-'));
});
afterEach(async () => cleanup());

/** A directory with one account, signed in (a rotating refresh token). */
async function withSignedInAccount(): Promise<void> {
  const made = await makeDataDir(dataDir, protector());
  const service = await TokenryService.open({ secrets: made.vault, accounts: made.accounts, background: false });
  const added = await service.addAccount({ name: 'work', provider: 'oauth2', overrides: { baseUrl: server.baseUrl }, clientId: OAUTH2_DEFAULTS.clientId, clientSecret: OAUTH2_DEFAULTS.clientSecret });
  if (!added.ok) throw new Error(added.error.message);
  const signed = await service.signIn('work', { username: OAUTH2_DEFAULTS.username, password: OAUTH2_DEFAULTS.password });
  if (!signed.ok) throw new Error(signed.error.message);
  service.close();
  await made.vault.close();
}

describe('an owner that lost its lock (issue 12, item 1)', () => {
  it('sends no renewal and writes nothing once another process took the directory; the other\'s client and token survive', async () => {
    await withSignedInAccount();
    const losses: VaultError[] = [];
    // "tokenry serve": the owner, with its clients open and a use to write later.
    const serve = await own(dataDir, 'tokenry serve', (error) => losses.push(error));
    const serveClients = await ClientStore.open(dataDir, { openStore: serve.openStore });
    expect((await serveClients.addClient('old', ['work'])).ok).toBe(true);

    // Someone deletes tokenry.lock; the CLI then takes the directory, adds a client and renews.
    await unlink(join(dataDir, LOCK_FILE));
    const cli = await own(dataDir, 'tokenry client add');
    const cliClients = await ClientStore.open(dataDir, { openStore: cli.openStore });
    expect((await cliClients.addClient('new', ['work'])).ok).toBe(true);
    await cliClients.close();
    const renewed = await cli.service.refresh('work');
    expect(renewed.ok).toBe(true);
    const cliRefreshToken = server.issued.refreshTokens.at(-1)!;
    await cli.close();

    // serve renews next: refused before any request, so its stale refresh token is never sent.
    const calls = server.tokenCalls();
    const refused = await serve.service.refresh('work');
    expect(refused).toMatchObject({ ok: false, error: { code: 'lock_lost', kind: 'vault' } });
    expect(server.tokenCalls()).toBe(calls);
    // Its pending writes are refused too: the client list it holds in memory does not overwrite the CLI's.
    expect(await rejectionCode(serveClients.removeClient('old').then((r) => r))).toBe('lock_lost');
    expect(await rejectionCode(serve.vault.setPassword(VAULT_SERVICE, tokenEntry('work'), '{}'))).toBe('lock_lost');
    // Told once, loudly.
    expect(losses).toHaveLength(1);
    expect(losses[0]?.message).toContain('no longer owns');
    await serveClients.close().catch(() => undefined);
    await serve.close().catch(() => undefined);

    // What the CLI wrote is all there.
    const after = await own(dataDir, 'check');
    const clients = await ClientStore.open(dataDir, { openStore: after.openStore });
    expect(clients.listClients().map((c) => c.name).sort()).toEqual(['new', 'old']);
    const stored = readTokenRecord(await after.vault.getPassword(VAULT_SERVICE, tokenEntry('work')));
    expect(stored.kind === 'ok' && stored.record.refreshToken).toBe(cliRefreshToken);
    expect(server.isRefreshTokenValid(cliRefreshToken)).toBe(true);
    await clients.close();
    await after.close();
  });
});

describe('a missing vault (issue 12, item 5)', () => {
  it('is vault_missing when accounts are there, naming what is there; no new vault is made', async () => {
    await withSignedInAccount();
    await rm(secretsPath(dataDir));
    const failure = await own(dataDir, 'tokenry account list').catch((error: unknown) => error as VaultError);
    expect(failure).toMatchObject({ code: 'vault_missing' });
    expect((failure as VaultError).message).toContain('accounts.json');
    expect((failure as VaultError).message).toContain('Restore secrets.json from a backup');
    expect(await readdir(dataDir)).not.toContain('secrets.json');
  });

  it('a missing accounts.json beside a vault is missing_file, not "no accounts"', async () => {
    await withSignedInAccount();
    await rm(join(dataDir, 'accounts.json'));
    expect(await rejectionCode(own(dataDir, 'tokenry account list'))).toBe('missing_file');
  });

  it('a new, empty directory gets its vault and every data file, authenticated', async () => {
    const owned = await own(dataDir, 'first use');
    await owned.close();
    expect((await readdir(dataDir)).filter((n) => n.endsWith('.json')).sort()).toEqual(['accounts.json', 'clients.json', 'secrets.json', 'settings.json']);
    // A planted clients.json (no authentication code) is refused from then on.
    await writeFile(join(dataDir, 'clients.json'), JSON.stringify({ version: 2, clients: [] }));
    const again = await own(dataDir, 'again');
    expect(await rejectionCode(ClientStore.open(dataDir, { openStore: again.openStore }))).toBe('unauthenticated_file');
    await again.close();
    // The vault itself is untouched by all this.
    await (await openVault({ dataDir, protector: protector(), readOnly: true })).close();
  });
});

describe('the renewal warm-up of a process that renews (issue 12, item 2)', () => {
  it('runs once, before the first request to a provider, and not at all while none is sent', async () => {
    await withSignedInAccount();
    const warmUps: number[] = [];
    const owned = await openOwnedService({
      dataDir,
      purpose: 'warm-up test',
      unlock: (guard) => openOrCreateVault({ dataDir, protector: protector(), guard }),
      // Records how many token requests the provider had seen when the warm-up ran.
      warmUp: async () => {
        warmUps.push(server.tokenCalls());
      },
    });
    try {
      expect(warmUps).toEqual([]);
      const before = server.tokenCalls();
      expect((await owned.service.refresh('work')).ok).toBe(true);
      expect((await owned.service.refresh('work')).ok).toBe(true);
      expect({ warmUps, requests: server.tokenCalls() - before }).toEqual({ warmUps: [before], requests: 2 });
    } finally {
      await owned.close();
    }
  });

  it('a warm-up that fails costs the renewal nothing', async () => {
    await withSignedInAccount();
    const owned = await openOwnedService({
      dataDir,
      purpose: 'warm-up test',
      unlock: (guard) => openOrCreateVault({ dataDir, protector: protector(), guard }),
      warmUp: () => Promise.reject(new Error('no loopback here')),
    });
    try {
      expect((await owned.service.refresh('work')).ok).toBe(true);
    } finally {
      await owned.close();
    }
  });
});
