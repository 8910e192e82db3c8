// The loopback token provider against a real service, vault and OAuth server: what it hands out and what it refuses.
import { readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TokenView } from '../../../shared/accounts.js';
import type { ErrorValue } from '../../../shared/errors.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { createLogger, type LogRecord } from '../../../electron/core/log/logger.js';
import { AUDIT_DIR, newClientKey, startLoopbackServer, type LoopbackServer } from '../../../electron/core/loopback/index.js';
import type { LoopbackTokenSource } from '../../../electron/core/loopback/loopback-server.js';
import { deferred } from '../../fixtures/deferred.js';
import { FakeClock } from '../../fixtures/fake-clock.js';
import { get, makeWorld, must, rawRequest, serve, type Answer, type Served, type World } from './support.js';

let world: World;
/** The service's clock: moved by hand, so "the token would not last min_valid" never depends on the machine's speed. */
const clock = new FakeClock(Date.now());
let loopback: Served;
let port: number;
let key: string;
let narrowKey: string;
let revokedKey: string;
const signInNeeded: string[] = [];
const accessRequested: string[] = [];

beforeAll(async () => {
  world = await makeWorld({}, { clock });
  loopback = await serve(world, { authRateLimit: { burst: 10_000, perSecond: 10_000 }, onNeedsSignIn: (name) => signInNeeded.push(name), onAccessRequested: (client, account) => accessRequested.push(`${client} ${account}`) });
  port = loopback.server.port;
  key = must(await loopback.clients.addClient('script', ['work', 'asleep', 'down', 'ghost'])).key;
  narrowKey = must(await loopback.clients.addClient('narrow', ['asleep'])).key;
  revokedKey = must(await loopback.clients.addClient('gone', ['work'])).key;
  must(await loopback.clients.removeClient('gone'));
});
afterAll(async () => {
  await loopback?.close();
  await world?.close();
});

const token = (name = 'work', query = '') => `/v1/accounts/${name}/token${query}`;

