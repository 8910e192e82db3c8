// Specifies requestToken() end to end against a real local server: Result values, retries on a fake clock, the Basic raw/form fallback.

import { afterEach, describe, expect, it } from 'vitest';
import { requestToken, type GrantDeps } from '../../../../electron/core/grants/grant-client.js';
import type { TokenRecord } from '../../../../electron/core/grants/token-record.js';
import type { ProviderProfile } from '../../../../electron/core/providers/profile.js';
import { resolveProfile } from '../../../../electron/core/providers/resolve-profile.js';
import { sendJson, startServer, type Handler, type LocalServer } from './support.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Real fetch, fake time: sleeping records the wait and returns at once. */
function deps(overrides: Partial<GrantDeps> = {}): GrantDeps & { sleeps: number[]; fetches: number } {
  const sleeps: number[] = [];
  const result = {
    sleeps,
    fetches: 0,
    fetch: (input: string, init: RequestInit) => {
      result.fetches++;
      return fetch(input, init);
    },
    now: () => NOW,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    timeoutMs: 5_000,
    ...overrides,
  };
  return result;
}

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const serve = async (handler: Handler): Promise<LocalServer> => {
  server = await startServer(handler);
  return server;
};

const oauth2 = (origin: string, overrides: Partial<ProviderProfile> = {}): ProviderProfile => resolveProfile('oauth2', { baseUrl: origin, ...overrides });
const password = { grant: 'password', username: 'bob', password: 'hunter2' } as const;

/** Answers 503 `failures` times, then a token. */
const flaky = (failures: number, headers: Record<string, string> = {}): Handler => {
  let seen = 0;
  return (_, res) => {
    seen++;
    if (seen <= failures) return sendJson(res, 503, { error: 'temporarily_unavailable' }, headers);
    sendJson(res, 200, { access_token: 'at-after-retry', token_type: 'bearer', expires_in: 60 });
  };
};

/** Accepts only the given Authorization value; refuses anything else with 401 invalid_client. */
const onlyAuthorization = (accepted: string): Handler => (req, res) => {
  if (req.headers['authorization'] === accepted) return sendJson(res, 200, { access_token: 'at-basic', token_type: 'bearer' });
  sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed.' }, { 'www-authenticate': 'Basic' });
};

describe('requestToken() success', () => {
  it('returns an ok Result with the normalised record', async () => {
    const s = await serve((_, res) => sendJson(res, 200, { access_token: 'at-1', token_type: 'bearer', expires_in: 3600, refresh_token: 'rt-1', scope: 'a b' }));
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, { scope: 'a b c' }, deps());
    expect(result).toEqual({
      ok: true,
      value: {
        record: {
          accessToken: 'at-1',
          tokenType: 'Bearer',
          issuedAt: NOW,
          expiresAt: NOW + 3_600_000,
          expirySource: 'expires_in',
          refreshToken: 'rt-1',
          refreshExpiresAt: null,
          grantedScope: ['a', 'b'],
          requestedScope: ['a', 'b', 'c'],
          extra: {},
        } satisfies TokenRecord,
        basicEncoding: 'form',
        attempts: 1,
      },
    });
  });

  it('speaks the profile\'s dialect to the server (Sugar JSON)', async () => {
    const s = await serve((_, res) => sendJson(res, 200, { access_token: 'at' }));
    await requestToken(resolveProfile('sugarcrm', { baseUrl: s.origin }), { grant: 'password', username: 'admin', password: 'password' }, {}, {}, deps());
    expect(JSON.parse(s.requests[0]?.body.toString('utf8') ?? '')).toEqual({
      grant_type: 'password',
      username: 'admin',
      password: 'password',
      client_id: 'sugar',
      client_secret: '',
      platform: 'base',
    });
  });

  it('reports no Basic encoding for a profile without HTTP Basic', async () => {
    const s = await serve((_, res) => sendJson(res, 200, { access_token: 'at' }));
    const result = await requestToken(resolveProfile('sugarcrm', { baseUrl: s.origin }), password, {}, {}, deps());
    expect(result.ok && result.value.basicEncoding).toBeUndefined();
  });

  it('keeps the previous refresh token through a refresh that returns none', async () => {
    const s = await serve((_, res) => sendJson(res, 200, { access_token: 'at-2', expires_in: 60 }));
    const previous: TokenRecord = {
      accessToken: 'at-1',
      tokenType: 'Bearer',
      issuedAt: NOW - 60_000,
      expiresAt: NOW,
      expirySource: 'expires_in',
      refreshToken: 'rt-keep',
      refreshExpiresAt: null,
      grantedScope: null,
      requestedScope: null,
      extra: {},
    };
    const result = await requestToken(oauth2(s.origin), { grant: 'refresh_token', refreshToken: 'rt-keep' }, { clientId: 'app', clientSecret: 'shh' }, { previous }, deps());
    expect(result.ok && result.value.record.refreshToken).toBe('rt-keep');
  });
});

