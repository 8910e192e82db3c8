// End to end: the `tokenry` command as a subprocess against the Saasu emulator (JSON body, no client auth, one-time code).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAASU_DEFAULTS, startSaasu, type SaasuHandle } from '../../fixtures/emulators/index.js';
import { expectFailure, expectNoLeaks, expectSuccess, makeSandbox, parseTokenJson, type CliSandbox } from './cli-harness.js';

describe('tokenry against Saasu', () => {
  let em: SaasuHandle;
  let box: CliSandbox;

  beforeAll(async () => {
    [em, box] = await Promise.all([startSaasu(), makeSandbox()]);
  });
  afterAll(async () => {
    await em?.close();
    await box?.cleanup();
  });

  it('adds an account without client credentials', async () => {
    const run = await box.run(['account', 'add', 'books', '--provider', 'saasu', '--base-url', em.baseUrl]);
    expectSuccess(run);
    expect(run.stdout).toBe('Added books (Saasu). Sign in with: tokenry login books\n');
  });

  it('a wrong one-time code is refused by the provider: exit 4, one line', async () => {
    const run = await box.run(['login', 'books', '--username', SAASU_DEFAULTS.otpUsername, '--password-stdin', '--otp', '000000'], {
      input: `${SAASU_DEFAULTS.otpPassword}\n`,
    });
    expectFailure(run, 4, /verification code/);
    expect(em.issued.accessTokens).toHaveLength(0);
  });

  it('logs in with --otp; token prints the issued JWT; --json shows the granted scope', async () => {
    const login = await box.run(['login', 'books', '--username', SAASU_DEFAULTS.otpUsername, '--password-stdin', '--otp', SAASU_DEFAULTS.otp], {
      input: `${SAASU_DEFAULTS.otpPassword}\n`,
    });
    expectSuccess(login);
    const body = JSON.parse(em.requests[1]?.body ?? '{}') as Record<string, string>;
    expect(body).toMatchObject({ grant_type: 'password', username: SAASU_DEFAULTS.otpUsername, password: SAASU_DEFAULTS.otpPassword, verification_code: SAASU_DEFAULTS.otp });

    const issued = em.issued.accessTokens[0] ?? '';
    expect(issued.split('.')).toHaveLength(3);
    const bare = await box.run(['token', 'books']);
    expectSuccess(bare);
    expect(bare.stdout).toBe(`${issued}\n`);

    const json = parseTokenJson(await box.run(['token', 'books', '--json']));
    expect(json).toMatchObject({ access_token: issued, token_type: 'Bearer', scope: 'full fileid:2045' });
    expect(json.expires_in).toBeGreaterThan(10_790);
    expect(em.tokenCalls()).toBe(2);
  });

  it('never shows the password, the code-protected refresh token, nor access tokens outside `token`', () => {
    expectNoLeaks(box.transcript, [SAASU_DEFAULTS.otpPassword, ...em.issued.refreshTokens], em.issued.accessTokens);
  });
});
