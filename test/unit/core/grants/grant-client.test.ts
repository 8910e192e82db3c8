// Specifies requestToken() end to end against a real local server: Result values, retries on a fake clock, the Basic raw/form fallback.

import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestToken, systemGrantDeps, type GrantDeps } from '../../../../electron/core/grants/grant-client.js';
import type { TokenRecord } from '../../../../electron/core/grants/token-record.js';
import type { ProviderProfile } from '../../../../electron/core/providers/profile.js';
import { resolveProfile } from '../../../../electron/core/providers/resolve-profile.js';
import { deferred } from '../../../fixtures/deferred.js';
import { FakeClock } from '../../../fixtures/fake-clock.js';
import { closedPort, sendJson, startServer, type Handler, type LocalServer } from './support.js';

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

  it('reports no Basic encoding to remember when both forms of the credentials are the same', async () => {
    const s = await serve((_, res) => sendJson(res, 200, { access_token: 'at' }));
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, deps());
    expect(result.ok && result.value.basicEncoding).toBeUndefined();
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

  it('sends only the remembered form: a wrong secret costs one request once the form is known', async () => {
    const s = await serve(onlyAuthorization(`Basic ${b64('my+app:s%3Acret')}`));
    const result = await requestToken(oauth2(s.origin), password, client, { basicEncoding: 'raw' }, deps());
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code }).toEqual({ calls: 1, code: 'invalid_client' });
  });

  it('sends only the form chosen for the account (--basic-encoding), never the other', async () => {
    const s = await serve(onlyAuthorization(`Basic ${b64('my+app:s%3Acret')}`));
    await requestToken(oauth2(s.origin, { basicEncoding: 'raw' }), password, client, {}, deps());
    expect(s.requests.map((r) => r.headers['authorization'])).toEqual([`Basic ${b64('my app:s:cret')}`]);
  });

  it('prefers the form chosen for the account over one remembered', async () => {
    const s = await serve(onlyAuthorization(`Basic ${b64('my app:s:cret')}`));
    const result = await requestToken(oauth2(s.origin, { basicEncoding: 'raw' }), password, client, { basicEncoding: 'form' }, deps());
    expect({ calls: s.requests.length, ok: result.ok }).toEqual({ calls: 1, ok: true });
  });

  it('reports no encoding to remember when the account chose one', async () => {
    const s = await serve(onlyAuthorization(`Basic ${b64('my app:s:cret')}`));
    const result = await requestToken(oauth2(s.origin, { basicEncoding: 'raw' }), password, client, {}, deps());
    expect(result.ok && result.value.basicEncoding).toBeUndefined();
  });

  it('says which form was sent when a known form is refused', async () => {
    const s = await serve(onlyAuthorization('Basic nope'));
    const result = await requestToken(oauth2(s.origin), password, client, { basicEncoding: 'raw' }, deps());
    expect(result.ok ? '' : result.error.message).toContain(
      'The HTTP Basic credentials were sent raw (not form-encoded), as this server accepted before; if the secret is right, try --basic-encoding form.',
    );
  });

  it('does not blame the Basic form for a bare 403, which may be about the password', async () => {
    const s = await serve((_, res) => {
      res.writeHead(403, { 'content-length': 0 });
      res.end();
    });
    const result = await requestToken(oauth2(s.origin), password, client, { basicEncoding: 'raw' }, deps());
    expect(result.ok ? '' : result.error.message).toBe('The provider refused the request (HTTP 403 Forbidden) without saying why.');
  });

  it("retries once raw after a bare 403 (no OAuth body) and remembers 'raw'", async () => {
    const s = await serve((req, res) => {
      if (req.headers['authorization'] === `Basic ${b64('my app:s:cret')}`) return sendJson(res, 200, { access_token: 'at-raw' });
      res.writeHead(403, { 'content-length': 0 });
      res.end();
    });
    const result = await requestToken(oauth2(s.origin), password, client, {}, deps());
    expect({ calls: s.requests.length, basicEncoding: result.ok && result.value.basicEncoding }).toEqual({ calls: 2, basicEncoding: 'raw' });
  });

  it('retries once raw after a bare 401 without WWW-Authenticate', async () => {
    const s = await serve((req, res) => {
      if (req.headers['authorization'] === `Basic ${b64('my app:s:cret')}`) return sendJson(res, 200, { access_token: 'at-raw' });
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('Unauthorized');
    });
    const result = await requestToken(oauth2(s.origin), password, client, {}, deps());
    expect({ calls: s.requests.length, ok: result.ok }).toEqual({ calls: 2, ok: true });
  });

  it('does not try the other form after a bare 400', async () => {
    const s = await serve((_, res) => {
      res.writeHead(400, { 'content-length': 0 });
      res.end();
    });
    const result = await requestToken(oauth2(s.origin), password, client, {}, deps());
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code }).toEqual({ calls: 1, code: 'refused' });
  });

  it('tries the other form only once, whichever refusals come back', async () => {
    let seen = 0;
    const s = await serve((_, res) => {
      seen++;
      if (seen === 1) {
        res.writeHead(403, { 'content-length': 0 });
        return res.end();
      }
      sendJson(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic' });
    });
    const result = await requestToken(oauth2(s.origin), password, client, {}, deps());
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code }).toEqual({ calls: 2, code: 'invalid_client' });
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

describe('requestToken() timeouts and what is sent again (fake clock, a server that holds its answer)', () => {
  /** A server that records each request and answers none until released. */
  const holding = async (): Promise<LocalServer & { arrived: (n: number) => Promise<void> }> => {
    const waiters: Array<{ n: number; resolve: () => void }> = [];
    const s = await serve(() => {
      for (const w of waiters.filter((x) => s.requests.length >= x.n)) w.resolve();
    });
    return Object.assign(s, {
      arrived: (n: number) => (s.requests.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    });
  };
  const clocked = (clock: FakeClock, timers: number[] = []): GrantDeps & { sleeps: number[]; fetches: number } =>
    deps({
      setTimer: (fn, ms) => {
        timers.push(ms);
        return clock.setTimer(fn, ms);
      },
    });
  const refresh = { grant: 'refresh_token', refreshToken: 'rt-rotating' } as const;
  const appClient = { clientId: 'app', clientSecret: 'shh' };

  it('does not send a refresh again after it timed out', async () => {
    const clock = new FakeClock();
    const s = await holding();
    const pending = requestToken(oauth2(s.origin), refresh, appClient, {}, clocked(clock));
    await s.arrived(1);
    await clock.advance(30_000);
    const result = await pending;
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code }).toEqual({ calls: 1, code: 'timeout' });
  });

  it('says that a refresh timed out and what that may mean for the refresh token', async () => {
    const clock = new FakeClock();
    const s = await holding();
    const pending = requestToken(oauth2(s.origin), refresh, appClient, {}, clocked(clock));
    await s.arrived(1);
    await clock.advance(30_000);
    const result = await pending;
    expect(result.ok ? '' : result.error.message).toBe(
      `The token endpoint ${s.origin}/token did not answer within 30 s. The refresh token was not sent again: the provider may ` +
        'already have renewed the token and retired that refresh token, and a rotating provider takes a second use of it as theft ' +
        'and ends the session. Try again later; if the provider then refuses the refresh token, sign in again.',
    );
  });

  it('gives a timeout the kind unavailable (CLI exit 5)', async () => {
    const clock = new FakeClock();
    const s = await holding();
    const pending = requestToken(oauth2(s.origin), refresh, appClient, {}, clocked(clock));
    await s.arrived(1);
    await clock.advance(30_000);
    const result = await pending;
    expect(result.ok ? 'ok' : result.error.kind).toBe('unavailable');
  });

  it('does not send a password grant again after it timed out', async () => {
    const clock = new FakeClock();
    const s = await holding();
    const pending = requestToken(oauth2(s.origin), password, appClient, {}, clocked(clock));
    await s.arrived(1);
    await clock.advance(30_000);
    const result = await pending;
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code }).toEqual({ calls: 1, code: 'timeout' });
  });

  it('sends a client_credentials grant again after a timeout: it is idempotent', async () => {
    const clock = new FakeClock();
    const s = await holding();
    const pending = requestToken(oauth2(s.origin), { grant: 'client_credentials' }, appClient, {}, clocked(clock));
    for (let n = 1; n <= 3; n++) {
      await s.arrived(n);
      await clock.advance(30_000);
    }
    const result = await pending;
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code, attempts: result.ok ? 0 : result.error.attempts }).toEqual({
      calls: 3,
      code: 'timeout',
      attempts: 3,
    });
  });

  it("waits as long as the account's timeout says", async () => {
    const clock = new FakeClock();
    const timers: number[] = [];
    const s = await holding();
    const pending = requestToken(oauth2(s.origin, { timeoutSeconds: 5 }), refresh, appClient, {}, clocked(clock, timers));
    await s.arrived(1);
    await clock.advance(5_000);
    await pending;
    expect(timers).toEqual([5_000]);
  });

  it('waits 30 s by default', async () => {
    const clock = new FakeClock();
    const timers: number[] = [];
    const s = await holding();
    const pending = requestToken(oauth2(s.origin), refresh, appClient, {}, clocked(clock, timers));
    await s.arrived(1);
    await clock.advance(29_999);
    const early = s.requests.length;
    await clock.advance(1);
    await pending;
    expect({ timers, early }).toEqual({ timers: [30_000], early: 1 });
  });

  it('sends a refresh again when the connection was refused: nothing reached the provider', async () => {
    const port = await closedPort();
    const d = deps();
    const result = await requestToken(oauth2(`http://127.0.0.1:${port}`), refresh, appClient, {}, d);
    expect({ fetches: d.fetches, code: result.ok ? 'ok' : result.error.code, unsent: !result.ok && result.error.unsent }).toEqual({
      fetches: 3,
      code: 'network',
      unsent: true,
    });
  });

  it('sends a refresh again after a 503: the provider did not act on it', async () => {
    const s = await serve(flaky(1));
    const result = await requestToken(oauth2(s.origin), refresh, appClient, {}, deps());
    expect({ calls: s.requests.length, ok: result.ok }).toEqual({ calls: 2, ok: true });
  });

  it('sends a refresh again after a 500', async () => {
    let seen = 0;
    const s = await serve((_, res) => {
      seen++;
      if (seen === 1) return sendJson(res, 500, { error: 'server_error' });
      sendJson(res, 200, { access_token: 'at-2' });
    });
    const result = await requestToken(oauth2(s.origin), refresh, appClient, {}, deps());
    expect({ calls: s.requests.length, ok: result.ok }).toEqual({ calls: 2, ok: true });
  });

  it('does not send a refresh again when the connection broke after it was sent: the provider may have acted on it', async () => {
    const d = deps({
      fetch: async () => {
        d.fetches++;
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
      },
    });
    const result = await requestToken(oauth2('https://auth.example.com'), refresh, appClient, {}, d);
    expect({ fetches: d.fetches, code: result.ok ? 'ok' : result.error.code }).toEqual({ fetches: 1, code: 'network' });
  });
});

