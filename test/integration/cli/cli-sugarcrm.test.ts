// End to end: the `tokenry` command as a subprocess against the SugarCRM emulator (JSON body, refresh_token renewal).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSugarCrm, SUGARCRM_DEFAULTS, type SugarHandle } from '../../fixtures/emulators/index.js';
import { expectFailure, expectNoLeaks, expectSuccess, makeSandbox, parseTokenJson, type CliSandbox } from './cli-harness.js';

const grantsSeen = (em: SugarHandle): string[] =>
  em.requests.map((r) => (JSON.parse(r.body) as { grant_type: string }).grant_type);

describe('tokenry against SugarCRM', () => {
  let em: SugarHandle;
  let box: CliSandbox;

  beforeAll(async () => {
    [em, box] = await Promise.all([startSugarCrm(), makeSandbox()]);
  });
  afterAll(async () => {
    await em?.close();
    await box?.cleanup();
  });

  it('adds the account (stock `sugar` key with an empty secret on stdin) and logs in', async () => {
    expectSuccess(
      await box.run(['account', 'add', 'crm', '--provider', 'sugarcrm', '--base-url', em.baseUrl, '--client-id', SUGARCRM_DEFAULTS.clientId, '--client-secret-stdin'], {
        input: '\n',
      }),
    );
    const login = await box.run(['login', 'crm', '--username', SUGARCRM_DEFAULTS.username, '--password-stdin'], { input: SUGARCRM_DEFAULTS.password });
    expectSuccess(login);
    expect(login.stdout).toMatch(/^Signed in to crm; token expires \S+ \(in (59m\d+s|1h0m)\)\.\n$/);
    expect(grantsSeen(em)).toEqual(['password']);
  });

  it('token prints exactly the issued token; --json has the documented fields', async () => {
    const issued = em.issued.accessTokens[0];
    const bare = await box.run(['token', 'crm']);
    expectSuccess(bare);
    expect(bare.stdout).toBe(`${issued}\n`);

    const json = parseTokenJson(await box.run(['token', 'crm', '--json']));
    expect(json).toMatchObject({ access_token: issued, token_type: 'Bearer', scope: null });
    expect(json.expires_in).toBeGreaterThan(3590);
    expect(json.expires_in).toBeLessThanOrEqual(3600);
    expect(Date.parse(json.expires_at ?? '') - Date.now()).toBeGreaterThan(3_580_000);
    expect(em.tokenCalls()).toBe(1);
  });

  it('renews by refresh_token when the token would not last --min-valid', async () => {
    // A renewal that hands out a token dead on arrival (expires_in: 0): the next `token` must renew.
    em.knobs.accessLifetimeSeconds = 0;
    expectSuccess(await box.run(['refresh', 'crm']));
    em.knobs.accessLifetimeSeconds = 3600;
    const run = await box.run(['token', 'crm', '--min-valid', '300']);
    expectSuccess(run);
    expect(grantsSeen(em)).toEqual(['password', 'refresh_token', 'refresh_token']);
    const refreshBody = JSON.parse(em.requests[2]?.body ?? '{}') as Record<string, string>;
    expect(refreshBody).toEqual({ grant_type: 'refresh_token', refresh_token: em.issued.refreshTokens[0], client_id: 'sugar', client_secret: '', platform: 'base' });
    expect(run.stdout).toBe(`${em.issued.accessTokens[2]}\n`);
    const record = await box.readRecord('crm');
    expect(record).toMatchObject({ accessToken: em.issued.accessTokens[2], refreshToken: em.issued.refreshTokens[0] });
  });

  it('asks for more than any token lasts: the current one, with a warning line on stderr, no renewal', async () => {
    const calls = em.tokenCalls();
    const run = await box.run(['token', 'crm', '--min-valid', '7200']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${em.issued.accessTokens[2]}\n`);
    expect(run.stderr).toMatch(/^tokenry: warning: the token is valid for \d+ s, less than the 7200 s asked for: the provider issues tokens for 3600 s at most\.\n$/);
    expect(em.tokenCalls()).toBe(calls);
  });

  it('a refused refresh token ends in needs sign-in: exit 3 with one line, and the refresh token is forgotten', async () => {
    em.knobs.accessLifetimeSeconds = 0;
    expectSuccess(await box.run(['refresh', 'crm']));
    em.knobs.accessLifetimeSeconds = 3600;
    em.revokeRefreshTokens();
    // The current token has expired: a renewal is attempted and refused.
    const run = await box.run(['token', 'crm', '--min-valid', '5']);
    expectFailure(run, 3, /sign in again/);
    expect(grantsSeen(em)).toEqual(['password', 'refresh_token', 'refresh_token', 'refresh_token', 'refresh_token']);
    expect((await box.readRecord('crm'))?.refreshToken).toBeNull();
    expect((await box.readAccounts()).accounts[0]?.needsSignIn).toMatch(/sign in again/);
  });

  it('never shows the password, refresh tokens or download tokens, nor access tokens outside `token`', () => {
    expectNoLeaks(box.transcript, [SUGARCRM_DEFAULTS.password, ...em.issued.refreshTokens, ...em.downloadTokens], em.issued.accessTokens);
  });
});
