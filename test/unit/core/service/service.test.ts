// TokenryService over a real vault (cheap scrypt) and accounts file in a temp dir, against the provider emulators.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  accountsFileSchema,
  clientSecretEntry,
  readTokenRecord,
  EMPTY_ACCOUNTS,
  tokenEntry,
  VAULT_SERVICE,
} from '../../../../electron/core/accounts/account-store.js';
import { TokenryService, type ServiceSecrets } from '../../../../electron/core/service.js';
import { openDataStore } from '../../../../electron/core/vault/data-store.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../../electron/core/vault/protectors/passphrase.js';
import { openOrCreateVault, openVault, type Vault } from '../../../../electron/core/vault/secret-store.js';
import type { Result } from '../../../../shared/result.js';
import type { ErrorValue } from '../../../../shared/errors.js';
import {
  APPLIXURE_DEFAULTS,
  startApplixure,
  startSugarCrm,
  startTeamServer,
  SUGARCRM_DEFAULTS,
  TEAMSERVER_DEFAULTS,
  type ApplixureHandle,
  type SugarHandle,
  type TeamServerHandle,
} from '../../../fixtures/emulators/index.js';
import { OAUTH2_DEFAULTS, startOAuth2Server, type OAuth2ServerHandle } from '../../../fixtures/oauth2-server.js';
import { deferred } from '../../../fixtures/deferred.js';
import { FakeClock } from '../../../fixtures/fake-clock.js';

const PASSPHRASE = 'service test pass';
const protector = (): ReturnType<typeof passphraseProtector> => passphraseProtector(PASSPHRASE, { scrypt: TEST_SCRYPT });

interface Opened {
  readonly service: TokenryService;
  readonly vault: Vault;
  close(): Promise<void>;
}

/** Opens the service the way the CLI does: vault + accounts file in `dataDir`, no background timers. */
async function openService(dataDir: string, wrap: (vault: Vault) => ServiceSecrets = (v) => v, clock?: FakeClock): Promise<Opened> {
  const vault = await openOrCreateVault({ dataDir, protector: protector() });
  const accounts = await openDataStore({ dataDir, name: 'accounts', schema: accountsFileSchema, defaults: EMPTY_ACCOUNTS });
  const service = await TokenryService.open({ secrets: wrap(vault), accounts, background: false, ...(clock === undefined ? {} : { clock }) });
  return {
    service,
    vault,
    async close() {
      service.close();
      await service.flush();
      await vault.close();
    },
  };
}

/** The token record in a vault entry, or null when there is none (or it cannot be used). */
function storedRecord(json: string | null) {
  const stored = readTokenRecord(json);
  return stored.kind === 'ok' ? stored.record : null;
}

function value<T>(result: Result<T, ErrorValue>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function failure<T>(result: Result<T, ErrorValue>): ErrorValue {
  if (result.ok) throw new Error('expected an error, got ok');
  return result.error;
}

/** Every regular file under `dir`, recursively, with its bytes. */
async function allFiles(dir: string): Promise<Array<{ path: string; bytes: Buffer }>> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await allFiles(path)));
    else if (entry.isFile()) out.push({ path, bytes: await readFile(path) });
  }
  return out;
}

/** The ways a secret could sit in a file in clear: raw UTF-8, JSON-escaped, form- or URL-encoded, base64. */
function clearForms(secret: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams([['', secret]]).toString().slice(1),
    Buffer.from(secret, 'utf8').toString('base64'),
  ];
}