describe('requestToken() cancellation', () => {
  it('aborts the request in flight and fails with cancelled', async () => {
    const arrived = deferred<void>();
    const s = await serve(() => arrived.resolve());
    const controller = new AbortController();
    const pending = requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, { signal: controller.signal }, deps());
    await arrived.promise;
    controller.abort();
    const result = await pending;
    expect({ code: result.ok ? 'ok' : result.error.code, kind: result.ok ? 'ok' : result.error.kind }).toEqual({ code: 'cancelled', kind: 'cancelled' });
  });

  it('never retries a cancelled grant, even an idempotent one', async () => {
    const arrived = deferred<void>();
    const s = await serve(() => arrived.resolve());
    const controller = new AbortController();
    const pending = requestToken(oauth2(s.origin), { grant: 'client_credentials' }, { clientId: 'app', clientSecret: 'shh' }, { signal: controller.signal }, deps());
    await arrived.promise;
    controller.abort();
    await pending;
    expect(s.requests).toHaveLength(1);
  });

  it('ends a backoff wait at once and sends nothing more', async () => {
    const s = await serve(flaky(5));
    const controller = new AbortController();
    const slept = deferred<void>();
    const d = deps({
      sleep: (_ms, signal) =>
        new Promise<void>((resolve) => {
          slept.resolve();
          signal?.addEventListener('abort', () => resolve(), { once: true });
        }),
    });
    const pending = requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, { signal: controller.signal }, d);
    await slept.promise;
    controller.abort();
    const result = await pending;
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code }).toEqual({ calls: 1, code: 'cancelled' });
  });

  it('ends a backoff wait whose sleep ignores the signal', async () => {
    const s = await serve(flaky(5));
    const controller = new AbortController();
    const slept = deferred<void>();
    const d = deps({
      sleep: () => {
        slept.resolve();
        return new Promise<void>(() => undefined);
      },
    });
    const pending = requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, { signal: controller.signal }, d);
    await slept.promise;
    controller.abort();
    const result = await pending;
    expect(result.ok ? 'ok' : result.error.code).toBe('cancelled');
  });

  it('sends nothing when the signal is already aborted', async () => {
    const s = await serve((_, res) => sendJson(res, 200, { access_token: 'at' }));
    const controller = new AbortController();
    controller.abort();
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, { signal: controller.signal }, deps());
    expect({ calls: s.requests.length, code: result.ok ? 'ok' : result.error.code }).toEqual({ calls: 0, code: 'cancelled' });
  });
});

