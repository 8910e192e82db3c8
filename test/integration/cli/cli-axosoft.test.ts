// End to end: the `tokenry` command as a subprocess against the Axosoft emulator (GET query password grant, no expiry).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AXOSOFT_DEFAULTS, startAxosoft, type AxosoftHandle } from '../../fixtures/emulators/index.js';
import { expectFailure, expectNoLeaks, expectSuccess, makeSandbox, parseTokenJson, type CliSandbox } from './cli-harness.js';

describe('tokenry against Axosoft', () => {
  let em: AxosoftHandle;
  let box: CliSandbox;

  beforeAll(async () => {
    [em, box] = await Promise.all([startAxosoft(), makeSandbox()]);
  });
  afterAll(async () => {
    await em?.close();
    await box?.cleanup();
  });

  it('adds an account with the client secret from stdin', async () => {
    const run = await box.run(
      ['account', 'add', 'axo', '--provider', 'axosoft', '--base-url', em.baseUrl, '--client-id', AXOSOFT_DEFAULTS.clientId, '--client-secret-stdin', '--scope', 'read write'],
      { input: `${AXOSOFT_DEFAULTS.clientSecret}\n` },
    );
    expectSuccess(run);
    expect(run.stdout).toBe('Added axo (Axosoft). Sign in with: tokenry login axo\n');
    const [account] = (await box.readAccounts()).accounts;
    expect(account).toMatchObject({ name: 'axo', provider: 'axosoft', clientId: AXOSOFT_DEFAULTS.clientId, hasClientSecret: true, scope: ['read', 'write'] });
  });

  it('a token before login is a needs-sign-in error (exit 3)', async () => {
    expectFailure(await box.run(['token', 'axo']), 3, /tokenry login axo/);
    expect(em.tokenCalls()).toBe(0);
  });

  it('logs in with the password from stdin; token prints the issued token, bare and as JSON', async () => {
    const login = await box.run(['login', 'axo', '--username', AXOSOFT_DEFAULTS.username, '--password-stdin'], { input: `${AXOSOFT_DEFAULTS.password}\n` });
    expectSuccess(login);
    expect(login.stdout).toBe('Signed in to axo; token has no stated expiry.\n');
    expect(em.tokenCalls()).toBe(1);
    // The password travelled intact (reserved and non-ASCII characters, trailing newline dropped).
    expect(em.requests[0]?.query.get('password')).toBe(AXOSOFT_DEFAULTS.password);
    const issued = em.issued.accessTokens[0];

    const bare = await box.run(['token', 'axo']);
    expectSuccess(bare);
    expect(bare.stdout).toBe(`${issued}\n`);

    const json = parseTokenJson(await box.run(['token', 'axo', '--json']));
    expect(json).toEqual({ access_token: issued, token_type: 'Bearer', expires_at: null, expires_in: null, scope: 'read write' });
    expect(em.tokenCalls()).toBe(1);
  });

  it('cannot renew a password account without a refresh token: exit 3, one line, no request', async () => {
    const run = await box.run(['refresh', 'axo']);
    expectFailure(run, 3, /sign|login/i);
    expect(em.tokenCalls()).toBe(1);
  });

  it('never shows the password, the client secret, or the token outside `token`', () => {
    expectNoLeaks(box.transcript, [AXOSOFT_DEFAULTS.password, AXOSOFT_DEFAULTS.clientSecret], em.issued.accessTokens);
  });
});
