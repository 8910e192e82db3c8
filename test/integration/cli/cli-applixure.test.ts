// End to end: the `tokenry` command as a subprocess against the Applixure emulator (client_credentials, HTTP Basic).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLIXURE_DEFAULTS, startApplixure, type ApplixureHandle } from '../../fixtures/emulators/index.js';
import { expectFailure, expectNoLeaks, expectSuccess, makeSandbox, parseTokenJson, type CliSandbox } from './cli-harness.js';

const grantsSeen = (em: ApplixureHandle): Array<string | null> => em.requests.map((r) => new URLSearchParams(r.body).get('grant_type'));

describe('tokenry against Applixure', () => {
  let em: ApplixureHandle;
  let box: CliSandbox;

  beforeAll(async () => {
    [em, box] = await Promise.all([startApplixure(), makeSandbox()]);
  });
  afterAll(async () => {
    await em?.close();
    await box?.cleanup();
  });

  it('adds the API key and "logs in" with a client_credentials grant', async () => {
    expectSuccess(
      await box.run(
        ['account', 'add', 'apx', '--provider', 'applixure', '--base-url', em.baseUrl, '--client-id', APPLIXURE_DEFAULTS.clientId, '--client-secret-stdin', '--scope', APPLIXURE_DEFAULTS.exampleScope],
        { input: `${APPLIXURE_DEFAULTS.clientSecret}\n` },
      ),
    );
    // A token dead on arrival (expires_in: 0): the next `token` must renew it, however fast the machine.
    em.knobs.accessLifetimeSeconds = 0;
    const login = await box.run(['login', 'apx']);
    expectSuccess(login);
    expect(login.stdout).toMatch(/^Signed in to apx; token expires .*\((in 0s|\d+s ago)\)\.\n$/);
    expect(grantsSeen(em)).toEqual(['client_credentials']);
    expect(em.requests[0]?.headers.authorization).toMatch(/^Basic /);
  });

  it('renews a short-lived token with a new client_credentials grant; --json shows the granted scope', async () => {
    em.knobs.accessLifetimeSeconds = 3600;
    // The first token has expired: it is never handed out, a new grant runs first.
    const json = parseTokenJson(await box.run(['token', 'apx', '--json', '--min-valid', '5']));
    expect(grantsSeen(em)).toEqual(['client_credentials', 'client_credentials']);
    expect(json).toMatchObject({ access_token: em.issued.accessTokens[1], token_type: 'Bearer', scope: APPLIXURE_DEFAULTS.exampleScope });
    expect(json.expires_in).toBeGreaterThan(3590);

    const bare = await box.run(['token', 'apx', '--min-valid', '5']);
    expectSuccess(bare);
    expect(bare.stdout).toBe(`${em.issued.accessTokens[1]}\n`);
    expect(em.tokenCalls()).toBe(2);
  });

  it('a provider answering 503 (after bounded retries) is exit 5 with one line', async () => {
    em.knobs.failNext = { status: 503, times: 5, retryAfter: '0' };
    const run = await box.run(['refresh', 'apx']);
    expectFailure(run, 5, /unavailable|503/i);
    const failed = em.tokenCalls() - 2;
    expect(failed).toBeGreaterThanOrEqual(1);
    expect(failed).toBeLessThanOrEqual(3);
    em.knobs.failNext = null;
    // The failed renewal left the stored token alone.
    expect((await box.readRecord('apx'))?.accessToken).toBe(em.issued.accessTokens[1]);
  });

  it('never shows the client secret, nor access tokens outside `token`', () => {
    expectNoLeaks(box.transcript, [APPLIXURE_DEFAULTS.clientSecret], em.issued.accessTokens);
  });
});