describe('requestToken() says which Basic form was refused', () => {
  const client = { clientId: 'my app', clientSecret: 's:cret' };

  it('says the form-encoded credentials chosen for the account were refused, and suggests the raw form', async () => {
    const s = await serve(onlyAuthorization('Basic nope'));
    const result = await requestToken(oauth2(s.origin, { basicEncoding: 'form' }), password, client, {}, deps());
    expect(result.ok ? '' : result.error.message).toContain(
      'The HTTP Basic credentials were sent form-encoded (RFC 6749 §2.3.1), as chosen for this account; if the secret is right, try --basic-encoding raw.',
    );
  });

  it('says both forms were refused when the fallback is refused too', async () => {
    const s = await serve(onlyAuthorization('Basic nope'));
    const result = await requestToken(oauth2(s.origin), password, client, {}, deps());
    expect(result.ok ? '' : result.error.message).toMatch(/ Both the form-encoded and the raw HTTP Basic credentials were refused: check the client id and secret\.$/);
  });

  it('adds no Basic hint to a refusal of a client whose two forms are the same', async () => {
    const s = await serve(onlyAuthorization('Basic nope'));
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, deps());
    expect(result.ok ? '' : result.error.message).toBe('The provider refused the request (invalid_client, HTTP 401): Client authentication failed.');
  });

  it('learns the Basic form of a client whose id comes from the profile', async () => {
    const s = await serve(onlyAuthorization(`Basic ${b64('preset app:s:cret')}`));
    const result = await requestToken(oauth2(s.origin, { defaultClientId: 'preset app' }), password, { clientSecret: 's:cret' }, {}, deps());
    expect(result.ok && result.value.basicEncoding).toBe('raw');
  });

  it('does not try the other form once the grant was cancelled', async () => {
    const controller = new AbortController();
    const s = await serve((_, res) => {
      controller.abort();
      sendJson(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic' });
    });
    await requestToken(oauth2(s.origin), password, client, { signal: controller.signal }, deps());
    expect(s.requests).toHaveLength(1);
  });
});