describe('serving tokens', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(loopback.server.url).toBe(`http://127.0.0.1:${port}`);
  });

  it("hands an allowed account's current token to a client with a valid key", async () => {
    const answer = await get(port, token(), { key });
    expect(answer.status).toBe(200);
    const body = answer.json();
    expect(body['access_token']).toBe(world.oauth.issued.accessTokens.at(-1));
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_at', 'expires_in', 'scope', 'token_type']);
  });

  it('accepts localhost with the port as Host', async () => {
    const answer = await get(port, token(), { key, headers: { Host: `localhost:${port}` } });
    expect(answer.status).toBe(200);
  });

  it('marks every answer Cache-Control: no-store, success and error alike', async () => {
    const answers = await Promise.all([get(port, token(), { key }), get(port, token()), get(port, '/v1/accounts', { key })]);
    expect(answers.map((a) => a.headers['cache-control'])).toEqual(['no-store', 'no-store', 'no-store']);
  });

  it('never sends a CORS header, not even to a preflight', async () => {
    const answers = await Promise.all([
      get(port, token(), { key }),
      get(port, token(), { key, headers: { Origin: 'https://example.com' } }),
      get(port, token(), { method: 'OPTIONS', headers: { Origin: 'https://example.com', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' } }),
    ]);
    const cors = answers.flatMap((a) => Object.keys(a.headers).filter((h) => h.startsWith('access-control-')));
    expect(cors).toEqual([]);
  });

  it('lists only the accounts the client may use, with status, expiry and scope', async () => {
    const answer = await get(port, '/v1/accounts', { key: narrowKey });
    expect(answer.json()).toEqual({ accounts: [{ name: 'asleep', provider: 'oauth2', status: 'signed_out', expires_at: null, scope: null }] });
  });

  it('renews first when the token would expire within min_valid', async () => {
    const before = world.oauth.tokenCalls();
    clock.time += 10_000;
    // 3595 s: more than the current token has left, less than a fresh one lasts (3600 s).
    const answer = await get(port, token('work', '?min_valid=3595'), { key });
    // @node-oauth/oauth2-server answers expires_in as floor(time left) by the real clock: 3600 or 3599 (fixture oauth2-server.ts).
    const expiresIn = Number(answer.json()['expires_in']);
    expect({ status: answer.status, calls: world.oauth.tokenCalls() - before, fresh: expiresIn >= 3598 && expiresIn <= 3600 }).toEqual({ status: 200, calls: 1, fresh: true });
  });

  it('hands out the current token with a warning, without renewing, when min_valid is more than any token lasts', async () => {
    const before = world.oauth.tokenCalls();
    const answer = await get(port, token('work', '?min_valid=7200'), { key });
    expect({ status: answer.status, calls: world.oauth.tokenCalls() - before }).toEqual({ status: 200, calls: 0 });
    expect(answer.json()['warning']).toMatch(/less than the 7200 s asked for: the provider issues tokens for 3(598|599|600) s at most/);
  });

  it('answers 409 needs_sign_in for an account that needs the person', async () => {
    const answer = await get(port, token('asleep'), { key });
    expect([answer.status, answer.json()['error']]).toEqual([409, 'needs_sign_in']);
  });

  it('tells the app once when an account needs sign-in, however often clients ask', async () => {
    await get(port, token('asleep'), { key });
    await get(port, token('asleep'), { key });
    expect(signInNeeded).toEqual(['asleep']);
  });

  it('answers 503 when the provider cannot be reached', async () => {
    const answer = await get(port, token('down'), { key });
    expect([answer.status, answer.json()['error']]).toEqual([503, 'provider_unreachable']);
  });

  it('keeps last-used times in memory rather than writing the file on each request', async () => {
    await get(port, token(), { key });
    const onDisk = JSON.parse(await readFile(loopback.clients.path, 'utf8')) as { clients: Array<{ name: string; lastUsedAt: number | null }> };
    const inMemory = loopback.clients.listClients().find((c) => c.name === 'script');
    expect([onDisk.clients.find((c) => c.name === 'script')?.lastUsedAt, typeof inMemory?.lastUsedAt]).toEqual([null, 'number']);
  });
});

describe('refusals', () => {
  const refusal = async (answer: Promise<{ status: number; json(): Record<string, unknown> }>) => {
    const a = await answer;
    return `${a.status} ${String(a.json()['error'])}`;
  };

  it('refuses a request without a key with 401', async () => {
    expect(await refusal(get(port, token()))).toBe('401 missing_client_key');
  });

  it('refuses a wrong key with 401', async () => {
    expect(await refusal(get(port, token(), { key: newClientKey() }))).toBe('401 invalid_client_key');
  });

  it('refuses a malformed key with 401', async () => {
    expect(await refusal(get(port, token(), { key: 'not-a-key' }))).toBe('401 invalid_client_key');
  });

  it('refuses a revoked key with 401', async () => {
    expect(await refusal(get(port, token(), { key: revokedKey }))).toBe('401 invalid_client_key');
  });

  it('sends a Bearer challenge with a 401', async () => {
    expect((await get(port, token())).headers['www-authenticate']).toBe('Bearer realm="tokenry"');
  });

  it('refuses any request with an Origin header with 403', async () => {
    expect(await refusal(get(port, token(), { key, headers: { Origin: 'https://evil.example' } }))).toBe('403 forbidden_origin');
  });

  it('refuses Origin: null with 403', async () => {
    expect(await refusal(get(port, token(), { key, headers: { Origin: 'null' } }))).toBe('403 forbidden_origin');
  });

  it("refuses a browser's fetch metadata with 403", async () => {
    expect(await refusal(get(port, token(), { key, headers: { 'Sec-Fetch-Site': 'same-origin' } }))).toBe('403 forbidden_browser');
  });

  it('refuses a foreign Host with 403 (DNS rebinding)', async () => {
    expect(await refusal(get(port, token(), { key, headers: { Host: `evil.test:${port}` } }))).toBe('403 forbidden_host');
  });

  it('refuses the loopback address with another port as Host with 403', async () => {
    expect(await refusal(get(port, token(), { key, headers: { Host: `127.0.0.1:${port + 1}` } }))).toBe('403 forbidden_host');
  });

  it('refuses a Host without the port with 403', async () => {
    expect(await refusal(get(port, token(), { key, headers: { Host: '127.0.0.1' } }))).toBe('403 forbidden_host');
  });

  it('refuses a request without Host with 403', async () => {
    expect(await refusal(rawRequest(port, [`GET ${token()} HTTP/1.1`, `Authorization: Bearer ${key}`]))).toBe('403 forbidden_host');
  });

  it('refuses a duplicated Host with 403', async () => {
    const lines = [`GET ${token()} HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Host: evil.test:${port}`, `Authorization: Bearer ${key}`];
    expect(await refusal(rawRequest(port, lines))).toBe('403 forbidden_host');
  });

  it('refuses an account the client may not use with 403', async () => {
    expect(await refusal(get(port, token('work'), { key: narrowKey }))).toBe('403 account_not_allowed');
  });

  it('answers 404 for an allowed account that does not exist', async () => {
    expect(await refusal(get(port, token('ghost'), { key }))).toBe('404 not_found');
  });

  it('answers 404 for an unknown path', async () => {
    expect(await refusal(get(port, '/v2/secrets', { key }))).toBe('404 not_found');
  });

  it('answers 405 to other methods', async () => {
    expect(await refusal(get(port, token(), { key, method: 'POST' }))).toBe('405 method_not_allowed');
  });

  it('names GET in Allow with a 405', async () => {
    expect((await get(port, token(), { key, method: 'DELETE' })).headers['allow']).toBe('GET');
  });

  it('refuses a min_valid that is not a whole number of seconds with 400', async () => {
    expect(await refusal(get(port, token('work', '?min_valid=-5'), { key }))).toBe('400 invalid_request');
  });
});

describe('asking for an account outside the list', () => {
  it('tells the owner once per client and account, however often the client asks (each still 403)', async () => {
    const answers = await Promise.all([get(port, token('down'), { key: narrowKey }), get(port, token('down'), { key: narrowKey }), get(port, token('work'), { key: narrowKey })]);
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403]);
    expect(accessRequested.filter((r) => r === 'narrow down' || r === 'narrow work').sort()).toEqual(['narrow down', 'narrow work']);
  });

  it('lets exactly one request through after "Allow once", then refuses again', async () => {
    must(loopback.clients.grantOnce('narrow', 'work'));
    const first = await get(port, token('work'), { key: narrowKey });
    const second = await get(port, token('work'), { key: narrowKey });
    expect([first.status, second.status]).toEqual([200, 403]);
  });

  it('grants nothing once the one-time grant has lapsed unused', async () => {
    must(loopback.clients.grantOnce('narrow', 'work', -1));
    expect((await get(port, token('work'), { key: narrowKey })).status).toBe(403);
  });

  it('serves every request after "Always" (the account is added to the list)', async () => {
    const allowed = must(await loopback.clients.allowAccount('narrow', 'down'));
    expect(allowed.accounts).toEqual(['asleep', 'down']);
    const answers = await Promise.all([get(port, token('down'), { key: narrowKey }), get(port, token('down'), { key: narrowKey })]);
    expect(answers.map((a) => a.status)).toEqual([503, 503]);
  });
});

