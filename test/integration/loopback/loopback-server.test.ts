// The loopback token provider against a real service, vault and OAuth server: what it hands out and what it refuses.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_DIR, newClientKey, startLoopbackServer, type LoopbackServer } from '../../../electron/core/loopback/index.js';
import { FakeClock } from '../../fixtures/fake-clock.js';
import { get, makeWorld, must, rawRequest, serve, type Served, type World } from './support.js';

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
    expect({ status: answer.status, calls: world.oauth.tokenCalls() - before, expiresIn: answer.json()['expires_in'] }).toEqual({ status: 200, calls: 1, expiresIn: 3600 });
  });

  it('hands out the current token with a warning, without renewing, when min_valid is more than any token lasts', async () => {
    const before = world.oauth.tokenCalls();
    const answer = await get(port, token('work', '?min_valid=7200'), { key });
    expect({ status: answer.status, calls: world.oauth.tokenCalls() - before }).toEqual({ status: 200, calls: 0 });
    expect(answer.json()['warning']).toMatch(/less than the 7200 s asked for: the provider issues tokens for 3600 s at most/);
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
  beforeAll(async () => {
    limited = must(await startLoopbackServer({ service: world.service, clients: loopback.clients, audit: loopback.audit, port: 0, authRateLimit: { burst: 3, perSecond: 0.01 } }));
    for (let i = 0; i < 3; i++) await get(limited.port, token(), { key: newClientKey() });
  });
  afterAll(async () => limited?.close());

  it('answers 429 once the burst of failures is spent', async () => {
    expect((await get(limited.port, token(), { key: newClientKey() })).status).toBe(429);
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