describe('requestToken() retries', () => {
  it('makes 3 calls when the provider is unavailable twice, then succeeds', async () => {
    const s = await serve(flaky(2));
    await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, deps());
    expect(s.requests).toHaveLength(3);
  });

  it('returns the third attempt\'s token and counts 3 attempts', async () => {
    const s = await serve(flaky(2));
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, deps());
    expect(result.ok && { token: result.value.record.accessToken, attempts: result.value.attempts }).toEqual({ token: 'at-after-retry', attempts: 3 });
  });

  it('waits a growing backoff on the injected sleep, never really', async () => {
    const s = await serve(flaky(2));
    const d = deps();
    await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, d);
    expect(d.sleeps).toEqual([375, 750]);
  });

  it('waits as long as Retry-After says', async () => {
    const s = await serve(flaky(1, { 'retry-after': '2' }));
    const d = deps();
    await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, d);
    expect(d.sleeps).toEqual([2_000]);
  });

  it('gives up after 3 unavailable answers with an unavailable error', async () => {
    const s = await serve(flaky(10));
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, deps());
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code, attempts: result.ok ? 0 : result.error.attempts }).toEqual({
      calls: 3,
      code: 'unavailable',
      attempts: 3,
    });
  });

  it('does not retry a refusal', async () => {
    const s = await serve((_, res) => sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid username or password' }));
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, deps());
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code }).toEqual({ calls: 1, code: 'invalid_grant' });
  });

  it('follows a retry policy given in the options', async () => {
    const s = await serve(flaky(10));
    await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, { retry: { maxAttempts: 1, budgetMs: 0, baseDelayMs: 1, maxDelayMs: 1 } }, deps());
    expect(s.requests).toHaveLength(1);
  });
});

describe('requestToken() HTTP Basic fallback', () => {
  const client = { clientId: 'my app', clientSecret: 's:cret' };

  it("retries once raw when Basic is refused with invalid_client and the raw form differs, remembering 'raw'", async () => {
    const s = await serve(onlyAuthorization(`Basic ${b64('my app:s:cret')}`));
    const result = await requestToken(oauth2(s.origin), password, client, {}, deps());
    expect(result.ok && { token: result.value.record.accessToken, basicEncoding: result.value.basicEncoding }).toEqual({
      token: 'at-basic',
      basicEncoding: 'raw',
    });
  });

  it('sends the form-encoded credentials first, then the raw ones', async () => {
    const s = await serve(onlyAuthorization(`Basic ${b64('my app:s:cret')}`));
    await requestToken(oauth2(s.origin), password, client, {}, deps());
    expect(s.requests.map((r) => r.headers['authorization'])).toEqual([`Basic ${b64('my+app:s%3Acret')}`, `Basic ${b64('my app:s:cret')}`]);
  });

  it("reports 'form' when the server accepts the RFC form at once", async () => {
    const s = await serve(onlyAuthorization(`Basic ${b64('my+app:s%3Acret')}`));
    const result = await requestToken(oauth2(s.origin), password, client, {}, deps());
    expect({ calls: s.requests.length, basicEncoding: result.ok && result.value.basicEncoding }).toEqual({ calls: 1, basicEncoding: 'form' });
  });

  it('starts from a remembered raw form and falls back to the RFC form', async () => {
    const s = await serve(onlyAuthorization(`Basic ${b64('my+app:s%3Acret')}`));
    const result = await requestToken(oauth2(s.origin), password, client, { basicEncoding: 'raw' }, deps());
    expect({ calls: s.requests.length, basicEncoding: result.ok && result.value.basicEncoding }).toEqual({ calls: 2, basicEncoding: 'form' });
  });

  it('does not retry when the raw and form-encoded credentials are the same', async () => {
    const s = await serve(onlyAuthorization('Basic nope'));
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, deps());
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code }).toEqual({ calls: 1, code: 'invalid_client' });
  });

  it('returns the second refusal when neither form is accepted', async () => {
    const s = await serve(onlyAuthorization('Basic nope'));
    const result = await requestToken(oauth2(s.origin), password, client, {}, deps());
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code }).toEqual({ calls: 2, code: 'invalid_client' });
  });

  it('does not retry other refusals in the other form', async () => {
    const s = await serve((_, res) => sendJson(res, 400, { error: 'invalid_grant' }));
    await requestToken(oauth2(s.origin), password, client, {}, deps());
    expect(s.requests).toHaveLength(1);
  });

  it('does not fall back for a profile that authenticates in the body', async () => {
    const s = await serve((_, res) => sendJson(res, 401, { error: 'invalid_client' }));
    await requestToken(oauth2(s.origin, { clientAuth: 'body' }), password, client, {}, deps());
    expect(s.requests).toHaveLength(1);
  });
});

describe('requestToken() errors as values', () => {
  it('returns a configuration error without calling the network', async () => {
    const d = deps();
    const result = await requestToken(resolveProfile('axosoft'), password, {}, {}, d);
    expect({ fetches: d.fetches, code: result.ok ? 'ok' : result.error.code }).toEqual({ fetches: 0, code: 'invalid_config' });
  });

  it('returns insecure_url for plain http to a remote host without calling the network', async () => {
    const d = deps();
    const result = await requestToken(oauth2('http://auth.example.com'), password, { clientId: 'app' }, {}, d);
    expect({ fetches: d.fetches, code: result.ok ? 'ok' : result.error.code }).toEqual({ fetches: 0, code: 'insecure_url' });
  });

  it('returns a bad answer as bad_response', async () => {
    const s = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><title>Sign in</title></html>');
    });
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, deps());
    expect(result.ok ? 'ok' : result.error.code).toBe('bad_response');
  });

  it('never puts the password or client secret into the error', async () => {
    const s = await serve((_, res) => sendJson(res, 400, { error: 'invalid_grant', error_description: 'hunter2 is not the password for client secret shh-secret-1' }));
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh-secret-1' }, {}, deps());
    const message = result.ok ? '' : JSON.stringify(result.error.toJSON());
    expect([message.includes('hunter2'), message.includes('shh-secret-1')]).toEqual([false, false]);
  });
});