describe('a token source without a synchronous cache', () => {
  it('answers through the asynchronous path alone', async () => {
    const source = { token: world.service.token.bind(world.service), accounts: world.service.accounts.bind(world.service) };
    const plain = must(await startLoopbackServer({ service: source, clients: loopback.clients, audit: loopback.audit, port: 0 }));
    const answer = await get(plain.port, token(), { key }).finally(() => plain.close());
    expect(answer.json()['access_token']).toBe(world.oauth.issued.accessTokens.at(-1));
  });
});

describe('rate limiting failed authentication', () => {
  let limited: LoopbackServer;
  // A fresh server per test, its burst of failures spent: each test stands alone (and mutation testing can tell
  // which test reached which code, as it cannot for requests made in a beforeAll).
  beforeEach(async () => {
    limited = must(await startLoopbackServer({ service: world.service, clients: loopback.clients, audit: loopback.audit, port: 0, authRateLimit: { burst: 3, perSecond: 0.01 } }));
    for (let i = 0; i < 3; i++) await get(limited.port, token(), { key: newClientKey() });
  });
  afterEach(async () => limited?.close());

  it('answers 429 once the burst of failures is spent', async () => {
    expect((await get(limited.port, token(), { key: newClientKey() })).status).toBe(429);
  });

  it('says why it refuses', async () => {
    expect((await get(limited.port, token(), { key: newClientKey() })).json()['error_description']).toBe('Too many failed authentications: wait before trying again.');
  });

  it('says when to retry with Retry-After', async () => {
    expect(Number((await get(limited.port, token(), { key: newClientKey() })).headers['retry-after'])).toBeGreaterThan(0);
  });

  it('still serves a valid key while failures are limited', async () => {
    expect((await get(limited.port, token(), { key })).status).toBe(200);
  });
});

