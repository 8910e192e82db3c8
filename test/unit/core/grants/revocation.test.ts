// Specifies token revocation (RFC 7009): the request (§2.1) and what its answers mean (§2.2).
import { afterEach, describe, expect, it } from 'vitest';
import { systemGrantDeps } from '../../../../electron/core/grants/grant-client.js';
import { buildRevocationRequest, processRevocationResponse, revokeToken } from '../../../../electron/core/grants/revocation.js';
import { USER_AGENT } from '../../../../electron/core/grants/token-request.js';
import { resolveProfile } from '../../../../electron/core/providers/resolve-profile.js';
import { answering, brokenClockDeps, depsWith, outcomeAround } from './scripted-fetch.js';
import { errorOf, sendJson, startServer, type LocalServer } from './support.js';

const endpoint = new URL('https://id.example.test/revoke');
const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const basic = (pair: string): string => `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
/** A token too short to look like one to the redactor: only the request's secrets keep it out of messages. */
const SHORT_TOKEN = 'rt_short-1234';
const publicRequest = (token = 'rt-1234567890abcdef') =>
  buildRevocationRequest(resolveProfile('oidc'), endpoint, { clientId: 'app' }, { value: token, hint: 'refresh_token' });

describe('buildRevocationRequest()', () => {
  it('posts the token with its type hint and the public client id (RFC 7009 §2.1)', () => {
    const request = buildRevocationRequest(resolveProfile('oidc'), endpoint, { clientId: 'app' }, { value: 'rt-1234567890abcdef', hint: 'refresh_token' });
    expect([request.method, Object.fromEntries(new URLSearchParams(request.body))]).toEqual(['POST', { token: 'rt-1234567890abcdef', token_type_hint: 'refresh_token', client_id: 'app' }]);
  });

  it("sends a public client's form with JSON asked for, and counts only the token a secret", () => {
    const { body: _body, ...request } = publicRequest();
    expect(request).toEqual({
      url: 'https://id.example.test/revoke',
      method: 'POST',
      headers: { accept: 'application/json', 'user-agent': USER_AGENT, 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      secrets: ['rt-1234567890abcdef'],
      endpoint: 'revocation endpoint',
    });
  });

  it('authenticates a confidential client with HTTP Basic, and counts the token and secret as secrets', () => {
    const request = buildRevocationRequest(resolveProfile('oauth2'), endpoint, { clientId: 'app', clientSecret: 'secret-1' }, { value: 'at-1', hint: 'access_token' });
    expect([request.headers['authorization']?.startsWith('Basic '), request.secrets.includes('at-1'), request.secrets.includes('secret-1')]).toEqual([true, true, true]);
  });

  it('sends the client id and secret in the Basic credentials, and counts the header and the credentials in it as secrets', () => {
    const request = buildRevocationRequest(resolveProfile('oauth2'), endpoint, { clientId: 'app', clientSecret: 'secret-1' }, { value: 'at-1', hint: 'access_token' });
    const header = basic('app:secret-1');
    expect([request.headers['authorization'], request.secrets]).toEqual([header, ['at-1', 'secret-1', header, header.slice('Basic '.length)]]);
  });

  it('form-encodes the Basic credentials by default (RFC 6749 §2.3.1)', () => {
    const request = buildRevocationRequest(resolveProfile('oauth2'), endpoint, { clientId: 'my app', clientSecret: 'a+b' }, { value: 'at-1', hint: 'access_token' });
    expect(request.headers['authorization']).toBe(basic('my+app:a%2Bb'));
  });

  it("sends the Basic credentials raw where the account's encoding says so", () => {
    const request = buildRevocationRequest(resolveProfile('oauth2'), endpoint, { clientId: 'my app', clientSecret: 'a+b' }, { value: 'at-1', hint: 'access_token' }, 'raw');
    expect(request.headers['authorization']).toBe(basic('my app:a+b'));
  });

  it("sends the Basic credentials raw where the profile's encoding says so", () => {
    const profile = { ...resolveProfile('oauth2'), basicEncoding: 'raw' as const };
    const request = buildRevocationRequest(profile, endpoint, { clientId: 'my app', clientSecret: 'a+b' }, { value: 'at-1', hint: 'access_token' });
    expect(request.headers['authorization']).toBe(basic('my app:a+b'));
  });
});

describe('processRevocationResponse()', () => {
  it('takes 200 as revoked, whatever the body (§2.2: also for a token that was already invalid)', () => {
    expect(() => processRevocationResponse({ status: 200, headers: {}, body: '' }, { now: 0 })).not.toThrow();
  });

  it.each([
    ['unsupported_token_type (§2.2.1)', json(400, { error: 'unsupported_token_type' }), 'provider_error'],
    ['a refused client', json(401, { error: 'invalid_client' }), 'invalid_client'],
    ['503 (§2.2.1: try again later)', json(503, {}), 'unavailable'],
    ['a redirect', { status: 302, headers: {}, body: '' }, 'bad_response'],
    ['300 Multiple Choices', json(300, {}), 'bad_response'],
    ['an informational status', json(100, {}), 'bad_response'],
  ])('refuses %s', (_what, response, code) => {
    expect(errorOf(() => processRevocationResponse(response, { now: 0 })).code).toBe(code);
  });

  it('says which status an answer that is neither a success nor an error had', () => {
    expect(errorOf(() => processRevocationResponse(json(100, {}), { now: 0 })).message).toContain('revocation endpoint answered HTTP 100');
  });

  it('keeps the status of an answer that is neither a success nor an error', () => {
    expect(errorOf(() => processRevocationResponse(json(100, {}), { now: 0 })).status).toBe(100);
  });

  it('names the revocation endpoint in the error of an outage', () => {
    expect(errorOf(() => processRevocationResponse(json(503, {}), { now: 0 })).message).toContain('revocation endpoint');
  });

  it('keeps the secrets it is given out of the error', () => {
    const echoing = json(503, { message: `token ${SHORT_TOKEN} is not valid here` });
    expect(errorOf(() => processRevocationResponse(echoing, { now: 0, secrets: [SHORT_TOKEN] })).message).not.toContain(SHORT_TOKEN);
  });
});

describe('revokeToken()', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('posts the request and takes a 200 as done', async () => {
    const s = (server = await startServer((_req, res) => sendJson(res, 200, {})));
    const request = buildRevocationRequest(resolveProfile('oidc'), new URL(`${s.origin}/revoke`), { clientId: 'app' }, { value: 'rt-1', hint: 'refresh_token' });
    const done = await revokeToken(request, systemGrantDeps());
    expect([done.ok ? 'ok' : done.error.code, s.requests[0]?.method, s.requests[0]?.body.toString()]).toEqual([
      'ok',
      'POST',
      'token=rt-1&token_type_hint=refresh_token&client_id=app',
    ]);
  });

  it('returns a refusal as an error value', async () => {
    const done = await revokeToken(publicRequest(), depsWith(answering({ error: 'unsupported_token_type' }, [], 400)));
    expect(done.ok ? 'ok' : done.error.code).toBe('provider_error');
  });

  it('keeps the token out of the error when the endpoint echoes it', async () => {
    const done = await revokeToken(publicRequest(SHORT_TOKEN), depsWith(answering({ message: `token ${SHORT_TOKEN} is not valid here` }, [], 503)));
    expect(done.ok ? 'ok' : done.error.message).not.toContain(SHORT_TOKEN);
  });

  it('refuses an answer larger than the deps allow', async () => {
    const done = await revokeToken(publicRequest(), depsWith(answering({ note: 'x'.repeat(300) }), { maxBodyBytes: 100 }));
    expect(done.ok ? 'ok' : done.error.code).toBe('bad_response');
  });

  it('gives up after 30 s by default, timed by the injected timer', async () => {
    expect(await outcomeAround(30_000, (deps) => revokeToken(publicRequest(), deps))).toEqual(['still waiting', 'timeout']);
  });

  it('gives up after the timeout it is given', async () => {
    expect(await outcomeAround(5_000, (deps) => revokeToken(publicRequest(), deps, { timeoutSeconds: 5 }))).toEqual(['still waiting', 'timeout']);
  });

  it('ends as cancelled, asking nothing, when the signal is already aborted', async () => {
    const seen: string[] = [];
    const controller = new AbortController();
    controller.abort();
    const done = await revokeToken(publicRequest(), depsWith(answering({}, seen)), { signal: controller.signal });
    expect([done.ok ? 'ok' : done.error.code, seen.length]).toEqual(['cancelled', 0]);
  });

  it('lets an error that is not a grant error through instead of passing it off as one', async () => {
    await expect(revokeToken(publicRequest(), brokenClockDeps(answering({})))).rejects.toThrow(RangeError);
  });
});
