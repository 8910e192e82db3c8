// The oauth2 preset runs password, client_credentials and rotating refresh_token grants against a real RFC 6749 server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestToken, type GrantOptions, type TokenRecord } from '../../../electron/core/grants/index.js';
import { resolveProfile, type ProfileOverrides } from '../../../electron/core/providers/index.js';
import { OAUTH2_DEFAULTS, startOAuth2Server, type OAuth2ServerHandle } from '../../fixtures/oauth2-server.js';
import { basicHeader, expectNoSecrets, failure, FIXED, last, pairs, recordingDeps, unwrap } from './support.js';

const client = { clientId: OAUTH2_DEFAULTS.clientId, clientSecret: OAUTH2_DEFAULTS.clientSecret };
const signIn = { grant: 'password', username: OAUTH2_DEFAULTS.username, password: OAUTH2_DEFAULTS.password } as const;
const FORM_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';
const RAW_BASIC = basicHeader(OAUTH2_DEFAULTS.clientId, OAUTH2_DEFAULTS.clientSecret, 'raw');
const FORM_BASIC = basicHeader(OAUTH2_DEFAULTS.clientId, OAUTH2_DEFAULTS.clientSecret, 'form');
/** What the account remembers after the first grant: this server takes raw Basic credentials. */
const remembered: GrantOptions = { basicEncoding: 'raw' };

let server: OAuth2ServerHandle;
/** A server that never issues a new refresh token on refresh (the old one stays valid). */
let keepingServer: OAuth2ServerHandle;
/** The same library with public clients allowed for password and refresh grants (no client secret). */
let publicServer: OAuth2ServerHandle;
beforeAll(async () => {
  server = await startOAuth2Server();
  keepingServer = await startOAuth2Server({ alwaysIssueNewRefreshToken: false });
  publicServer = await startOAuth2Server({ requireClientAuthentication: { password: false, refresh_token: false } });
});
afterAll(async () => {
  await server.close();
  await keepingServer.close();
  await publicServer.close();
});

const profile = (at: OAuth2ServerHandle = server, overrides: ProfileOverrides = {}) => resolveProfile('oauth2', { baseUrl: at.baseUrl, ...overrides });
const refresh = (record: TokenRecord) => ({ grant: 'refresh_token', refreshToken: record.refreshToken ?? '' }) as const;

/**
 * The library answers expires_in as the whole seconds left on its own clock: 3600, or 3599 when
 * a second boundary passed. The engine adds it to its injected clock.
 */
function expectOneHour(record: TokenRecord, issuedAt = FIXED): void {
  expect([issuedAt + 3_599_000, issuedAt + 3_600_000]).toContain(record.expiresAt);
}