describe('systemGrantDeps()', () => {
  it('sleeps on a real timer, and ends the sleep at once when its signal aborts', async () => {
    vi.useFakeTimers();
    try {
      const { sleep } = systemGrantDeps();
      let woke = false;
      const controller = new AbortController();
      const sleeping = sleep(60_000, controller.signal).then(() => (woke = true));
      await vi.advanceTimersByTimeAsync(59_999);
      const before = woke;
      controller.abort();
      await sleeping;
      expect({ before, woke, timers: vi.getTimerCount() }).toEqual({ before: false, woke: true, timers: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves no abort listener on the signal once an abort has ended the sleep', async () => {
    const controller = new AbortController();
    const sleeping = systemGrantDeps().sleep(60_000, controller.signal);
    controller.abort();
    await sleeping;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('sleeps the time asked without a signal', async () => {
    vi.useFakeTimers();
    try {
      let woke = false;
      const sleeping = systemGrantDeps().sleep(1_000).then(() => (woke = true));
      await vi.advanceTimersByTimeAsync(999);
      const before = woke;
      await vi.advanceTimersByTimeAsync(1);
      await sleeping;
      expect([before, woke]).toEqual([false, true]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads the wall clock, a random number in [0, 1), and arms real timers', () => {
    vi.useFakeTimers({ now: NOW });
    try {
      const d = systemGrantDeps();
      const fired: number[] = [];
      d.setTimer?.(() => fired.push(1), 10);
      vi.advanceTimersByTime(10);
      const r = d.random();
      expect({ now: d.now(), random: r >= 0 && r < 1, fired }).toEqual({ now: NOW + 10, random: true, fired: [1] });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('requestToken() expiry when the provider states none', () => {
  it("assumes the account's lifetime, in seconds, for a token without expires_in", async () => {
    const s = await serve((_, res) => sendJson(res, 200, { access_token: 'opaque' }));
    const result = await requestToken(oauth2(s.origin, { assumeLifetimeSeconds: 600 }), password, { clientId: 'app', clientSecret: 'shh' }, {}, deps());
    expect(result.ok && { expiresAt: result.value.record.expiresAt, source: result.value.record.expirySource }).toEqual({
      expiresAt: NOW + 600_000,
      source: 'assumed',
    });
  });

  it('records no expiry for a token without expires_in when the account assumes no lifetime', async () => {
    const s = await serve((_, res) => sendJson(res, 200, { access_token: 'opaque' }));
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, deps());
    expect(result.ok && { expiresAt: result.value.record.expiresAt, source: result.value.record.expirySource }).toEqual({
      expiresAt: null,
      source: 'unknown',
    });
  });
});

describe('requestToken() decides from each credential whether the Basic forms differ', () => {
  it('tries the raw form when only the client id changes under form-encoding', async () => {
    const s = await serve(onlyAuthorization(`Basic ${b64('my app:shh')}`));
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'my app', clientSecret: 'shh' }, {}, deps());
    expect({ calls: s.requests.length, basicEncoding: result.ok && result.value.basicEncoding }).toEqual({ calls: 2, basicEncoding: 'raw' });
  });

  it('tries the raw form when only the client secret changes under form-encoding', async () => {
    const s = await serve(onlyAuthorization(`Basic ${b64('app:s:cret')}`));
    const result = await requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 's:cret' }, {}, deps());
    expect({ calls: s.requests.length, basicEncoding: result.ok && result.value.basicEncoding }).toEqual({ calls: 2, basicEncoding: 'raw' });
  });

  it('tries no other form for a public client whose id is the same in both forms', async () => {
    const s = await serve(onlyAuthorization('Basic nope'));
    await requestToken(oauth2(s.origin), password, { clientId: 'app' }, {}, deps());
    expect(s.requests).toHaveLength(1);
  });

  it('does not try the other form after a 403 carrying an OAuth error other than invalid_client', async () => {
    const s = await serve((_, res) => sendJson(res, 403, { error: 'access_denied', error_description: 'Not for you.' }));
    await requestToken(oauth2(s.origin), password, { clientId: 'my app', clientSecret: 's:cret' }, {}, deps());
    expect(s.requests).toHaveLength(1);
  });
});

describe('requestToken() lets a fault that is not a grant error escape', () => {
  it('rejects with what an injected dependency threw instead of returning it as a grant error', async () => {
    const s = await serve((_, res) => sendJson(res, 200, { access_token: 'at' }));
    const broken = deps({
      now: () => {
        throw new Error('clock broke');
      },
    });
    await expect(requestToken(oauth2(s.origin), password, { clientId: 'app', clientSecret: 'shh' }, {}, broken)).rejects.toThrow('clock broke');
  });

  it('rejects with what an injected dependency threw during the other Basic form', async () => {
    const s = await serve(onlyAuthorization('Basic nope'));
    let calls = 0;
    // The first attempt reads the clock twice (its retry start, its answer); the fallback's first read fails.
    const broken = deps({
      now: () => {
        calls++;
        if (calls > 2) throw new Error('clock broke');
        return NOW;
      },
    });
    const pending = requestToken(oauth2(s.origin), password, { clientId: 'my app', clientSecret: 's:cret' }, {}, broken);
    await expect(pending).rejects.toThrow('clock broke');
  });
});