let dataDir: string;
let opened: Opened | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tokenry-service-'));
});
afterEach(async () => {
  await opened?.close();
  opened = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

describe('addAccount validation', () => {
  it('refuses bad names, duplicates, unknown providers and invalid overrides with coded errors, storing nothing', async () => {
    opened = await openService(dataDir);
    const { service, vault } = opened;
    const base = { provider: 'applixure', overrides: { baseUrl: 'https://apx.example.test' }, clientId: 'k', clientSecret: 'canary-never-stored' };

    for (const name of ['', 'Upper', 'has space', '-leading', 'a/b', 'x'.repeat(65)]) {
      expect(failure(await service.addAccount({ ...base, name })), name).toMatchObject({ code: 'invalid_name', kind: 'invalid_input' });
    }
    expect(failure(await service.addAccount({ ...base, name: 'bb', provider: 'bitbucket' }))).toMatchObject({ code: 'unknown_provider', kind: 'invalid_input' });
    for (const overrides of [{ method: 'PUT' }, { encoding: 'yaml' }, { notAField: true }, { grants: ['implicit'] }, { tokenUrl: '' }]) {
      expect(failure(await service.addAccount({ ...base, name: 'bad', overrides })), JSON.stringify(overrides)).toMatchObject({
        code: 'invalid_profile',
        kind: 'invalid_input',
      });
    }
    // A preset that needs a base URL, or credentials over plain http to a remote host: configuration errors.
    expect(failure(await service.addAccount({ ...base, name: 'nobase', overrides: {} }))).toMatchObject({ code: 'invalid_config', kind: 'config' });
    expect(failure(await service.addAccount({ ...base, name: 'http', overrides: { baseUrl: 'http://apx.example.test' } }))).toMatchObject({
      code: 'insecure_url',
      kind: 'config',
    });
    expect(service.accounts()).toEqual([]);
    expect(await vault.findCredentials(VAULT_SERVICE)).toEqual([]);

    const view = value(await service.addAccount({ ...base, name: 'apx.main_1' }));
    expect(view).toMatchObject({ name: 'apx.main_1', provider: 'applixure', tokenUrl: 'https://apx.example.test/oauth2/token', clientId: 'k', state: { kind: 'signed_out' } });
    expect(failure(await service.addAccount({ ...base, name: 'apx.main_1' }))).toMatchObject({ code: 'already_exists', kind: 'invalid_input' });
    expect(service.accounts().map((a) => a.name)).toEqual(['apx.main_1']);
    expect(await vault.getPassword(VAULT_SERVICE, clientSecretEntry('apx.main_1'))).toBe('canary-never-stored');
  });
});

describe('what the UI learns: presets and account settings', () => {
  it('providers() reports every dialect fact a form needs', async () => {
    opened = await openService(dataDir);
    const byId = new Map(opened.service.providers().map((p) => [p.id, p]));
    expect(byId.get('sugarcrm')).toMatchObject({
      extraParams: { platform: 'base' },
      extraParamChoices: [{ name: 'platform', label: 'Platform', options: ['base', 'mobile', 'portal'] }],
      scopeParam: null,
      defaultClientId: 'sugar',
      tokenUrl: '{baseUrl}/rest/v10/oauth2/token',
      allowInsecureHttp: false,
    });
    expect(byId.get('teamserver')).toMatchObject({ scopeParam: null, extraParams: {}, extraParamChoices: [], defaultClientId: null });
    expect(byId.get('axosoft')).toMatchObject({ scopeParam: 'scope', defaultScope: 'read', method: 'GET', encoding: 'query' });
  });

  it('view().settings holds the effective settings, overrides laid over the preset, and never a secret', async () => {
    opened = await openService(dataDir);
    const { service } = opened;
    const secret = 'client-secret-canary';
    const view = value(
      await service.addAccount({
        name: 'crm',
        provider: 'sugarcrm',
        overrides: { baseUrl: 'https://crm.example.test', extraParams: { platform: 'mobile' } },
        clientId: 'my-client',
        clientSecret: secret,
      }),
    );
    expect(view.hasClientSecret).toBe(true);
    expect(view.settings).toEqual({
      baseUrl: 'https://crm.example.test',
      tokenUrl: '{baseUrl}/rest/v10/oauth2/token',
      method: 'POST',
      encoding: 'json',
      clientAuth: 'body',
      extraParams: { platform: 'mobile' },
      allowInsecureHttp: false,
    });

    // A later change is laid over the earlier ones; a token URL's query is never shown (a secret-named one is refused outright).
    const updated = value(await service.updateAccount('crm', { overrides: { tokenUrl: '{baseUrl}/custom/token?tenant=query-canary', clientAuth: 'basic' } }));
    expect(updated.settings).toEqual({ ...view.settings, tokenUrl: '{baseUrl}/custom/token', clientAuth: 'basic' });
    expect(value(service.account('crm')).settings).toEqual(updated.settings);
    for (const shown of [view, updated, ...service.accounts()]) {
      expect(JSON.stringify(shown)).not.toContain(secret);
      expect(JSON.stringify(shown)).not.toContain('query-canary');
    }

    // Clearing the secret: the view says none is stored.
    expect(value(await service.updateAccount('crm', { clientSecret: '' })).hasClientSecret).toBe(false);
  });

  it('updateAccount() with reset drops the account\'s own values: the preset\'s or the default applies again, other settings stay', async () => {
    opened = await openService(dataDir);
    const { service } = opened;
    value(await service.addAccount({ name: 'crm', provider: 'sugarcrm', overrides: { baseUrl: 'https://crm.example.test' } }));
    const set = value(
      await service.updateAccount('crm', { overrides: { timeoutSeconds: 90, assumeLifetimeSeconds: 600, basicEncoding: 'raw', redirectUri: 'http://127.0.0.1:8765/cb' } }),
    );
    expect(set.settings).toMatchObject({ timeoutSeconds: 90, assumeLifetimeSeconds: 600, basicEncoding: 'raw', redirectUri: 'http://127.0.0.1:8765/cb' });

    const reset = value(await service.updateAccount('crm', { reset: ['timeoutSeconds', 'assumeLifetimeSeconds', 'redirectUri'] }));
    expect(reset.settings.timeoutSeconds).toBeUndefined();
    expect(reset.settings.assumeLifetimeSeconds).toBeUndefined();
    expect(reset.settings.redirectUri).toBeUndefined();
    expect(reset.settings).toMatchObject({ baseUrl: 'https://crm.example.test', basicEncoding: 'raw' });

    // Kept on disk: a service opened afresh reads the same settings.
    await opened.close();
    opened = await openService(dataDir);
    expect(value(opened.service.account('crm')).settings).toEqual(reset.settings);
  });

  it('updateAccount() with reset of a setting the account never set changes nothing', async () => {
    opened = await openService(dataDir);
    const { service } = opened;
    const view = value(await service.addAccount({ name: 'crm', provider: 'sugarcrm', overrides: { baseUrl: 'https://crm.example.test' } }));
    expect(value(await service.updateAccount('crm', { reset: ['timeoutSeconds', 'issuer'] })).settings).toEqual(view.settings);
  });
});

describe('against Team Server', () => {
  let em: TeamServerHandle;
  beforeAll(async () => {
    em = await startTeamServer();
  });
  afterAll(async () => {
    await em.close();
  });

  it('signIn never stores the password, and no secret lies in clear in any file of the data dir', async () => {
    opened = await openService(dataDir);
    const { service, vault } = opened;
    value(await service.addAccount({ name: 'ts', provider: 'teamserver', overrides: { baseUrl: em.baseUrl }, clientId: TEAMSERVER_DEFAULTS.clientId, clientSecret: TEAMSERVER_DEFAULTS.clientSecret }));

    const wrong = failure(await service.signIn('ts', { username: TEAMSERVER_DEFAULTS.username, password: 'wrong-canary-pw' }));
    expect(wrong).toMatchObject({ code: 'invalid_grant', kind: 'rejected' });
    expect(JSON.stringify(wrong)).not.toContain('wrong-canary-pw');
    // The failed first sign-in stays on the account, without the password, until the next attempt.
    expect(value(service.account('ts')).state).toMatchObject({ kind: 'error', error: { code: 'invalid_grant' }, retryAt: null });
    expect(JSON.stringify(service.accounts())).not.toContain('wrong-canary-pw');

    const view = value(await service.signIn('ts', { username: TEAMSERVER_DEFAULTS.username, password: TEAMSERVER_DEFAULTS.password }));
    expect(view).toMatchObject({ state: { kind: 'valid' }, hasRefreshToken: true, grantedScope: ['read', 'write'] });
    value(await service.refresh('ts'));
    await service.flush();

    // The secrets are there, encrypted: the check below is not vacuous.
    const stored = await vault.findCredentials(VAULT_SERVICE);
    expect(stored.map((c) => c.account).sort()).toEqual(['ts/client_secret', 'ts/token']);
    expect(storedRecord(await vault.getPassword(VAULT_SERVICE, tokenEntry('ts')))).toMatchObject({
      accessToken: em.issued.accessTokens[1],
      refreshToken: em.issued.refreshTokens[0],
    });
    // The password is not stored at all, not even encrypted.
    for (const { password } of stored) {
      expect(password).not.toContain(TEAMSERVER_DEFAULTS.password);
      expect(password).not.toContain('wrong-canary-pw');
    }

    // Before the vault's journal is folded into secrets.json, and after.
    const inJournal = await allFiles(dataDir);
    expect(inJournal.some((f) => /secrets-\d+\.journal$/.test(f.path))).toBe(true);
    await vault.folded();
    const files = await allFiles(dataDir);
    expect(files.map((f) => f.path.slice(dataDir.length + 1)).sort()).toEqual(['accounts.json', 'secrets.json']);
    const secrets = [TEAMSERVER_DEFAULTS.password, 'wrong-canary-pw', TEAMSERVER_DEFAULTS.clientSecret, ...em.issued.accessTokens, ...em.issued.refreshTokens];
    for (const { path, bytes } of [...inJournal, ...files]) {
      for (const secret of secrets) {
        for (const form of clearForms(secret)) expect(bytes.includes(Buffer.from(form, 'utf8')), `${form} in ${path}`).toBe(false);
      }
    }
  });
});

describe('against SugarCRM (refresh_token renewal)', () => {
  let em: SugarHandle;
  beforeAll(async () => {
    em = await startSugarCrm();
  });
  afterAll(async () => {
    await em.close();
  });
  beforeEach(() => {
    em.knobs.accessLifetimeSeconds = 3600;
  });

  async function signedIn(name: string, clock?: FakeClock): Promise<Opened> {
    const o = await openService(dataDir, undefined, clock);
    value(await o.service.addAccount({ name, provider: 'sugarcrm', overrides: { baseUrl: em.baseUrl } }));
    value(await o.service.signIn(name, { username: SUGARCRM_DEFAULTS.username, password: SUGARCRM_DEFAULTS.password }));
    return o;
  }

  it('token() hands out the current token, and renews through the engine when it would not last', async () => {
    const clock = new FakeClock(Date.now());
    opened = await signedIn('crm', clock);
    const { service } = opened;
    const before = em.tokenCalls();
    clock.time += 10_000;
    const first = value(await service.token('crm', { minValidSeconds: 3580 }));
    expect(first).toMatchObject({ access_token: em.issued.accessTokens.at(-1), expires_in: 3590 });
    expect(first.warning).toBeUndefined();
    expect(em.tokenCalls()).toBe(before);

    const states: string[] = [];
    service.onStatus((name, state) => states.push(`${name}:${state.kind}`));
    // Two callers at once: one renewal (single flight), both get its token.
    const [a, b] = await Promise.all([service.token('crm', { minValidSeconds: 3595 }), service.token('crm', { minValidSeconds: 3595 })]);
    expect(em.tokenCalls()).toBe(before + 1);
    const sent = JSON.parse(em.requests.at(-1)?.body ?? '{}') as Record<string, string>;
    expect(sent).toMatchObject({ grant_type: 'refresh_token', refresh_token: em.issued.refreshTokens.at(-1) });
    expect(value(a)).toEqual(value(b));
    expect(value(a)).toMatchObject({ access_token: em.issued.accessTokens.at(-1), token_type: 'Bearer' });
    expect(value(a).expires_in).toBe(3600);
    // Listeners saw the renewal run, then a valid token (repeats only carry a changed expiry).
    expect([...new Set(states)]).toEqual(['crm:refreshing', 'crm:valid']);
    expect(states.at(-1)).toBe('crm:valid');
  });

  it('invalid_grant on refresh ends the refresh token: needs_sign_in, persisted, until the next sign-in', async () => {
    opened = await signedIn('crm');
    em.revokeRefreshTokens();
    const calls = em.tokenCalls();

    expect(failure(await opened.service.refresh('crm'))).toMatchObject({ code: 'needs_sign_in', kind: 'needs_sign_in' });
    expect(em.tokenCalls()).toBe(calls + 1);
    expect(value(opened.service.account('crm'))).toMatchObject({ state: { kind: 'needs_sign_in' }, hasRefreshToken: false });
    const record = storedRecord(await opened.vault.getPassword(VAULT_SERVICE, tokenEntry('crm')));
    expect(record?.refreshToken).toBeNull();

    // Asking for more than any token of this provider lasts: the current one, with a warning, without another request.
    const long = value(await opened.service.token('crm', { minValidSeconds: 7200 }));
    expect(long.warning).toContain('less than the 7200 s asked for');
    expect(em.tokenCalls()).toBe(calls + 1);

    // The state survives a restart.
    await opened.close();
    opened = await openService(dataDir);
    expect(value(opened.service.account('crm'))).toMatchObject({ state: { kind: 'needs_sign_in' }, hasRefreshToken: false });
    expect(failure(await opened.service.refresh('crm'))).toMatchObject({ kind: 'needs_sign_in' });

    // Signing in again clears it.
    value(await opened.service.signIn('crm', { username: SUGARCRM_DEFAULTS.username, password: SUGARCRM_DEFAULTS.password }));
    expect(value(opened.service.account('crm'))).toMatchObject({ state: { kind: 'valid' }, hasRefreshToken: true });
    await opened.service.flush();
    const file = JSON.parse(await readFile(join(dataDir, 'accounts.json'), 'utf8')) as { accounts: Array<{ needsSignIn: string | null }> };
    expect(file.accounts[0]?.needsSignIn).toBeNull();
  });
});

describe('against a real RFC 6749 server', () => {
  let rotating: OAuth2ServerHandle;
  let keeping: OAuth2ServerHandle;
  beforeAll(async () => {
    [rotating, keeping] = await Promise.all([startOAuth2Server(), startOAuth2Server({ alwaysIssueNewRefreshToken: false })]);
  });
  afterAll(async () => {
    await Promise.all([rotating.close(), keeping.close()]);
  });

  const addAndSignIn = async (service: TokenryService, name: string, server: OAuth2ServerHandle): Promise<void> => {
    value(await service.addAccount({ name, provider: 'oauth2', overrides: { baseUrl: server.baseUrl }, clientId: OAUTH2_DEFAULTS.clientId, clientSecret: OAUTH2_DEFAULTS.clientSecret }));
    value(await service.signIn(name, { username: OAUTH2_DEFAULTS.username, password: OAUTH2_DEFAULTS.password }));
  };

  it('a rotated refresh token is durably persisted before the new access token is returned', async () => {
    const events: string[] = [];
    let vaultRef: Vault | undefined;
    const clock = new FakeClock(Date.now());
    opened = await openService(dataDir, (vault) => {
      vaultRef = vault;
      return {
        getPassword: (s, a) => vault.getPassword(s, a),
        deletePassword: (s, a) => vault.deletePassword(s, a),
        findCredentials: (s) => vault.findCredentials(s),
        async setMany(changes) {
          await vault.setMany(changes);
          for (const c of changes) if (c.password !== null) events.push(`persisted ${c.account}`);
        },
        async setPassword(s, a, p) {
          await vault.setPassword(s, a, p);
          const record = a.endsWith('/token') ? storedRecord(p) : null;
          events.push(record === null ? `persisted ${a}` : `persisted refresh=${record.refreshToken ?? 'none'}`);
        },
      };
    }, clock);
    expect(vaultRef).toBeDefined();
    await addAndSignIn(opened.service, 'w', rotating);
    const oldRefresh = rotating.issued.refreshTokens.at(-1);
    events.length = 0;
    // Ten seconds on, a caller needs the token for nearly a full lifetime: it must be renewed first.
    const signedIn = value(opened.service.account('w'));
    const lifetimeS = ((signedIn.expiresAt ?? 0) - (signedIn.issuedAt ?? 0)) / 1000;
    clock.time += 10_000;

    const pending = opened.service.token('w', { minValidSeconds: lifetimeS - 5 }).then(async (result) => {
      events.push('resolved');
      // At this moment the rotated refresh token is already in the file on disk, not just in memory.
      const other = await openVault({ dataDir, protector: protector() });
      try {
        return { result, onDisk: storedRecord(await other.getPassword(VAULT_SERVICE, tokenEntry('w'))) };
      } finally {
        await other.close();
      }
    });
    const { result, onDisk } = await pending;
    const newRefresh = rotating.issued.refreshTokens.at(-1);
    expect(newRefresh).not.toBe(oldRefresh);
    expect(new URLSearchParams(rotating.requests.at(-1)?.body).get('refresh_token')).toBe(oldRefresh);
    expect(events).toEqual([`persisted refresh=${newRefresh}`, 'resolved']);
    expect(value(result).access_token).toBe(rotating.issued.accessTokens.at(-1));
    expect(onDisk).toMatchObject({ refreshToken: newRefresh, accessToken: rotating.issued.accessTokens.at(-1) });
  });

  it('a person signed in by password whose refresh token dies is asked to sign in, never given the client\'s own token', async () => {
    opened = await openService(dataDir);
    await addAndSignIn(opened.service, 'p', rotating);
    await rotating.close();
    rotating = await startOAuth2Server();
    value(await opened.service.updateAccount('p', { overrides: { baseUrl: rotating.baseUrl } }));
    const calls = rotating.tokenCalls();

    expect(failure(await opened.service.refresh('p')).kind).toBe('needs_sign_in');
    // One refused refresh_token grant, and no client_credentials grant after it.
    expect(rotating.tokenCalls()).toBe(calls + 1);
    expect(new URLSearchParams(rotating.requests.at(-1)?.body).get('grant_type')).toBe('refresh_token');
  });

  it('a refresh answer without a refresh token keeps the old one', async () => {
    opened = await openService(dataDir);
    await addAndSignIn(opened.service, 'k', keeping);
    const original = keeping.issued.refreshTokens.at(-1);
    expect(original).toBeDefined();

    for (let i = 0; i < 2; i += 1) {
      const calls = keeping.tokenCalls();
      value(await opened.service.refresh('k'));
      expect(keeping.tokenCalls()).toBe(calls + 1);
      const sent = new URLSearchParams(keeping.requests.at(-1)?.body);
      expect(sent.get('grant_type')).toBe('refresh_token');
      expect(sent.get('refresh_token')).toBe(original);
    }
    // The server issued no new refresh token, and the stored record still has the first one.
    expect(keeping.issued.refreshTokens.filter((t) => t === original)).toHaveLength(1);
    expect(keeping.issued.refreshTokens.at(-1)).toBe(original);
    expect(value(opened.service.account('k')).hasRefreshToken).toBe(true);
    const record = storedRecord(await opened.vault.getPassword(VAULT_SERVICE, tokenEntry('k')));
    expect(record).toMatchObject({ refreshToken: original, accessToken: keeping.issued.accessTokens.at(-1) });
  });
});

describe('against Applixure (client credentials)', () => {
  let em: ApplixureHandle;
  beforeAll(async () => {
    em = await startApplixure();
  });
  afterAll(async () => {
    await em.close();
  });

  const add = async (service: TokenryService, name: string): Promise<void> => {
    value(
      await service.addAccount({
        name,
        provider: 'applixure',
        overrides: { baseUrl: em.baseUrl },
        clientId: APPLIXURE_DEFAULTS.clientId,
        clientSecret: APPLIXURE_DEFAULTS.clientSecret,
        scope: APPLIXURE_DEFAULTS.exampleScope,
      }),
    );
  };

  it('removeAccount deletes its secrets; the name can be reused from scratch', async () => {
    opened = await openService(dataDir);
    const { service, vault } = opened;
    await add(service, 'gone');
    await add(service, 'kept');
    value(await service.signIn('gone'));
    value(await service.signIn('kept'));
    expect((await vault.findCredentials(VAULT_SERVICE)).map((c) => c.account).sort()).toEqual(['gone/client_secret', 'gone/token', 'kept/client_secret', 'kept/token']);

    // Applixure has no revocation endpoint: the tokens are only forgotten.
    expect(value(await service.removeAccount('gone'))).toEqual({ revocation: 'not_supported', warning: null });
    expect(await vault.getPassword(VAULT_SERVICE, tokenEntry('gone'))).toBeNull();
    expect(await vault.getPassword(VAULT_SERVICE, clientSecretEntry('gone'))).toBeNull();
    expect((await vault.findCredentials(VAULT_SERVICE)).map((c) => c.account).sort()).toEqual(['kept/client_secret', 'kept/token']);
    expect(service.accounts().map((a) => a.name)).toEqual(['kept']);
    expect(failure(await service.token('gone'))).toMatchObject({ code: 'not_found', kind: 'not_found' });
    expect(failure(await service.removeAccount('gone'))).toMatchObject({ code: 'not_found' });

    // Re-adding the name starts clean: no leftover token is handed out.
    value(await service.addAccount({ name: 'gone', provider: 'applixure', overrides: { baseUrl: em.baseUrl } }));
    expect(value(service.account('gone'))).toMatchObject({ state: { kind: 'signed_out' }, issuedAt: null, clientId: null });
    expect(failure(await service.token('gone'))).toMatchObject({ kind: 'needs_sign_in' });
  });

  it('logout forgets the token and keeps the account; its client credentials renew nothing until it signs in again', async () => {
    opened = await openService(dataDir);
    const { service, vault } = opened;
    await add(service, 'out');
    value(await service.signIn('out'));
    const calls = em.tokenCalls();

    expect(value(await service.logout('out'))).toEqual({ revocation: 'not_supported', warning: null });
    expect(await vault.getPassword(VAULT_SERVICE, tokenEntry('out'))).toBeNull();
    expect(await vault.getPassword(VAULT_SERVICE, clientSecretEntry('out'))).not.toBeNull();
    expect(value(service.account('out')).state).toEqual({ kind: 'signed_out' });
    expect(failure(await service.token('out'))).toMatchObject({ kind: 'needs_sign_in' });
    expect(em.tokenCalls()).toBe(calls);

    value(await service.signIn('out'));
    expect(value(await service.token('out')).access_token).toBe(em.issued.accessTokens.at(-1));
    expect(value(await service.logout('out'))).toEqual({ revocation: 'not_supported', warning: null });
    expect(value(await service.logout('out'))).toEqual({ revocation: 'nothing_to_revoke', warning: null });
  });

  it('openSignInPage says there is nothing to open when no sign-in waits', async () => {
    opened = await openService(dataDir);
    await add(opened.service, 'idle');
    expect(failure(await opened.service.openSignInPage('idle'))).toMatchObject({ code: 'no_sign_in_page', kind: 'not_found' });
  });

  it('reopening the service from disk restores accounts and tokens without asking the provider', async () => {
    opened = await openService(dataDir);
    await add(opened.service, 'apx');
    value(await opened.service.signIn('apx'));
    const token = value(await opened.service.token('apx'));
    const views = opened.service.accounts();
    await opened.close();

    const calls = em.tokenCalls();
    opened = await openService(dataDir);
    const reopened = opened.service.accounts();
    expect(reopened.map(({ name, provider, clientId, requestedScope, grantedScope, issuedAt, expiresAt, state }) => ({ name, provider, clientId, requestedScope, grantedScope, issuedAt, expiresAt, state }))).toEqual(
      views.map(({ name, provider, clientId, requestedScope, grantedScope, issuedAt, expiresAt, state }) => ({ name, provider, clientId, requestedScope, grantedScope, issuedAt, expiresAt, state })),
    );
    const again = value(await opened.service.token('apx'));
    expect(again.access_token).toBe(token.access_token);
    expect(again.scope).toBe(APPLIXURE_DEFAULTS.exampleScope);
    expect(em.tokenCalls()).toBe(calls);
    // The client secret came back too: a renewal authenticates.
    value(await opened.service.refresh('apx'));
    expect(em.tokenCalls()).toBe(calls + 1);
    expect(value(await opened.service.token('apx')).access_token).toBe(em.issued.accessTokens.at(-1));
  });
});

describe('removing an account while its renewal is in flight', () => {
  let em: ApplixureHandle;
  beforeAll(async () => {
    em = await startApplixure();
  });
  afterAll(async () => {
    await em.close();
  });

  it('cancelSignIn() stops a sign-in in flight: the caller hears "cancelled" and the account stays signed out', async () => {
    opened = await openService(dataDir);
    const { service, vault } = opened;
    value(await service.addAccount({ name: 'c', provider: 'applixure', overrides: { baseUrl: em.baseUrl }, clientId: APPLIXURE_DEFAULTS.clientId, clientSecret: APPLIXURE_DEFAULTS.clientSecret }));
    const requests = em.requests.length;
    const gate = deferred<void>();
    em.knobs.hold = gate.promise;
    const signIn = service.signIn('c');
    await em.arrived(requests + 1);
    value(service.cancelSignIn('c'));
    expect(failure(await signIn)).toMatchObject({ code: 'cancelled', kind: 'cancelled' });
    gate.resolve();
    em.knobs.hold = null;
    expect(value(service.account('c'))).toMatchObject({ state: { kind: 'error', error: { kind: 'cancelled' }, retryAt: null }, issuedAt: null });
    expect(await vault.getPassword(VAULT_SERVICE, tokenEntry('c'))).toBeNull();
    expect(failure(service.cancelSignIn('nobody'))).toMatchObject({ code: 'not_found' });
  });

  it('the late answer is dropped: no token is stored for the removed name, and a new account of that name starts clean', async () => {
    opened = await openService(dataDir);
    const { service, vault } = opened;
    const input = { name: 'x', provider: 'applixure', overrides: { baseUrl: em.baseUrl }, clientId: APPLIXURE_DEFAULTS.clientId, clientSecret: APPLIXURE_DEFAULTS.clientSecret };
    value(await service.addAccount(input));
    value(await service.signIn('x'));
    const requests = em.requests.length;

    const gate = deferred<void>();
    em.knobs.hold = gate.promise;
    const renewal = service.refresh('x');
    await em.arrived(requests + 1);
    value(await service.removeAccount('x'));
    gate.resolve();
    const late = await renewal;
    em.knobs.hold = null;

    expect(late.ok).toBe(false);
    expect(await vault.getPassword(VAULT_SERVICE, tokenEntry('x'))).toBeNull();
    expect(service.accounts()).toEqual([]);
    value(await service.addAccount({ ...input, clientId: undefined, clientSecret: undefined }));
    await opened.close();
    opened = await openService(dataDir);
    expect(value(opened.service.account('x'))).toMatchObject({ state: { kind: 'signed_out' }, issuedAt: null });
    expect(failure(await opened.service.token('x'))).toMatchObject({ kind: 'needs_sign_in' });
  });
});

describe('settings that would keep a secret in clear (issue 12, item 6)', () => {
  it('addAccount() and updateAccount() refuse a secret-named extra parameter or URL query parameter, storing nothing', async () => {
    opened = await openService(dataDir);
    const { service } = opened;
    const refused = failure(await service.addAccount({ name: 'x', provider: 'oauth2', overrides: { baseUrl: 'https://a.example.test', extraParams: { client_secret: 'canary' } } }));
    expect(refused).toMatchObject({ code: 'secret_in_settings', kind: 'invalid_input' });
    expect(refused.message).not.toContain('canary');
    expect(service.accounts()).toEqual([]);
    value(await service.addAccount({ name: 'x', provider: 'oauth2', overrides: { baseUrl: 'https://a.example.test' } }));
    expect(failure(await service.updateAccount('x', { overrides: { tokenUrl: '{baseUrl}/token?api_key=canary' } }))).toMatchObject({ code: 'secret_in_settings' });
    expect(value(service.account('x')).settings.tokenUrl).toBe('{baseUrl}/token');
  });
});