describe('oauth2 preset against @node-oauth/oauth2-server', () => {
  it('signs in with the password grant, falling back to raw Basic credentials since the server does not form-decode them', async () => {
    const before = server.requests.length;

    const outcome = unwrap(await requestToken(profile(), signIn, client, {}, recordingDeps().deps));

    expectOneHour(outcome.record);
    expect(outcome).toStrictEqual({
      attempts: 1,
      basicEncoding: 'raw',
      record: {
        accessToken: last(server.issued.accessTokens),
        tokenType: 'Bearer',
        issuedAt: FIXED,
        expiresAt: outcome.record.expiresAt,
        expirySource: 'expires_in',
        refreshToken: last(server.issued.refreshTokens),
        refreshExpiresAt: null,
        grantedScope: null,
        requestedScope: null,
        extra: {},
      },
    });
    const [refused, accepted] = server.requests.slice(before);
    expect(server.requests.slice(before)).toHaveLength(2);
    expect(refused?.headers.authorization).toBe(FORM_BASIC);
    for (const request of [refused, accepted]) {
      expect(request?.method).toBe('POST');
      expect(request?.url).toBe('/token');
      expect(request?.headers['content-type']).toBe(FORM_TYPE);
      expect(request?.headers.accept).toBe('application/json');
      expect(pairs(request?.body ?? '')).toEqual([
        ['grant_type', 'password'],
        ['username', OAUTH2_DEFAULTS.username],
        ['password', OAUTH2_DEFAULTS.password],
      ]);
    }
    expect(accepted?.headers.authorization).toBe(RAW_BASIC);
  });

  it('runs the client_credentials grant: a token without a refresh token', async () => {
    const before = server.requests.length;

    const outcome = unwrap(await requestToken(profile(), { grant: 'client_credentials' }, client, remembered, recordingDeps().deps));

    expectOneHour(outcome.record);
    expect(outcome.basicEncoding).toBe('raw');
    expect(outcome.record).toStrictEqual({
      accessToken: last(server.issued.accessTokens),
      tokenType: 'Bearer',
      issuedAt: FIXED,
      expiresAt: outcome.record.expiresAt,
      expirySource: 'expires_in',
      refreshToken: null,
      refreshExpiresAt: null,
      grantedScope: null,
      requestedScope: null,
      extra: {},
    });
    const requests = server.requests.slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.authorization).toBe(RAW_BASIC);
    expect(requests[0]?.body).toBe('grant_type=client_credentials');
  });

  it('refreshes three times in a row with rotation, each time sending the newest refresh token', async () => {
    let current = unwrap(await requestToken(profile(), signIn, client, remembered, recordingDeps().deps)).record;
    const seen = new Set([current.refreshToken]);

    for (let i = 1; i <= 3; i++) {
      const now = FIXED + i * 60_000;
      const before = server.requests.length;

      const deps = recordingDeps({ now: () => now }).deps;

      const outcome = unwrap(await requestToken(profile(), refresh(current), client, { ...remembered, previous: current }, deps));

      const requests = server.requests.slice(before);
      expect(requests).toHaveLength(1);
      expect(pairs(requests[0]?.body ?? '')).toEqual([
        ['grant_type', 'refresh_token'],
        ['refresh_token', current.refreshToken],
      ]);
      expect(outcome.record.refreshToken).toBe(last(server.issued.refreshTokens));
      expect(seen.has(outcome.record.refreshToken)).toBe(false);
      expect(outcome.record.accessToken).toBe(last(server.issued.accessTokens));
      expect(outcome.record.issuedAt).toBe(now);
      expectOneHour(outcome.record, now);
      seen.add(outcome.record.refreshToken);
      current = outcome.record;
    }
    expect(seen.size).toBe(4);
  });

  it('refuses a reused (rotated-out) refresh token with invalid_grant, leaking no secret', async () => {
    const first = unwrap(await requestToken(profile(), signIn, client, remembered, recordingDeps().deps)).record;
    unwrap(await requestToken(profile(), refresh(first), client, { ...remembered, previous: first }, recordingDeps().deps));

    const error = failure(await requestToken(profile(), refresh(first), client, { ...remembered, previous: first }, recordingDeps().deps));

    expect(error.code).toBe('invalid_grant');
    expect(error.kind).toBe('rejected');
    expect(error.status).toBe(400);
    expect(error.description).toMatch(/refresh token/i);
    expectNoSecrets(error, [first.refreshToken ?? '', OAUTH2_DEFAULTS.clientSecret, RAW_BASIC, RAW_BASIC.slice(6)]);
  });

  it('keeps the old refresh token when the refresh answer carries none', async () => {
    const first = unwrap(await requestToken(profile(keepingServer), signIn, client, remembered, recordingDeps().deps)).record;
    const now = FIXED + 60_000;
    const later = recordingDeps({ now: () => now }).deps;

    const { record } = unwrap(await requestToken(profile(keepingServer), refresh(first), client, { ...remembered, previous: first }, later));

    expect(keepingServer.issued.refreshTokens).toHaveLength(1);
    expect(record.refreshToken).toBe(first.refreshToken);
    expect(record.accessToken).toBe(last(keepingServer.issued.accessTokens));
    expect(record.issuedAt).toBe(now);

    // And the kept one still works.
    const deps = recordingDeps().deps;
    const again = unwrap(await requestToken(profile(keepingServer), refresh(record), client, { ...remembered, previous: record }, deps));
    expect(again.record.refreshToken).toBe(first.refreshToken);
  });

  it('maps a wrong password to invalid_grant and a wrong secret to invalid_client, leaking neither', async () => {
    const wrongPassword = failure(
      await requestToken(profile(), { ...signIn, password: 'incorrect horse' }, client, remembered, recordingDeps().deps),
    );
    expect(wrongPassword.code).toBe('invalid_grant');
    expect(wrongPassword.kind).toBe('rejected');
    expectNoSecrets(wrongPassword, ['incorrect horse', OAUTH2_DEFAULTS.clientSecret, RAW_BASIC, RAW_BASIC.slice(6)]);

    const before = server.requests.length;
    const wrongSecret = 'n0t:the/secret&';
    const wrongClient = failure(await requestToken(profile(), signIn, { ...client, clientSecret: wrongSecret }, {}, recordingDeps().deps));
    expect(wrongClient.code).toBe('invalid_client');
    expect(wrongClient.kind).toBe('rejected');
    // Both Basic forms were tried before giving up.
    expect(server.requests.slice(before)).toHaveLength(2);
    const headers = server.requests.slice(before).map((r) => r.headers.authorization ?? '');
    expectNoSecrets(wrongClient, [wrongSecret, OAUTH2_DEFAULTS.password, ...headers, ...headers.map((h) => h.slice(6))]);
  });

  it('costs one request for a wrong special-character secret once the account knows the form (item 9)', async () => {
    const before = server.requests.length;

    const error = failure(await requestToken(profile(), signIn, { ...client, clientSecret: 'n0t:the/secret&' }, remembered, recordingDeps().deps));

    expect(error.code).toBe('invalid_client');
    expect(server.requests.slice(before)).toHaveLength(1);
    expect(error.message).toContain('if the secret is right, try --basic-encoding form');
  });

  it('costs one request for a wrong secret when the account chose its form (item 9)', async () => {
    const before = server.requests.length;

    failure(await requestToken(profile(server, { basicEncoding: 'raw' }), signIn, { ...client, clientSecret: 'n0t:the/secret&' }, {}, recordingDeps().deps));

    expect(server.requests.slice(before)).toHaveLength(1);
  });

  it('signs a public client in and refreshes it, naming the client with client_id in the body (item 1)', async () => {
    const publicProfile = resolveProfile('oauth2', { baseUrl: publicServer.baseUrl, clientAuth: 'none' });
    const before = publicServer.requests.length;

    const first = unwrap(await requestToken(publicProfile, signIn, { clientId: OAUTH2_DEFAULTS.clientId }, {}, recordingDeps().deps)).record;
    const again = unwrap(await requestToken(publicProfile, refresh(first), { clientId: OAUTH2_DEFAULTS.clientId }, { previous: first }, recordingDeps().deps));

    expect(again.record.refreshToken).toBe(last(publicServer.issued.refreshTokens));
    for (const request of publicServer.requests.slice(before)) {
      expect(request.headers.authorization).toBeUndefined();
      expect(new URLSearchParams(request.body).get('client_id')).toBe(OAUTH2_DEFAULTS.clientId);
      expect(new URLSearchParams(request.body).has('client_secret')).toBe(false);
    }
  });
});
