// End to end: the `tokenry` command as a subprocess against the ER/Studio Team Server emulator (GET query, refresh on expiry).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTeamServer, TEAMSERVER_DEFAULTS, TEAMSERVER_SCOPE, type TeamServerHandle } from '../../fixtures/emulators/index.js';
import { expectFailure, expectNoLeaks, expectSuccess, makeSandbox, parseTokenJson, type CliSandbox } from './cli-harness.js';

const grantsSeen = (em: TeamServerHandle): Array<string | null> => em.requests.map((r) => r.query.get('grant_type'));

describe('tokenry against ER/Studio Team Server', () => {
  let em: TeamServerHandle;
  let box: CliSandbox;

  beforeAll(async () => {
    [em, box] = await Promise.all([startTeamServer(), makeSandbox()]);
  });
  afterAll(async () => {
    await em?.close();
    await box?.cleanup();
  });

  it('adds the account, refuses a wrong password with exit 4, then logs in', async () => {
    expectSuccess(
      await box.run(['account', 'add', 'ts', '--provider', 'teamserver', '--base-url', em.baseUrl, '--client-id', TEAMSERVER_DEFAULTS.clientId, '--client-secret-stdin'], {
        input: `${TEAMSERVER_DEFAULTS.clientSecret}\n`,
      }),
    );
    const wrong = await box.run(['login', 'ts', '--username', TEAMSERVER_DEFAULTS.username, '--password-stdin'], { input: 'not-the-password-42\n' });
    expectFailure(wrong, 4, /Bad credentials/);
    expect(wrong.stderr).not.toContain('not-the-password-42');

    expectSuccess(await box.run(['login', 'ts', '--username', TEAMSERVER_DEFAULTS.username, '--password-stdin'], { input: `${TEAMSERVER_DEFAULTS.password}\n` }));
    expect(grantsSeen(em)).toEqual(['password', 'password']);
    expect(em.issued.accessTokens).toHaveLength(1);
  });

  it('token --json gives the issued token with the granted scope', async () => {
    const json = parseTokenJson(await box.run(['token', 'ts', '--json']));
    expect(json).toMatchObject({ access_token: em.issued.accessTokens[0], token_type: 'Bearer', scope: TEAMSERVER_SCOPE });
    expect(json.expires_in).toBeGreaterThan(86_390);
    expect(em.tokenCalls()).toBe(2);
  });

  it('renews by refresh_token once the access token has expired', async () => {
    // A token that is dead on arrival (expires_in: 0): no waiting for one to expire.
    em.knobs.accessLifetimeSeconds = 0;
    const refresh = await box.run(['refresh', 'ts']);
    expectSuccess(refresh);
    expect(refresh.stdout).toMatch(/^Renewed ts; token expires /);
    expect(grantsSeen(em)).toEqual(['password', 'password', 'refresh_token']);
    const short = em.issued.accessTokens[1];

    em.knobs.accessLifetimeSeconds = 86_399;
    const run = await box.run(['token', 'ts']);
    expectSuccess(run);
    expect(grantsSeen(em)).toEqual(['password', 'password', 'refresh_token', 'refresh_token']);
    expect(em.requests[3]?.query.get('refresh_token')).toBe(em.issued.refreshTokens[0]);
    expect(run.stdout).toBe(`${em.issued.accessTokens[2]}\n`);
    expect(run.stdout).not.toContain(short);
  });

  it('never shows the password, the client secret or the refresh token, nor access tokens outside `token`', () => {
    expectNoLeaks(box.transcript, [TEAMSERVER_DEFAULTS.password, TEAMSERVER_DEFAULTS.clientSecret, ...em.issued.refreshTokens], em.issued.accessTokens);
  });
});
