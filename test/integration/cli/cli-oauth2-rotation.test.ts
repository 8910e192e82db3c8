// End to end: `tokenry refresh` three times against a real RFC 6749 server whose refresh tokens rotate and die on reuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAUTH2_DEFAULTS, startOAuth2Server, type OAuth2ServerHandle } from '../../fixtures/oauth2-server.js';
import { expectNoLeaks, expectSuccess, makeSandbox, type CliSandbox } from './cli-harness.js';

const form = (body: string): URLSearchParams => new URLSearchParams(body);

describe('tokenry against @node-oauth/oauth2-server (rotating refresh tokens)', () => {
  let server: OAuth2ServerHandle;
  let box: CliSandbox;

  beforeAll(async () => {
    [server, box] = await Promise.all([startOAuth2Server(), makeSandbox()]);
  });
  afterAll(async () => {
    await server?.close();
    await box?.cleanup();
  });

  it('adds the account and signs in with the password grant', async () => {
    expectSuccess(
      await box.run(['account', 'add', 'w', '--provider', 'oauth2', '--base-url', server.baseUrl, '--client-id', OAUTH2_DEFAULTS.clientId, '--client-secret-stdin'], {
        input: `${OAUTH2_DEFAULTS.clientSecret}\n`,
      }),
    );
    expectSuccess(await box.run(['login', 'w', '--username', OAUTH2_DEFAULTS.username, '--password-stdin'], { input: `${OAUTH2_DEFAULTS.password}\n` }));
    expect(server.issued.refreshTokens).toHaveLength(1);
    expect((await box.readRecord('w'))?.refreshToken).toBe(server.issued.refreshTokens[0]);
  });

  it('three renewals in a row each use the newest refresh token and persist its successor', async () => {
    const callsAtLogin = server.tokenCalls();
    for (let i = 1; i <= 3; i += 1) {
      const run = await box.run(['refresh', 'w']);
      expectSuccess(run);
      expect(run.stdout).toMatch(/^Renewed w; token expires /);
      const sent = form(server.requests.at(-1)?.body ?? '');
      expect(sent.get('grant_type')).toBe('refresh_token');
      // The one issued by the previous step: an older one would have been refused (invalid_grant).
      expect(sent.get('refresh_token')).toBe(server.issued.refreshTokens[i - 1]);
      expect(server.issued.refreshTokens).toHaveLength(i + 1);
      const record = await box.readRecord('w');
      expect(record?.refreshToken).toBe(server.issued.refreshTokens[i]);
      expect(record?.accessToken).toBe(server.issued.accessTokens[i]);
    }
    expect(server.tokenCalls()).toBe(callsAtLogin + 3);

    const token = await box.run(['token', 'w']);
    expectSuccess(token);
    expect(token.stdout).toBe(`${server.issued.accessTokens[3]}\n`);
    expect(server.tokenCalls()).toBe(callsAtLogin + 3);
  });

  it('never shows the password, the client secret or any refresh token', () => {
    expectNoLeaks(box.transcript, [OAUTH2_DEFAULTS.password, OAUTH2_DEFAULTS.clientSecret, ...server.issued.refreshTokens], server.issued.accessTokens);
  });
});