describe('rate limiting across source addresses (issue 12, item 6)', () => {
  it('answers 429 to wrong keys sent from 400 different addresses of 127.0.0.0/8: they share one budget', async () => {
    const server = must(await startLoopbackServer({ service: world.service, clients: loopback.clients, audit: loopback.audit, port: 0, authRateLimit: { burst: 10, perSecond: 0.01 } }));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 400; i++) {
        statuses.push((await get(server.port, token(), { key: newClientKey(), from: `127.1.${i >> 7}.${(i & 127) + 1}` })).status);
      }
      expect(statuses.filter((s) => s === 401)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(390);
      // A valid key still gets its token, from any address.
      expect((await get(server.port, token(), { key, from: '127.9.9.9' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('a duplicated Authorization header (issue 12, item 6)', () => {
  for (const [first, second] of [
    ['valid', 'invalid'],
    ['invalid', 'valid'],
    ['valid', 'valid'],
  ] as const) {
    it(`is refused with 400 invalid_request, never served (${first} key first, ${second} second)`, async () => {
      const pick = (which: 'valid' | 'invalid'): string => (which === 'valid' ? key : newClientKey());
      const answer = await rawRequest(port, [`GET ${token()} HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Authorization: Bearer ${pick(first)}`, `Authorization: Bearer ${pick(second)}`]);
      expect(answer.status).toBe(400);
      expect(answer.json()).toMatchObject({ error: 'invalid_request' });
      expect(answer.body).not.toContain('access_token');
    });
  }
});

describe('the audit log', () => {
  it('records each request with client, account and outcome', async () => {
    await get(port, token('work'), { key: narrowKey });
    const entries = await loopback.audit.readAudit({ limit: 1 });
    expect(entries.map(({ client, account, route, status, outcome }) => ({ client, account, route, status, outcome }))).toEqual([
      { client: 'narrow', account: 'work', route: 'token', status: 403, outcome: 'account_not_allowed' },
    ]);
  });

  it('records successes as ok', async () => {
    await get(port, token('work'), { key });
    expect((await loopback.audit.readAudit({ limit: 1 }))[0]?.outcome).toBe('ok');
  });

  it('never holds a token or a client key', async () => {
    await loopback.audit.close();
    let text = '';
    for (const name of await readdir(join(world.dataDir, AUDIT_DIR))) text += await readFile(join(world.dataDir, AUDIT_DIR, name), 'utf8');
    expect(text).toContain('"outcome":"ok"');
    const secrets = [...world.oauth.issued.accessTokens, key, narrowKey, revokedKey];
    expect(secrets.filter((s) => text.includes(s))).toEqual([]);
  });
});

describe('the Host, Origin, fetch-metadata and key checks', () => {
  const refusal = async (answer: Promise<Answer>): Promise<string> => {
    const a = await answer;
    return `${a.status} ${String(a.json()['error'])}`;
  };

  it('refuses a duplicated Host whose first value is foreign and second is ours with 403', async () => {
    const lines = [`GET ${token()} HTTP/1.1`, `Host: evil.test:${port}`, `Host: 127.0.0.1:${port}`, `Authorization: Bearer ${key}`];
    expect(await refusal(rawRequest(port, lines))).toBe('403 forbidden_host');
  });

  it('refuses our own Host sent twice with 403', async () => {
    const lines = [`GET ${token()} HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Host: 127.0.0.1:${port}`, `Authorization: Bearer ${key}`];
    expect(await refusal(rawRequest(port, lines))).toBe('403 forbidden_host');
  });

  it('reads header names and the Host in any case', async () => {
    const lines = [`GET ${token()} HTTP/1.1`, `HOST: LocalHost:${port}`, `AUTHORIZATION: Bearer ${key}`];
    expect((await rawRequest(port, lines)).status).toBe(200);
  });

  it('refuses an Origin header whatever the case of its name with 403', async () => {
    const lines = [`GET ${token()} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'ORIGIN: null', `Authorization: Bearer ${key}`];
    expect(await refusal(rawRequest(port, lines))).toBe('403 forbidden_origin');
  });

  it('refuses Sec-Fetch-Dest alone with 403', async () => {
    expect(await refusal(get(port, token(), { key, headers: { 'Sec-Fetch-Dest': 'empty' } }))).toBe('403 forbidden_browser');
  });

  it('refuses fetch metadata whatever the case of its name with 403', async () => {
    const lines = [`GET ${token()} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'SEC-FETCH-SITE: cross-site', `Authorization: Bearer ${key}`];
    expect(await refusal(rawRequest(port, lines))).toBe('403 forbidden_browser');
  });

  it("serves Node's fetch, which sends Sec-Fetch-Mode only", async () => {
    expect((await get(port, token(), { key, headers: { 'Sec-Fetch-Mode': 'cors' } })).status).toBe(200);
  });

  it('checks Host before Origin', async () => {
    expect(await refusal(get(port, token(), { key, headers: { Host: `evil.test:${port}`, Origin: 'https://evil.test' } }))).toBe('403 forbidden_host');
  });

  it('checks Origin before fetch metadata', async () => {
    expect(await refusal(get(port, token(), { key, headers: { Origin: 'https://evil.test', 'Sec-Fetch-Site': 'cross-site' } }))).toBe('403 forbidden_origin');
  });

  it('checks fetch metadata before the method', async () => {
    expect(await refusal(get(port, token(), { key, method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site' } }))).toBe('403 forbidden_browser');
  });

  it('checks the method before the key', async () => {
    expect(await refusal(get(port, token(), { method: 'POST' }))).toBe('405 method_not_allowed');
  });

  it('checks the key before the path', async () => {
    expect(await refusal(get(port, '/v2/secrets'))).toBe('401 missing_client_key');
  });

  it('takes an Authorization of another scheme as no key', async () => {
    expect(await refusal(get(port, token(), { headers: { Authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` } }))).toBe('401 missing_client_key');
  });

  it('challenges a wrong key with error="invalid_token" (RFC 6750 §3)', async () => {
    expect((await get(port, token(), { key: newClientKey() })).headers['www-authenticate']).toBe('Bearer realm="tokenry", error="invalid_token"');
  });

  it('says how to send the key when none was sent', async () => {
    expect((await get(port, token())).json()['error_description']).toBe('Send the client key as "Authorization: Bearer tkr_...".');
  });
});

describe('paths and account names', () => {
  const refusal = async (answer: Promise<Answer>): Promise<string> => {
    const a = await answer;
    return `${a.status} ${String(a.json()['error'])}`;
  };

  it('answers 404 for a name that is not valid percent-encoding', async () => {
    expect(await refusal(get(port, '/v1/accounts/%E0%A4%A/token', { key }))).toBe('404 not_found');
  });

  it('answers 404 for a name no account can have', async () => {
    expect(await refusal(get(port, `/v1/accounts/${encodeURIComponent('bad name!')}/token`, { key }))).toBe('404 not_found');
  });

  it('answers 404 for a token path with more segments', async () => {
    expect(await refusal(get(port, '/v1/accounts/work/token/extra', { key }))).toBe('404 not_found');
  });

  it('reads a percent-encoded allowed name', async () => {
    expect((await get(port, `/v1/accounts/${encodeURIComponent('work')}/token`, { key })).status).toBe(200);
  });

  it('lists the accounts at /v1/accounts with a query too', async () => {
    expect((await get(port, '/v1/accounts?verbose=1', { key: narrowKey })).status).toBe(200);
  });

  it('lists a signed-in account with its expiry as an ISO date', async () => {
    const listed = (await get(port, '/v1/accounts', { key })).json()['accounts'] as Array<Record<string, unknown>>;
    const work = listed.find((a) => a['name'] === 'work');
    expect({ status: work?.['status'], expires_at: typeof work?.['expires_at'] === 'string' && !Number.isNaN(Date.parse(work['expires_at'] as string)) }).toEqual({
      status: 'valid',
      expires_at: true,
    });
  });

  it('records the account of a refused request by its name only when the name is valid', async () => {
    await get(port, `/v1/accounts/${encodeURIComponent('bad name!')}/token`, { key: narrowKey });
    const [entry] = await loopback.audit.readAudit({ limit: 1 });
    expect({ account: entry?.account, outcome: entry?.outcome }).toEqual({ account: null, outcome: 'not_found' });
  });
});

describe('min_valid', () => {
  const status = async (query: string): Promise<string> => {
    const a = await get(port, token('work', query), { key });
    return a.status === 200 ? '200' : `${a.status} ${String(a.json()['error'])}`;
  };

  it.each(['?min_valid=0', '?min_valid=86400', '?other=1'])('accepts %s', async (query) => {
    expect(await status(query)).toBe('200');
  });

  it.each(['86401', '999999', '1000000', '60abc', 'abc60', ' 60', '60 ', '1e3', '+5', '007', '1.5', ''])('refuses min_valid=%j with 400 invalid_request', async (value) => {
    expect(await status(`?min_valid=${encodeURIComponent(value)}`)).toBe('400 invalid_request');
  });

  it('names the bounds when it refuses', async () => {
    expect((await get(port, token('work', '?min_valid=86401'), { key })).json()['error_description']).toBe('min_valid must be a whole number of seconds from 0 to 86400.');
  });
});

describe('the answer after a renewal', () => {
  it('hands out the renewed token, never a cached answer of the old one', async () => {
    const first = (await get(port, token(), { key })).json()['access_token'];
    clock.time += 20_000;
    const renewed = (await get(port, token('work', '?min_valid=3595'), { key })).json()['access_token'];
    const again = (await get(port, token(), { key })).json()['access_token'];
    expect({ changed: renewed !== first, again }).toEqual({ changed: true, again: renewed });
  });
});

/**
 * The server over a token source scripted per account, for what a real service cannot be made to do on cue:
 * fail with a given error, throw, or answer from its cache. Its clock is moved by hand.
 */
describe('against a scripted token source', () => {
  let scripted: LoopbackServer;
  let now = 1_000_000;
  const logged: LogRecord[] = [];
  const announced: string[] = [];
  const tokenCalls: string[] = [];
  const view = (accessToken: string): TokenView => ({ access_token: accessToken, token_type: 'Bearer', expires_at: null, expires_in: null, scope: null });
  const cache = new Map<string, TokenView>();
  let answers: Record<string, () => Promise<Result<TokenView, ErrorValue>>> = {};
  let throwFromCache = false;

  beforeAll(async () => {
    const source: LoopbackTokenSource = {
      token: (name) => {
        tokenCalls.push(name);
        const answer = answers[name];
        return answer === undefined ? Promise.resolve(err({ code: 'not_found', kind: 'not_found', message: 'no such account' })) : answer();
      },
      cachedToken: (name) => {
        if (throwFromCache) throw new Error('cache broke');
        return cache.get(name) ?? null;
      },
      accounts: () =>
        world.service.accounts().map((a) =>
          a.name === 'work'
            ? { ...a, grantedScope: ['read', 'write'] }
            : a.name === 'asleep'
              ? { ...a, grantedScope: null, requestedScope: ['profile'] }
              : { ...a, grantedScope: null, requestedScope: null },
        ),
    };
    scripted = must(
      await startLoopbackServer({
        service: source,
        clients: loopback.clients,
        audit: loopback.audit,
        port: 0,
        now: () => now,
        onNeedsSignIn: (name) => announced.push(name),
        log: createLogger({ sinks: [(r) => logged.push(r)] }),
      }),
    );
  });
  afterAll(async () => scripted?.close());
  beforeEach(() => {
    answers = {};
    cache.clear();
    throwFromCache = false;
    tokenCalls.length = 0;
    announced.length = 0;
    logged.length = 0;
  });

  const ask = (name: string, query = '') => get(scripted.port, token(name, query), { key });
  const failing = (error: ErrorValue) => () => Promise.resolve(err(error));

  it('answers from the cache without asking the service', async () => {
    cache.set('work', view('at-cached'));
    const answer = await ask('work');
    expect({ token: answer.json()['access_token'], calls: tokenCalls }).toEqual({ token: 'at-cached', calls: [] });
  });

  it('hands the service the min_valid asked for', async () => {
    let asked: number | undefined;
    const source: LoopbackTokenSource = {
      token: async (_name, options) => {
        asked = options.minValidSeconds;
        return ok(view('at'));
      },
      cachedToken: (_name, minValidSeconds) => (minValidSeconds === 0 ? view('cached') : null),
      accounts: () => [],
    };
    const server = must(await startLoopbackServer({ service: source, clients: loopback.clients, audit: loopback.audit, port: 0 }));
    const answer = await get(server.port, token('work', '?min_valid=120'), { key }).finally(() => server.close());
    expect({ token: answer.json()['access_token'], asked }).toEqual({ token: 'at', asked: 120 });
  });

  it('answers exactly the JSON of the view, with no-store and nosniff', async () => {
    answers['work'] = () => Promise.resolve(ok({ ...view('at-1'), expires_in: 60, expires_at: '2030-01-01T00:00:00.000Z', scope: 'a b' }));
    const answer = await ask('work');
    expect({ body: answer.body, type: answer.headers['content-type'], nosniff: answer.headers['x-content-type-options'] }).toEqual({
      body: '{"access_token":"at-1","token_type":"Bearer","expires_at":"2030-01-01T00:00:00.000Z","expires_in":60,"scope":"a b"}',
      type: 'application/json; charset=utf-8',
      nosniff: 'nosniff',
    });
  });

  it('answers a new view with its own body, and the same view with the same body', async () => {
    const first = view('at-1');
    cache.set('work', first);
    const a = (await ask('work')).body;
    const b = (await ask('work')).body;
    cache.set('work', view('at-2'));
    const c = (await ask('work')).body;
    expect([a === b, JSON.parse(c).access_token]).toEqual([true, 'at-2']);
  });

  it('answers 500 internal_error, and says nothing more, when the service call fails', async () => {
    answers['work'] = () => Promise.reject(new Error('vault exploded at /secret/path'));
    const answer = await ask('work');
    expect({ status: answer.status, body: answer.json() }).toEqual({ status: 500, body: { error: 'internal_error', error_description: 'The token provider failed; see the app.' } });
  });

  it('logs a failed service call with the account', async () => {
    answers['work'] = () => Promise.reject(new Error('vault exploded'));
    await ask('work');
    expect(logged.filter((r) => r.level === 'error').map((r) => r.fields['account'])).toEqual(['work']);
  });

  it('answers 500 internal_error when serving the request throws, and logs it with its cause', async () => {
    throwFromCache = true;
    const answer = await ask('work');
    expect({ status: answer.status, error: answer.json()['error'], causes: logged.filter((r) => r.level === 'error').map((r) => String(r.fields['cause'])) }).toEqual({
      status: 500,
      error: 'internal_error',
      causes: [expect.stringContaining('cache broke')],
    });
  });

  it('records a failed service call in the audit log as internal_error', async () => {
    answers['work'] = () => Promise.reject(new Error('boom'));
    await ask('work');
    const [entry] = await loopback.audit.readAudit({ limit: 1 });
    expect({ status: entry?.status, outcome: entry?.outcome }).toEqual({ status: 500, outcome: 'internal_error' });
  });

  it.each([
    ['unavailable', 503, 'provider_unavailable'],
    ['network', 503, 'provider_unreachable'],
    ['rejected', 502, 'provider_rejected'],
    ['bad_response', 502, 'provider_bad_response'],
    ['needs_sign_in', 409, 'needs_sign_in'],
    ['not_found', 404, 'not_found'],
    ['storage', 500, 'internal_error'],
  ] as const)('answers a service error of kind %s with %i %s and the service message', async (kind, status, code) => {
    answers['work'] = failing({ code: 'x', kind, message: `the ${kind} message` });
    const answer = await ask('work');
    expect({ status: answer.status, body: answer.json() }).toEqual({ status, body: { error: code, error_description: `the ${kind} message` } });
  });

  it('passes the provider\'s Retry-After on with a 503, in whole seconds rounded up', async () => {
    answers['work'] = failing({ code: 'unavailable', kind: 'unavailable', message: 'down', retryAfterMs: 1_500 });
    expect((await ask('work')).headers['retry-after']).toBe('2');
  });

  it('sends no Retry-After with a 503 when the provider gave none', async () => {
    answers['work'] = failing({ code: 'unavailable', kind: 'unavailable', message: 'down' });
    expect((await ask('work')).headers['retry-after']).toBeUndefined();
  });

  it('sends no Retry-After with a 502, whatever the provider said', async () => {
    answers['work'] = failing({ code: 'invalid_grant', kind: 'rejected', message: 'no', retryAfterMs: 5_000 });
    expect((await ask('work')).headers['retry-after']).toBeUndefined();
  });

  it('tells the app about an account that needs sign-in again after 15 minutes, not before', async () => {
    answers['asleep'] = failing({ code: 'needs_sign_in', kind: 'needs_sign_in', message: 'sign in' });
    await ask('asleep');
    now += 15 * 60_000 - 1;
    await ask('asleep');
    const early = [...announced];
    now += 1;
    await ask('asleep');
    expect({ early, after: announced }).toEqual({ early: ['asleep'], after: ['asleep', 'asleep'] });
  });

  it('tells the app at once when an account needs sign-in again after it was served in between', async () => {
    answers['down'] = failing({ code: 'needs_sign_in', kind: 'needs_sign_in', message: 'sign in' });
    await ask('down');
    cache.set('down', view('at'));
    await ask('down');
    cache.clear();
    await ask('down');
    expect(announced).toEqual(['down', 'down']);
  });

  it('still answers 409, tells the other listeners and logs, when a needs-sign-in listener throws', async () => {
    const off = scripted.onNeedsSignIn(() => {
      throw new Error('notifier gone');
    });
    const heard: string[] = [];
    const offToo = scripted.onNeedsSignIn((name) => heard.push(name));
    answers['ghost'] = failing({ code: 'needs_sign_in', kind: 'needs_sign_in', message: 'sign in' });
    const answer = await ask('ghost');
    off();
    offToo();
    expect({ status: answer.status, heard, warned: logged.filter((r) => r.level === 'warn').map((r) => r.fields['account']) }).toEqual({
      status: 409,
      heard: ['ghost'],
      warned: ['ghost'],
    });
  });

  it('tells the app about sign-in only when the account needs it, not for other failures', async () => {
    answers['work'] = failing({ code: 'unavailable', kind: 'unavailable', message: 'down' });
    await ask('work');
    expect(announced).toEqual([]);
  });

  it('stops telling a listener once it unsubscribed', async () => {
    const heard: string[] = [];
    scripted.onNeedsSignIn((name) => heard.push(name))();
    now += 60 * 60_000;
    answers['asleep'] = failing({ code: 'needs_sign_in', kind: 'needs_sign_in', message: 'sign in' });
    await ask('asleep');
    expect({ heard, announced }).toEqual({ heard: [], announced: ['asleep'] });
  });

  it('lists each account\'s scope as one string: the granted scope, else the requested one', async () => {
    const listed = (await get(scripted.port, '/v1/accounts', { key })).json()['accounts'] as Array<{ name: string; scope: string | null }>;
    expect(Object.fromEntries(listed.map((a) => [a.name, a.scope]))).toEqual({ work: 'read write', asleep: 'profile', down: null });
  });

  it('counts its answers by status', async () => {
    const before = scripted.stats();
    cache.set('work', view('at'));
    await ask('work');
    await get(scripted.port, token());
    const after = scripted.stats();
    expect({ requests: after.requests - before.requests, ok: (after.byStatus[200] ?? 0) - (before.byStatus[200] ?? 0), unauthorized: (after.byStatus[401] ?? 0) - (before.byStatus[401] ?? 0) }).toEqual({
      requests: 2,
      ok: 1,
      unauthorized: 1,
    });
  });
});

describe('starting and stopping', () => {
  it('answers 409 without logging a failure when started without a needs-sign-in listener', async () => {
    const logged: LogRecord[] = [];
    const source: LoopbackTokenSource = { token: async () => err({ code: 'needs_sign_in', kind: 'needs_sign_in', message: 'sign in' }), accounts: () => [] };
    const server = must(await startLoopbackServer({ service: source, clients: loopback.clients, audit: loopback.audit, port: 0, log: createLogger({ sinks: [(r) => logged.push(r)] }) }));
    const answer = await get(server.port, token(), { key }).finally(() => server.close());
    expect({ status: answer.status, logged: logged.length }).toEqual({ status: 409, logged: 0 });
  });

  it('answers port_in_use (kind config) when the port is taken, naming it', async () => {
    const second = await startLoopbackServer({ service: world.service, clients: loopback.clients, audit: loopback.audit, port });
    expect(second).toEqual({
      ok: false,
      error: { code: 'port_in_use', kind: 'config', message: `Port ${port} on 127.0.0.1 is in use: is another Tokenry serving?` },
    });
  });

  it('lets a request in flight finish when it is closed', async () => {
    const answer = deferred<Result<TokenView, ErrorValue>>();
    let asked!: () => void;
    const arrived = new Promise<void>((resolve) => (asked = resolve));
    const source: LoopbackTokenSource = {
      token: () => {
        asked();
        return answer.promise;
      },
      accounts: () => [],
    };
    const server = must(await startLoopbackServer({ service: source, clients: loopback.clients, audit: loopback.audit, port: 0 }));
    const reply = get(server.port, token(), { key });
    await arrived;
    const closed = server.close();
    answer.resolve(ok({ access_token: 'at-late', token_type: 'Bearer', expires_at: null, expires_in: null, scope: null }));
    const [answered] = await Promise.all([reply, closed]);
    expect([answered.status, answered.json()['access_token']]).toEqual([200, 'at-late']);
  });

  it('cuts a request still waiting for its token once the grace period after close() is over', async () => {
    let asked!: () => void;
    const arrived = new Promise<void>((resolve) => (asked = resolve));
    const source: LoopbackTokenSource = {
      token: () => {
        asked();
        return new Promise(() => undefined);
      },
      accounts: () => [],
    };
    const server = must(await startLoopbackServer({ service: source, clients: loopback.clients, audit: loopback.audit, port: 0 }));
    const reply = get(server.port, token(), { key }).then(
      () => 'answered',
      () => 'cut',
    );
    await arrived;
    await server.close();
    expect(await reply).toBe('cut');
  });

  it('closes once, however often close() is called, after answering what it was asked', async () => {
    const server = must(await startLoopbackServer({ service: world.service, clients: loopback.clients, audit: loopback.audit, port: 0 }));
    const refused = await get(server.port, token('ghost', ''), { key: narrowKey });
    const [a, b] = [server.close(), server.close()];
    expect(a).toBe(b);
    await a;
    // (The audit log belongs to the host and is flushed when it closes: test/unit/core/loopback/audit-log.test.ts.)
    expect(refused.status).toBe(403);
  });
});

describe('what each refusal says', () => {
  const described = async (answer: Promise<Answer>): Promise<string> => String((await answer).json()['error_description']);

  it.each([
    ['a foreign Host', () => get(port, token(), { key, headers: { Host: `evil.test:${port}` } }), 'Requests must name 127.0.0.1 or localhost with this port as Host (DNS rebinding is refused).'],
    ['an Origin', () => get(port, token(), { key, headers: { Origin: 'null' } }), 'Requests from web pages are refused.'],
    ['fetch metadata', () => get(port, token(), { key, headers: { 'Sec-Fetch-Site': 'none' } }), 'Requests from browsers are refused.'],
    ['a POST', () => get(port, token(), { key, method: 'POST' }), 'Only GET is served.'],
    ['an unknown key', () => get(port, token(), { key: newClientKey() }), 'The client key is not valid (unknown or revoked).'],
    ['an unknown path', () => get(port, '/v2/secrets', { key }), 'No such endpoint: use /v1/accounts or /v1/accounts/{name}/token.'],
    ['an invalid account name', () => get(port, `/v1/accounts/${encodeURIComponent('bad name!')}/token`, { key }), 'There is no account by that name.'],
    ['an account the client may not use', () => get(port, token('work'), { key: narrowKey }), 'This client may not use the account "work".'],
  ])('answers %s with a description of what is wrong', async (_, send, description) => {
    expect(await described(send())).toBe(description);
  });
});

describe('the request headers it reads', () => {
  it('serves a request carrying another four-letter header (Date) besides Host', async () => {
    const lines = [`GET ${token()} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Date: Tue, 01 Jul 2025 10:00:00 GMT', `Authorization: Bearer ${key}`];
    expect((await rawRequest(port, lines)).status).toBe(200);
  });

  it('serves a request carrying another thirteen-letter header (Cache-Control) after Authorization', async () => {
    const lines = [`GET ${token()} HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Authorization: Bearer ${key}`, 'Cache-Control: no-cache'];
    expect((await rawRequest(port, lines)).status).toBe(200);
  });

  it('serves a request carrying another six-letter header (Accept)', async () => {
    expect((await get(port, token(), { key, headers: { Accept: 'application/json' } })).status).toBe(200);
  });

  it('serves a request carrying another fourteen-letter header (Content-Length)', async () => {
    const lines = [`GET ${token()} HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Authorization: Bearer ${key}`, 'Content-Length: 0'];
    expect((await rawRequest(port, lines)).status).toBe(200);
  });

  it('answers a one-character Bearer key as invalid, not missing', async () => {
    expect((await get(port, token(), { headers: { Authorization: 'Bearer x' } })).json()['error']).toBe('invalid_client_key');
  });

  it('answers 404 for a token path under another prefix', async () => {
    expect((await get(port, `/x${token()}`, { key })).status).toBe(404);
  });

  it('does not read min_valid from a path that merely contains one', async () => {
    const answer = await get(port, '/v1/accounts/x&min_valid=junk/token', { key });
    expect([answer.status, answer.json()['error']]).toEqual([404, 'not_found']);
  });

  it('does not answer on the IPv6 loopback address: it listens on 127.0.0.1 only', async () => {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '::1', port }, () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});

describe('the audit log, route by route', () => {
  const last = async () => {
    await loopback.audit.flush();
    const [entry] = await loopback.audit.readAudit({ limit: 1 });
    return { route: entry?.route, account: entry?.account, outcome: entry?.outcome };
  };

  it('records the account list as route accounts', async () => {
    await get(port, '/v1/accounts', { key: narrowKey });
    expect(await last()).toEqual({ route: 'accounts', account: null, outcome: 'ok' });
  });

  it('records an unknown path as route other', async () => {
    await get(port, '/v2/secrets', { key });
    expect(await last()).toEqual({ route: 'other', account: null, outcome: 'not_found' });
  });

  it('records a token request the service could not serve as route token, with its account', async () => {
    await get(port, token('down'), { key });
    expect(await last()).toEqual({ route: 'token', account: 'down', outcome: 'provider_unreachable' });
  });

  it('records a refused min_valid as route token, with its account', async () => {
    await get(port, token('work', '?min_valid=-1'), { key });
    expect(await last()).toEqual({ route: 'token', account: 'work', outcome: 'invalid_request' });
  });

  it('records a request for an unknown path refused before authentication as route other', async () => {
    await get(port, '/v2/secrets');
    expect(await last()).toEqual({ route: 'other', account: null, outcome: 'missing_client_key' });
  });

  it('records a token request refused before authentication as route token, with its account', async () => {
    await get(port, token('work'));
    expect(await last()).toEqual({ route: 'token', account: 'work', outcome: 'missing_client_key' });
  });

  it('records a token request for an invalid name refused before authentication as route token, without an account', async () => {
    await get(port, '/v1/accounts/%E0%A4%A/token');
    expect(await last()).toEqual({ route: 'token', account: null, outcome: 'missing_client_key' });
  });

  it('records the account list refused before authentication as route accounts', async () => {
    await get(port, '/v1/accounts');
    expect(await last()).toEqual({ route: 'accounts', account: null, outcome: 'missing_client_key' });
  });

  it('records a name that is not valid percent-encoding as route token, without an account', async () => {
    await get(port, '/v1/accounts/%E0%A4%A/token', { key });
    expect(await last()).toEqual({ route: 'token', account: null, outcome: 'not_found' });
  });
});
