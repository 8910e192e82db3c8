// Specification of how the service keeps a rotated refresh token (issue 12, item 2): written first, alone; kept in memory
// and written again when the disk is full, before anything else is asked of the provider; a storage error naming its cause.
import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readTokenRecord, tokenEntry, VAULT_SERVICE } from '../../../../electron/core/accounts/account-store.js';
import { TokenryService, type ServiceSecrets } from '../../../../electron/core/service.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../../electron/core/vault/protectors/passphrase.js';
import { openVault, type Vault } from '../../../../electron/core/vault/secret-store.js';
import { journalFileName } from '../../../../electron/core/vault/vault-journal.js';
import type { ErrorValue } from '../../../../shared/errors.js';
import type { Result } from '../../../../shared/result.js';
import { makeDataDir, type TestDataDir } from '../../../fixtures/data-dir.js';
import { deferred, type Deferred } from '../../../fixtures/deferred.js';
import { FakeClock } from '../../../fixtures/fake-clock.js';
import { OAUTH2_DEFAULTS, startOAuth2Server, type OAuth2ServerHandle } from '../../../fixtures/oauth2-server.js';
import { makeTempDir } from '../vault/vault-test-helpers.js';

const protector = () => passphraseProtector('persistence test passphrase', { scrypt: TEST_SCRYPT });

let server: OAuth2ServerHandle;
let dataDir: string;
let cleanup: () => Promise<void>;
let made: TestDataDir;
let service: TokenryService;
let clock: FakeClock;
beforeAll(async () => {
  server = await startOAuth2Server();
});
afterAll(async () => server.close());
beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir('tokenry-persist-'));
  made = await makeDataDir(dataDir, protector());
  clock = new FakeClock(Date.now());
});
afterEach(async () => {
  service?.close();
  await made.vault.close().catch(() => undefined);
  await cleanup();
});

function value<T>(result: Result<T, ErrorValue>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function signedIn(secrets: ServiceSecrets = made.vault): Promise<void> {
  service = await TokenryService.open({ secrets, accounts: made.accounts, background: false, clock });
  value(await service.addAccount({ name: 'work', provider: 'oauth2', overrides: { baseUrl: server.baseUrl }, clientId: OAUTH2_DEFAULTS.clientId, clientSecret: OAUTH2_DEFAULTS.clientSecret }));
  value(await service.signIn('work', { username: OAUTH2_DEFAULTS.username, password: OAUTH2_DEFAULTS.password }));
}

/** The refresh token on disk for `work`, as a new reader finds it. */
async function refreshTokenOnDisk(): Promise<string | null> {
  const reader = await openVault({ dataDir, protector: protector(), readOnly: true });
  try {
    const stored = readTokenRecord(await reader.getPassword(VAULT_SERVICE, tokenEntry('work')));
    return stored.kind === 'ok' ? stored.record.refreshToken : null;
  } finally {
    await reader.close();
  }
}

/** Makes the vault's next journal file the full device (/dev/full answers every write with ENOSPC). Returns how to free it. */
async function fillTheDisk(): Promise<() => Promise<void>> {
  await made.vault.folded();
  // After a fold the vault writes to a new journal generation; generation 2 follows the first fold of a new vault.
  const next = join(dataDir, journalFileName(2));
  await symlink('/dev/full', next);
  return () => rm(next);
}

describe('a rotated refresh token on a full disk', () => {
  it('is a storage error naming ENOSPC, kept in memory, and written again before any further request to the provider', async () => {
    await signedIn();
    const signedInWith = server.issued.refreshTokens.at(-1);
    const free = await fillTheDisk();

    const failed = await service.refresh('work');
    expect(failed.ok).toBe(false);
    const error = (failed as { error: ErrorValue }).error;
    expect(error).toMatchObject({ kind: 'storage', code: 'storage_failed' });
    expect(error.message).toContain('ENOSPC');
    expect(error.message).toContain('keeps it in memory');
    // The provider rotated: the token it now accepts exists only in this process's memory.
    const rotated = server.issued.refreshTokens.at(-1)!;
    expect(rotated).not.toBe(signedInWith);
    expect(server.isRefreshTokenValid(signedInWith!)).toBe(false);
    const calls = server.tokenCalls();

    // Renewing again while the disk is still full: no request with the rotated-away token, the same storage error.
    const again = await service.refresh('work');
    expect(again).toMatchObject({ ok: false, error: { kind: 'storage', code: 'storage_failed' } });
    expect(server.tokenCalls()).toBe(calls);
    // Meanwhile the old access token, still valid, is what callers get: never the unsaved one.
    expect(value(await service.token('work')).access_token).toBe(server.issued.accessTokens.at(-2));

    await free();
    // The next renewal writes the kept record first, and needs no request: it is the fresh token.
    const view = value(await service.refresh('work'));
    expect(view.state.kind).toBe('valid');
    expect(server.tokenCalls()).toBe(calls);
    expect(await refreshTokenOnDisk()).toBe(rotated);
    // And the provider takes it: nothing was lost.
    value(await service.refresh('work'));
    expect(server.tokenCalls()).toBe(calls + 1);
  });

  it('is written again on its own, on a timer, once there is room', async () => {
    let written: Deferred<void> = deferred<void>();
    const watched: ServiceSecrets = new Proxy(made.vault, {
      get(target, property) {
        if (property === 'setPassword') {
          return async (...args: Parameters<Vault['setPassword']>) => {
            await target.setPassword(...args);
            written.resolve();
          };
        }
        const member: unknown = Reflect.get(target, property, target);
        return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(target) : member;
      },
    });
    await signedIn(watched);
    const free = await fillTheDisk();
    expect((await service.refresh('work')).ok).toBe(false);
    const rotated = server.issued.refreshTokens.at(-1)!;
    // Still full at the first retry (1 s): it fails again and backs off.
    await clock.advance(1000);
    await free();
    written = deferred<void>();
    await clock.advance(2000);
    await written.promise;
    expect(await refreshTokenOnDisk()).toBe(rotated);
    expect(value(service.account('work')).state.kind).toBe('valid');
  });

  it('flush() writes a kept record once there is room (an orderly stop does not lose it)', async () => {
    await signedIn();
    const free = await fillTheDisk();
    expect((await service.refresh('work')).ok).toBe(false);
    const rotated = server.issued.refreshTokens.at(-1)!;
    await free();
    await service.flush();
    expect(await refreshTokenOnDisk()).toBe(rotated);
  });
});

describe('order of a renewal', () => {
  it('hands out nothing of a renewal before its record is written: until then callers get the old token', async () => {
    const hold = deferred<void>();
    const reached = deferred<void>();
    let holding = false;
    const held: ServiceSecrets = new Proxy(made.vault, {
      get(target, property) {
        if (property === 'setPassword') {
          return async (...args: Parameters<Vault['setPassword']>) => {
            if (holding) {
              reached.resolve();
              await hold.promise;
            }
            await target.setPassword(...args);
          };
        }
        const member: unknown = Reflect.get(target, property, target);
        return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(target) : member;
      },
    });
    await signedIn(held);
    const before = value(await service.token('work')).access_token;
    holding = true;
    let settled = false;
    const renewal = service.refresh('work').finally(() => (settled = true));
    // The provider has answered (its newest access token exists) but the record is not written yet.
    await reached.promise;
    const fresh = server.issued.accessTokens.at(-1);
    expect(fresh).not.toBe(before);
    expect(settled).toBe(false);
    expect(service.cachedToken('work')?.access_token ?? before).toBe(before);
    hold.resolve();
    value(await renewal);
    expect(value(await service.token('work')).access_token).toBe(fresh);
  });
});
