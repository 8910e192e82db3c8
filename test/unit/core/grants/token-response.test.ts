// Specifies processTokenResponse(): each seed's answer into one TokenRecord, RFC 6749 §5.2 errors, bad answers, no secret echoed.

import fc from 'fast-check';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { GrantError, OAUTH_ERROR_CODES } from '../../../../electron/core/grants/grant-error.js';
import type { TokenRecord } from '../../../../electron/core/grants/token-record.js';
import {
  parseRetryAfter,
  processTokenResponse,
  type ProcessContext,
  type TokenHttpResponse,
} from '../../../../electron/core/grants/token-response.js';
import { MIN_SECRET_LENGTH } from '../../../../electron/core/grants/redact.js';
import { errorOf } from './support.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const JSON_TYPE = { 'content-type': 'application/json;charset=UTF-8' };
const XML_TYPE = { 'content-type': 'application/xml; charset=utf-8' };

const json = (status: number, body: unknown, headers: Record<string, string> = JSON_TYPE): TokenHttpResponse => ({
  status,
  headers,
  body: JSON.stringify(body),
});
const process = (response: TokenHttpResponse, context: Partial<ProcessContext> = {}): TokenRecord =>
  processTokenResponse(response, { now: NOW, requestedScope: null, ...context });
const failure = (response: TokenHttpResponse, context: Partial<ProcessContext> = {}): GrantError => errorOf(() => process(response, context));

// The seeds' sample answers, copied from the documents.
const AXOSOFT_SAMPLE = `{
"access_token" : "10101010-1010-1010-1010-101010101010",
"token_type" : "bearer",
"data" : {
"id" : 7,
"first_name" : "Cathy",
"last_name" : "O'Reilly (Dev)",
"email" : "Cathy.Oreilly@mycompany.com"
}
}`;
const AXOSOFT_ERROR_SAMPLE = `{
"error" : "invalid_grant",
"error_description" : "Invalid username or password"
}`;
const SUGAR_SAMPLE = `{
"access_token":"802b64c0-5eac-8431-a541-5342d38ac527",
"expires_in":3600,
"token_type":"bearer",
"scope":null,
"refresh_token":"85053198-24b1-4521-b1a1-5342d382e0b7",
"refresh_expires_in":1209600,
"download_token":"8c9b5461-0d95-8d87-6084-5342d357b39e"
}`;
const TEAMSERVER_SAMPLE = `{
    "access_token": "d4ac0c07-0013-4939-b9ee-0112fdbb7d64",
    "token_type": "bearer",
    "refresh_token": "bcd5a78c-9f0a-4ba6-9baa-5872e5acf7bb",
    "expires_in": 86399,
    "scope": "read write"
}`;
const SAASU_JSON_SAMPLE = `{
  "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.DItMjAxNSAwNTowNjoyOS43NDE0NzYiLCJyb2xlIjoiYWNjZXNzIn0",
  "token_type": "Bearer",
  "expires_in": 10800,
  "refresh_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MioIn0.4fEXVBxeFQB3YkfSQ-W1Wp5XiZJv2jsivcYR2fP73PQ",
  "scope": "full fileid:15431 fileid:14078 fileid:2045"
}`;
const SAASU_XML_SAMPLE = `<OAuthAccessTokenGrant xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <access_token>eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.DItMjAxNSAwNTowNjoyOS43NDE0NzYiLCJyb2xlIjoiYWNjZXNzIn0</access_token>
  <token_type>Bearer</token_type>
  <expires_in>10800</expires_in>
  <refresh_token>eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MioIn0.4fEXVBxeFQB3YkfSQ-W1Wp5XiZJv2jsivcYR2fP73PQ</refresh_token>
  <scope>full fileid:15431 fileid:14078 fileid:2045</scope>
</OAuthAccessTokenGrant>`;
const APPLIXURE_SAMPLE = `{ "access_token": "2bCL1o2gTwFrsMaSFBK1FbusqfdDUR5J7WyDcci8BkxY4zzQZ7S...", "token_type": "bearer", "expires_in": 3600, "scope": "account-all:read account-data:manage" }`;

const SAASU_RECORD: TokenRecord = {
  accessToken: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.DItMjAxNSAwNTowNjoyOS43NDE0NzYiLCJyb2xlIjoiYWNjZXNzIn0',
  tokenType: 'Bearer',
  issuedAt: NOW,
  expiresAt: NOW + 10_800_000,
  expirySource: 'expires_in',
  refreshToken: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MioIn0.4fEXVBxeFQB3YkfSQ-W1Wp5XiZJv2jsivcYR2fP73PQ',
  refreshExpiresAt: null,
  grantedScope: ['full', 'fileid:15431', 'fileid:14078', 'fileid:2045'],
  requestedScope: ['full'],
  extra: {},
};

const minimal = (fields: Record<string, unknown>): TokenHttpResponse => json(200, { access_token: 'at-1', token_type: 'bearer', ...fields });

describe("processTokenResponse() on the seeds' sample answers", () => {
  it("turns Axosoft's answer into a record with the user's data kept and no known expiry", () => {
    expect(process({ status: 200, headers: JSON_TYPE, body: AXOSOFT_SAMPLE }, { requestedScope: ['read'] })).toEqual({
      accessToken: '10101010-1010-1010-1010-101010101010',
      tokenType: 'Bearer',
      issuedAt: NOW,
      expiresAt: null,
      expirySource: 'unknown',
      refreshToken: null,
      refreshExpiresAt: null,
      grantedScope: null,
      requestedScope: ['read'],
      extra: { data: { id: 7, first_name: 'Cathy', last_name: "O'Reilly (Dev)", email: 'Cathy.Oreilly@mycompany.com' } },
    } satisfies TokenRecord);
  });

  it("turns SugarCRM's answer into a record with refresh expiry, null scope and the download token kept", () => {
    expect(process({ status: 200, headers: JSON_TYPE, body: SUGAR_SAMPLE })).toEqual({
      accessToken: '802b64c0-5eac-8431-a541-5342d38ac527',
      tokenType: 'Bearer',
      issuedAt: NOW,
      expiresAt: NOW + 3_600_000,
      expirySource: 'expires_in',
      refreshToken: '85053198-24b1-4521-b1a1-5342d382e0b7',
      refreshExpiresAt: NOW + 1_209_600_000,
      grantedScope: null,
      requestedScope: null,
      extra: { download_token: '8c9b5461-0d95-8d87-6084-5342d357b39e' },
    } satisfies TokenRecord);
  });

  it("turns Team Server's answer into a record with its granted scope", () => {
    expect(process({ status: 200, headers: JSON_TYPE, body: TEAMSERVER_SAMPLE })).toEqual({
      accessToken: 'd4ac0c07-0013-4939-b9ee-0112fdbb7d64',
      tokenType: 'Bearer',
      issuedAt: NOW,
      expiresAt: NOW + 86_399_000,
      expirySource: 'expires_in',
      refreshToken: 'bcd5a78c-9f0a-4ba6-9baa-5872e5acf7bb',
      refreshExpiresAt: null,
      grantedScope: ['read', 'write'],
      requestedScope: null,
      extra: {},
    } satisfies TokenRecord);
  });

  it("turns Saasu's JSON answer into a record with the granted file ids", () => {
    expect(process({ status: 200, headers: JSON_TYPE, body: SAASU_JSON_SAMPLE }, { requestedScope: ['full'] })).toEqual(SAASU_RECORD);
  });

  it("turns Saasu's XML answer (OAuthAccessTokenGrant) into the same record", () => {
    expect(process({ status: 200, headers: XML_TYPE, body: SAASU_XML_SAMPLE }, { requestedScope: ['full'] })).toEqual(SAASU_RECORD);
  });

  it("reads Saasu's XML answer sent as text/xml", () => {
    expect(process({ status: 200, headers: { 'content-type': 'text/xml' }, body: SAASU_XML_SAMPLE }, { requestedScope: ['full'] })).toEqual(
      SAASU_RECORD,
    );
  });

  it("reads Saasu's XML answer with an XML declaration and no content type", () => {
    const body = `<?xml version="1.0" encoding="utf-8"?>\n${SAASU_XML_SAMPLE}`;
    expect(process({ status: 200, headers: {}, body }, { requestedScope: ['full'] })).toEqual(SAASU_RECORD);
  });

  it("turns Applixure's answer into a record whose granted scope may be a subset of the requested one", () => {
    const requested = ['account-all:read', 'account-data:manage', 'account-all:write'];
    expect(process({ status: 200, headers: JSON_TYPE, body: APPLIXURE_SAMPLE }, { requestedScope: requested })).toEqual({
      accessToken: '2bCL1o2gTwFrsMaSFBK1FbusqfdDUR5J7WyDcci8BkxY4zzQZ7S...',
      tokenType: 'Bearer',
      issuedAt: NOW,
      expiresAt: NOW + 3_600_000,
      expirySource: 'expires_in',
      refreshToken: null,
      refreshExpiresAt: null,
      grantedScope: ['account-all:read', 'account-data:manage'],
      requestedScope: requested,
      extra: {},
    } satisfies TokenRecord);
  });

  it("refuses Axosoft's documented failure as invalid_grant", () => {
    expect(failure({ status: 400, headers: JSON_TYPE, body: AXOSOFT_ERROR_SAMPLE }).code).toBe('invalid_grant');
  });

  it("keeps Axosoft's documented failure description", () => {
    expect(failure({ status: 400, headers: JSON_TYPE, body: AXOSOFT_ERROR_SAMPLE }).description).toBe('Invalid username or password');
  });
});

describe('processTokenResponse() normalisation', () => {
  it.each([
    ['bearer', 'Bearer'],
    ['BEARER', 'Bearer'],
    ['Bearer', 'Bearer'],
    ['dpop', 'DPoP'],
    ['mac', 'MAC'],
    ['N_A', 'N_A'],
  ])('normalises token type %s to %s', (wire, normalised) => {
    expect(process(minimal({ token_type: wire })).tokenType).toBe(normalised);
  });

  it('takes a missing token type as Bearer', () => {
    expect(process(json(200, { access_token: 'at' })).tokenType).toBe('Bearer');
  });

  it('reads scope null as no granted scope', () => {
    expect(process(minimal({ scope: null })).grantedScope).toBeNull();
  });

  it('reads a space-delimited scope string as a list, extra spaces and duplicates dropped', () => {
    expect(process(minimal({ scope: ' read  write\tread ' })).grantedScope).toEqual(['read', 'write']);
  });

  it('reads a scope array as a list', () => {
    expect(process(minimal({ scope: ['read', 'write'] })).grantedScope).toEqual(['read', 'write']);
  });

  it('reads an empty scope as unstated (RFC 6749 §3.3 scopes have at least one token)', () => {
    expect(process(json(200, { access_token: 'a', token_type: 'bearer', scope: '' })).grantedScope).toBeNull();
  });

  it('reads JSON mislabelled as text/html when the body is a JSON object', () => {
    expect(process(json(200, { access_token: 'a', token_type: 'bearer' }, { 'content-type': 'text/html; charset=utf-8' })).accessToken).toBe('a');
  });

  it('reads a bare 401 with WWW-Authenticate as invalid_client (RFC 6749 §5.2)', () => {
    expect(failure({ status: 401, headers: { 'www-authenticate': 'Basic realm="x"' }, body: '' }).code).toBe('invalid_client');
  });

  it('reads a scope of another shape as unstated', () => {
    expect(process(minimal({ scope: 42 })).grantedScope).toBeNull();
  });

  it('reads expires_in as a number of seconds from now', () => {
    expect(process(minimal({ expires_in: 3600 })).expiresAt).toBe(NOW + 3_600_000);
  });

  it('reads expires_in as a numeric string', () => {
    expect(process(minimal({ expires_in: '3600' })).expiresAt).toBe(NOW + 3_600_000);
  });

  it('reads expires_in 0 as already expired', () => {
    expect(process(minimal({ expires_in: 0 })).expiresAt).toBe(NOW);
  });

  it('refuses a non-numeric expires_in', () => {
    expect(failure(minimal({ expires_in: 'soon' })).code).toBe('bad_response');
  });

  it('refuses a negative expires_in', () => {
    expect(failure(minimal({ expires_in: -5 })).code).toBe('bad_response');
  });

  it('refuses a boolean expires_in', () => {
    expect(failure(minimal({ expires_in: true })).code).toBe('bad_response');
  });

  it("takes the expiry from an unsigned JWT access token's exp when there is no expires_in", () => {
    const exp = Math.floor(NOW / 1000) + 900;
    const token = new UnsecuredJWT({ sub: 'cathy' }).setExpirationTime(exp).encode();
    expect(process(json(200, { access_token: token, token_type: 'Bearer' }))).toMatchObject({ expiresAt: exp * 1000, expirySource: 'jwt_exp' });
  });

  it("takes the expiry from a signed JWT access token's exp when there is no expires_in", async () => {
    const exp = Math.floor(NOW / 1000) + 1800;
    const token = await new SignJWT({ sub: 'cathy' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode('a-test-key-of-thirty-two-bytes!!'));
    expect(process(json(200, { access_token: token }))).toMatchObject({ expiresAt: exp * 1000, expirySource: 'jwt_exp' });
  });

  it("prefers expires_in over a JWT's exp", () => {
    const token = new UnsecuredJWT({}).setExpirationTime(Math.floor(NOW / 1000) + 900).encode();
    expect(process(json(200, { access_token: token, expires_in: 60 }))).toMatchObject({ expiresAt: NOW + 60_000, expirySource: 'expires_in' });
  });

  it('leaves the expiry unknown for a JWT without exp', () => {
    const token = new UnsecuredJWT({ sub: 'x' }).encode();
    expect(process(json(200, { access_token: token }))).toMatchObject({ expiresAt: null, expirySource: 'unknown' });
  });

  it('leaves the expiry unknown for an opaque token without expires_in', () => {
    expect(process(minimal({}))).toMatchObject({ expiresAt: null, expirySource: 'unknown' });
  });

  it('leaves the expiry unknown for a three-part token that is not a JWT', () => {
    expect(process(json(200, { access_token: 'a.b.c' }))).toMatchObject({ expiresAt: null, expirySource: 'unknown' });
  });

  it('reads refresh_expires_in as the refresh token expiry', () => {
    expect(process(minimal({ refresh_token: 'rt', refresh_expires_in: 60 })).refreshExpiresAt).toBe(NOW + 60_000);
  });

  it('records no refresh expiry when no refresh token is held: refresh_expires_in alone belongs to no token', () => {
    expect(process(minimal({ refresh_expires_in: 60 })).refreshExpiresAt).toBeNull();
  });

  it('drops a refresh expiry that an earlier record kept without any refresh token (as records were written before)', () => {
    const previous = { ...process(minimal({})), refreshExpiresAt: NOW + 600_000 };
    expect(process(minimal({}), { grant: 'refresh_token', previous, now: NOW + 1_000 }).refreshExpiresAt).toBeNull();
  });

  it('keeps every unknown field, nested values included', () => {
    expect(process(minimal({ id_token: 'x', user: { id: 1, roles: ['a'] }, n: null })).extra).toEqual({
      id_token: 'x',
      user: { id: 1, roles: ['a'] },
      n: null,
    });
  });

  it('decodes the predefined XML entities in XML answers', () => {
    const body = '<Grant><access_token>a&amp;b&lt;c</access_token><token_type>bearer</token_type></Grant>';
    expect(process({ status: 200, headers: XML_TYPE, body }).accessToken).toBe('a&b<c');
  });
});

describe('processTokenResponse() on a refresh', () => {
  const previous: TokenRecord = {
    accessToken: 'old-at',
    tokenType: 'Bearer',
    issuedAt: NOW - 3_600_000,
    expiresAt: NOW,
    expirySource: 'expires_in',
    refreshToken: 'old-refresh-token',
    refreshExpiresAt: NOW + 86_400_000,
    grantedScope: ['read'],
    requestedScope: ['read', 'write'],
    extra: {},
  };

  it('keeps the old refresh token when none is returned', () => {
    expect(process(minimal({ expires_in: 60 }), { previous }).refreshToken).toBe('old-refresh-token');
  });

  it("keeps the old refresh token's expiry when none is returned", () => {
    expect(process(minimal({ expires_in: 60 }), { previous }).refreshExpiresAt).toBe(NOW + 86_400_000);
  });

  it('keeps the old refresh token when an empty one is returned', () => {
    expect(process(minimal({ refresh_token: '' }), { previous }).refreshToken).toBe('old-refresh-token');
  });

  it('takes a rotated refresh token over the old one', () => {
    expect(process(minimal({ refresh_token: 'new-refresh-token' }), { previous })).toMatchObject({
      refreshToken: 'new-refresh-token',
      refreshExpiresAt: null,
    });
  });

  it('keeps the previously requested scope when the refresh requested none', () => {
    expect(process(minimal({}), { previous, requestedScope: null }).requestedScope).toEqual(['read', 'write']);
  });
});

describe('processTokenResponse() on RFC 6749 §5.2 errors', () => {
  it.each(OAUTH_ERROR_CODES)('refuses a 400 with error %s as that code', (code) => {
    expect(failure(json(400, { error: code, error_description: 'Because.' })).code).toBe(code);
  });

  it.each(OAUTH_ERROR_CODES)("keeps the provider's error_description with %s", (code) => {
    expect(failure(json(400, { error: code, error_description: 'The reason, as the provider said it.' })).description).toBe(
      'The reason, as the provider said it.',
    );
  });

  it("keeps SugarCRM's error_message as the description", () => {
    expect(failure(json(400, { error: 'invalid_grant', error_message: 'Invalid Credentials' })).description).toBe('Invalid Credentials');
  });

  it('names the code and the status in the message', () => {
    expect(failure(json(401, { error: 'invalid_client', error_description: 'Unknown client.' })).message).toBe(
      'The provider refused the request (invalid_client, HTTP 401): Unknown client.',
    );
  });

  it('refuses invalid_client sent as 401', () => {
    expect(failure(json(401, { error: 'invalid_client' })).code).toBe('invalid_client');
  });

  it('maps an error code outside RFC 6749 to provider_error', () => {
    expect(failure(json(400, { error: 'need_login', error_message: 'You need to be logged in.' })).code).toBe('provider_error');
  });

  it("keeps an unknown provider's own code", () => {
    expect(failure(json(400, { error: 'need_login' })).providerCode).toBe('need_login');
  });

  it('refuses a 200 that carries an error and no access token as that error', () => {
    expect(failure(json(200, { error: 'invalid_scope' })).code).toBe('invalid_scope');
  });

  it('reads an error from an XML answer', () => {
    const body = '<Error><error>invalid_grant</error><error_description>Bad &amp; wrong</error_description></Error>';
    expect(failure({ status: 400, headers: XML_TYPE, body }).description).toBe('Bad & wrong');
  });

  it('is rejected, the kind the UI acts on', () => {
    expect(failure(json(400, { error: 'invalid_grant' })).kind).toBe('rejected');
  });
});

describe('processTokenResponse() on temporary failures', () => {
  it.each([500, 502, 503, 504, 429])('takes HTTP %i as unavailable', (status) => {
    expect(failure({ status, headers: {}, body: '' }).code).toBe('unavailable');
  });

  it('takes a 503 with an HTML page as unavailable, not as a bad answer', () => {
    expect(failure({ status: 503, headers: { 'content-type': 'text/html' }, body: '<html><title>Down</title></html>' }).code).toBe(
      'unavailable',
    );
  });

  it("keeps a gateway page's title in the unavailable message", () => {
    expect(failure({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html><title>Bad Gateway</title></html>' }).message).toBe(
      'The provider is unavailable (HTTP 502): "Bad Gateway"',
    );
  });

  it('reads Retry-After in seconds', () => {
    expect(failure({ status: 503, headers: { 'retry-after': '120' }, body: '' }).retryAfterMs).toBe(120_000);
  });

  it('reads Retry-After as an HTTP date', () => {
    const date = new Date(NOW + 90_000).toUTCString();
    expect(failure({ status: 429, headers: { 'retry-after': date }, body: '' }).retryAfterMs).toBe(90_000);
  });

  it('reads a Retry-After date in the past as no wait', () => {
    expect(failure({ status: 503, headers: { 'retry-after': new Date(NOW - 5_000).toUTCString() }, body: '' }).retryAfterMs).toBe(0);
  });

  it('ignores a Retry-After that is neither seconds nor a date', () => {
    expect(failure({ status: 503, headers: { 'retry-after': 'soon' }, body: '' }).retryAfterMs).toBeUndefined();
  });

  it('names the status in the message', () => {
    expect(failure({ status: 502, headers: {}, body: '' }).message).toContain('HTTP 502');
  });
});

describe('parseRetryAfter()', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    [' 3 ', 3000],
    ['1.5', undefined],
    ['-1', undefined],
    ['2025-01-15T12:01:00Z', undefined],
    ['Wednesday, 15-Jan-25 12:01:00 GMT', 60_000],
    ['Wed, 15 Jan 2025 12:01:00 GMT', 60_000],
  ])('reads %j as %j ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('processTokenResponse() on bad answers', () => {
  const HTML = '<!DOCTYPE html><html><head><title>Login - Server Error</title></head><body><h1>Oops</h1></body></html>';
  const BILLION_LAUGHS =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Grant><access_token>&lol2;</access_token></Grant>';
  const cases: ReadonlyArray<readonly [string, TokenHttpResponse]> = [
    ['an HTML error page (200)', { status: 200, headers: { 'content-type': 'text/html' }, body: HTML }],
    ['an empty body (200)', { status: 200, headers: JSON_TYPE, body: '' }],
    ['malformed JSON (200)', { status: 200, headers: JSON_TYPE, body: '{"access_token": "at",' }],
    ['malformed XML (200)', { status: 200, headers: XML_TYPE, body: '<Grant><access_token>at</Grant>' }],
    ['XML with a DOCTYPE and ENTITY (200)', { status: 200, headers: XML_TYPE, body: BILLION_LAUGHS }],
    ['XML with only a text root (200)', { status: 200, headers: XML_TYPE, body: '<access_token>at</access_token>' }],
    ['a 200 without access_token', json(200, { token_type: 'bearer', expires_in: 3600 })],
    ['a 200 with an empty access_token', json(200, { access_token: '' })],
    ['a 200 with a blank access_token', json(200, { access_token: '  ' })],
    ['a 200 with a numeric access_token', json(200, { access_token: 12345 })],
    ['a JSON array (200)', json(200, [{ access_token: 'at' }])],
    ['a JSON string (200)', json(200, 'at')],
    ['JSON null (200)', json(200, null)],
    ['plain text (200)', { status: 200, headers: { 'content-type': 'text/plain' }, body: 'access_token=at' }],
    ['a 201 with a token', json(201, { access_token: 'at' })],
    ['a 302 redirect', { status: 302, headers: { location: 'https://elsewhere.example.com/login' }, body: '' }],
    ['a 301 redirect with a body', { status: 301, headers: { location: '/x' }, body: '<a href="/x">Moved</a>' }],
  ];

  it.each(cases)('refuses %s as bad_response', (_, response) => {
    expect(failure(response).code).toBe('bad_response');
  });


  it.each(cases)('names the status in the message for %s', (_, response) => {
    expect(failure(response).message).toContain(`HTTP ${response.status}`);
  });

  it("shows an HTML page's title as the excerpt", () => {
    expect(failure({ status: 200, headers: { 'content-type': 'text/html' }, body: HTML }).excerpt).toBe('Login - Server Error');
  });

  it('keeps the excerpt short', () => {
    expect(failure({ status: 200, headers: {}, body: `oops ${'word '.repeat(500)}` }).excerpt?.length).toBeLessThanOrEqual(161);
  });

  it('refuses a hostile 1 MiB body quickly', () => {
    const started = Date.now();
    failure({ status: 400, headers: {}, body: `"${'token'.repeat(210_000)}` });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses a hostile 1 MiB error description quickly', () => {
    const started = Date.now();
    failure(json(400, { error: 'invalid_grant', error_description: `<${'secret'.repeat(175_000)}` }));
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('processTokenResponse() never echoes a secret', () => {
  const secrets = ['hunter2-Passw0rd', 'client-secret-42'];
  const leaks = (error: GrantError, values: readonly string[]): string[] =>
    values.filter((v) => [error.message, error.description ?? '', error.excerpt ?? '', error.providerCode ?? ''].some((t) => t.includes(v)));

  it("removes the request's secrets from a provider's description", () => {
    const error = failure(json(400, { error: 'invalid_grant', error_description: 'Password hunter2-Passw0rd is wrong for client-secret-42' }), {
      secrets,
    });
    expect(leaks(error, secrets)).toEqual([]);
  });

  it("removes the request's secrets from an HTML page's excerpt", () => {
    const error = failure({ status: 400, headers: {}, body: '<html><body>Bad secret client-secret-42, password hunter2-Passw0rd</body></html>' }, { secrets });
    expect(leaks(error, secrets)).toEqual([]);
  });

  it("removes the request's secrets from an error code", () => {
    expect(leaks(failure(json(400, { error: 'hunter2-Passw0rd' }), { secrets }), secrets)).toEqual([]);
  });

  it('removes a JSON-escaped secret echoed back by the provider', () => {
    const secret = 'pa"ss\\word';
    const error = failure({ status: 400, headers: {}, body: `{"status":400,"echo":"${JSON.stringify(secret).slice(1, -1)}"}` }, { secrets: [secret] });
    expect(error.message).not.toContain('ss\\\\word');
  });

  it('removes secrets from a 5xx description', () => {
    expect(leaks(failure(json(503, { error: 'temporarily_unavailable', error_description: 'for hunter2-Passw0rd' }), { secrets }), secrets)).toEqual([]);
  });

  it('never shows tokens from a 200 answer that lacks an access token', () => {
    const values = ['rt-0123456789abcdef', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'dl-tok-9f8e7d6c'];
    const body = JSON.stringify({ refresh_token: values[0], id_token: values[1], download_token: values[2], token_type: 'bearer' });
    expect(leaks(failure({ status: 200, headers: JSON_TYPE, body }), values)).toEqual([]);
  });

  it('never shows a long opaque value from an answer without an error code', () => {
    const session = '0123456789abcdef0123456789abcdef';
    expect(leaks(failure(json(400, { status: 'failed', session })), [session])).toEqual([]);
  });

  it('never shows an access token from an HTML page', () => {
    const token = 'at_Zm9vYmFyYmF6cXV4cXV1eGNvcmdl';
    expect(leaks(failure({ status: 200, headers: { 'content-type': 'text/html' }, body: `<p>your token: ${token}</p>` }), [token])).toEqual([]);
  });

  it('never shows a short refresh token from XML', () => {
    const body = '<Grant><refresh_token>rt-short</refresh_token></Grant>';
    expect(leaks(failure({ status: 200, headers: XML_TYPE, body }), ['rt-short'])).toEqual([]);
  });

  it('never shows a password from a form-encoded echo', () => {
    expect(leaks(failure({ status: 400, headers: { 'content-type': 'text/plain' }, body: 'bad request: password=abc12&user=x' }), ['abc12'])).toEqual([]);
  });
});

describe('processTokenResponse() properties', () => {
  const contentType = fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/json',
      'application/problem+json',
      'application/xml',
      'text/xml; charset=utf-8',
      'application/atom+xml',
      'text/html',
      'text/plain',
      '',
    ),
    fc.string(),
  );
  const xmlOf = (root: string, fields: Record<string, unknown>): string =>
    `<${root}>${Object.entries(fields)
      .map(([k, v]) => `<${k}>${String(v)}</${k}>`)
      .join('')}</${root}>`;
  const tokenFields = fc.record(
    {
      access_token: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant('')),
      token_type: fc.oneof(fc.string(), fc.constantFrom('bearer', 'Bearer', 'DPoP')),
      expires_in: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
      refresh_token: fc.oneof(fc.string(), fc.integer()),
      refresh_expires_in: fc.oneof(fc.nat(), fc.string()),
      scope: fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(null), fc.integer()),
      error: fc.oneof(fc.constantFrom(...OAUTH_ERROR_CODES), fc.string()),
      error_description: fc.string(),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => new TextDecoder().decode(bytes)),
    fc.json(),
    tokenFields.map((f) => JSON.stringify(f)),
    tokenFields.map((f) => xmlOf('Grant', f)),
    fc.string().map((s) => `<html><title>${s}</title></html>`),
  );
  const response = fc.record({
    status: fc.integer({ min: 100, max: 599 }),
    headers: fc.record({ 'content-type': contentType, 'retry-after': fc.string() }, { requiredKeys: [] }),
    body,
  });

  it('either returns a record with a non-empty access token or throws a GrantError, for any answer', () => {
    fc.assert(
      fc.property(response, (r) => {
        try {
          const record = process(r);
          return typeof record.accessToken === 'string' && record.accessToken.trim() !== '';
        } catch (error) {
          return error instanceof GrantError;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never accepts a JSON object without a string access_token', () => {
    const notString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()));
    const object = fc.tuple(fc.dictionary(fc.string(), fc.jsonValue()), fc.option(notString, { nil: undefined })).map(([fields, token]) => {
      const copy: Record<string, unknown> = { ...fields };
      delete copy['access_token'];
      if (token !== undefined) copy['access_token'] = token;
      return copy;
    });
    fc.assert(
      fc.property(object, fc.constantFrom(...Object.values(JSON_TYPE), 'text/plain', ''), (fields, type) => {
        try {
          process({ status: 200, headers: { 'content-type': type }, body: JSON.stringify(fields) });
          return false;
        } catch (error) {
          return error instanceof GrantError;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never puts a secret passed in `secrets` (secret-sized: 12 characters or more) into an error, in any encoding', () => {
    const chars = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&*+-./:;<=>?@^_|~"\'\\'];
    const secret = fc.string({ unit: fc.constantFrom(...chars), minLength: MIN_SECRET_LENGTH, maxLength: 40 });
    const forms = (s: string): string[] => [
      s,
      JSON.stringify(s).slice(1, -1),
      new URLSearchParams([['', s]]).toString().slice(1),
      s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    ];
    const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const templates: ReadonlyArray<(s: string, text: string) => string> = [
      (s, t) => JSON.stringify({ error: 'invalid_grant', error_description: `${t}${s}${t}` }),
      (s, t) => JSON.stringify({ error: 'need_login', error_message: `${t} ${s}` }),
      (s) => JSON.stringify({ error: s }),
      (s, t) => JSON.stringify({ [t]: s, token_type: 'bearer' }),
      (s, t) => `<html><head><title>${t}${s}</title></head><body>${s}</body></html>`,
      (s, t) => `${t}${s}${t}`,
      (s, t) => `<Error><error>invalid_request</error><error_description>${xmlEscape(`${t}${s}`)}</error_description></Error>`,
      (s, t) => `<Grant><note>${xmlEscape(s)}</note><x>${xmlEscape(t)}</x></Grant>`,
      (s, t) => `${t}&password=${new URLSearchParams([['', s]]).toString().slice(1)}&scope=read`,
      (s, t) => `${' '.repeat(2040)}${t}${s}`,
    ];
    fc.assert(
      fc.property(
        secret,
        fc.string({ maxLength: 30 }),
        fc.integer({ min: 0, max: templates.length - 1 }),
        fc.constantFrom(200, 302, 400, 401, 403, 429, 500, 503),
        contentType,
        (s, text, which, status, type) => {
          const template = templates[which];
          if (template === undefined) return true;
          let error: GrantError;
          try {
            process({ status, headers: { 'content-type': type }, body: template(s, text) }, { secrets: [s] });
            return true;
          } catch (caught) {
            if (!(caught instanceof GrantError)) return false;
            error = caught;
          }
          const shown = [error.message, error.description ?? '', error.excerpt ?? '', error.providerCode ?? ''];
          return forms(s).every((form) => shown.every((t) => !t.includes(form)));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('processTokenResponse() scope after a refresh (RFC 6749 §5.1, §6)', () => {
  const previous: TokenRecord = {
    accessToken: 'at-1',
    tokenType: 'Bearer',
    issuedAt: NOW - 60_000,
    expiresAt: NOW,
    expirySource: 'expires_in',
    refreshToken: 'rt-1',
    refreshExpiresAt: null,
    grantedScope: ['read', 'write'],
    requestedScope: ['read', 'write', 'admin'],
    extra: {},
  };
  const refreshed = (body: Record<string, unknown>, requestedScope: readonly string[] | null = null): TokenRecord =>
    process(json(200, body), { grant: 'refresh_token', requestedScope, previous });

  it('keeps the previously granted scope when a refresh that asked for none gets an answer without scope', () => {
    expect(refreshed({ access_token: 'at-2' }).grantedScope).toEqual(['read', 'write']);
  });

  it('keeps the account\'s requested scope beside it, so the difference stays visible', () => {
    expect(refreshed({ access_token: 'at-2' }).requestedScope).toEqual(['read', 'write', 'admin']);
  });

  it('takes the scope a refresh answer states', () => {
    expect(refreshed({ access_token: 'at-2', scope: 'read' }).grantedScope).toEqual(['read']);
  });

  it('takes an answer without scope to a refresh that asked for one as granting what it asked', () => {
    const record = refreshed({ access_token: 'at-2' }, ['read']);
    expect([record.grantedScope, record.requestedScope]).toEqual([null, ['read']]);
  });

  it('says nothing about a password grant\'s scope when the answer says nothing', () => {
    expect(process(json(200, { access_token: 'at' }), { grant: 'password', requestedScope: ['a'], previous }).grantedScope).toBeNull();
  });
});

describe('processTokenResponse() and an access token that is already expired', () => {
  it('records a JWT whose exp is past with that expiry, so it is never taken as valid', async () => {
    const exp = Math.floor(NOW / 1000) - 30;
    const jwt = new UnsecuredJWT({ sub: 'alice' }).setExpirationTime(exp).encode();
    const record = process(json(200, { access_token: jwt, token_type: 'bearer' }));
    expect([record.expiresAt, record.expirySource]).toEqual([exp * 1000, 'jwt_exp']);
  });

  it('records expires_in 0 as expiring the moment it arrived', () => {
    expect(process(json(200, { access_token: 'at', expires_in: 0 })).expiresAt).toBe(NOW);
  });
});

describe('processTokenResponse() on refusals without an OAuth error body (bare 4xx)', () => {
  const FORBIDDEN_PAGE = '<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>';
  const cases: ReadonlyArray<readonly [string, TokenHttpResponse, string]> = [
    ['an empty 400', { status: 400, headers: {}, body: '' }, 'The provider refused the request (HTTP 400 Bad Request) without saying why.'],
    ['a blank 403', { status: 403, headers: {}, body: '  \n ' }, 'The provider refused the request (HTTP 403 Forbidden) without saying why.'],
    ['an empty 401 without WWW-Authenticate', { status: 401, headers: {}, body: '' }, 'The provider refused the request (HTTP 401 Unauthorized) without saying why.'],
    ['a text 401', { status: 401, headers: { 'content-type': 'text/plain' }, body: 'Unauthorized' }, 'The provider refused the request (HTTP 401 Unauthorized): "Unauthorized".'],
    ['an HTML 403 page', { status: 403, headers: {}, body: FORBIDDEN_PAGE }, 'The provider refused the request (HTTP 403 Forbidden): "403 Forbidden".'],
    ['a JSON 400 with a message', json(400, { message: 'nope' }), 'The provider refused the request (HTTP 400 Bad Request): "nope".'],
    ['a JSON number (400)', json(400, 42), 'The provider refused the request (HTTP 400 Bad Request): "42".'],
    ['a two-line text 404', { status: 404, headers: { 'content-type': 'text/plain' }, body: '\nno such endpoint: POST /rest/v10/oauth2/token/for/this/tenant\nsecond line' }, 'The provider refused the request (HTTP 404 Not Found): "no such endpoint: POST /rest/v10/oauth2/token/for/this/tenant".'],
  ];

  it.each(cases)('takes %s as refused', (_, response) => {
    expect(failure(response).code).toBe('refused');
  });

  it.each(cases)('gives %s the kind rejected (CLI exit 4)', (_, response) => {
    expect(failure(response).kind).toBe('rejected');
  });

  it.each(cases)('names the status and the first safe line of %s', (_, response, message) => {
    expect(failure(response).message).toBe(message);
  });

  it('keeps the status of a bare refusal', () => {
    expect(failure({ status: 403, headers: {}, body: '' }).status).toBe(403);
  });

  it('still reads an empty 401 with WWW-Authenticate as invalid_client (RFC 6749 §5.2)', () => {
    expect(failure({ status: 401, headers: { 'www-authenticate': 'Basic realm="x"' }, body: '' }).code).toBe('invalid_client');
  });

  it('never echoes a secret from a bare refusal\'s body', () => {
    const error = failure({ status: 400, headers: {}, body: 'bad password hunter2-correct-horse' }, { secrets: ['hunter2-correct-horse'] });
    expect(error.message).toBe('The provider refused the request (HTTP 400 Bad Request): "bad password [redacted]".');
  });
});

describe('processTokenResponse() on XML answers (fast-xml-parser options)', () => {
  const xml = (inner: string): TokenHttpResponse => ({ status: 200, headers: XML_TYPE, body: `<Grant>${inner}<token_type>bearer</token_type></Grant>` });

  it.each(['00123456789', '1e10', '0x1F', '123.450', 'true', '-0'])('keeps the number-like access token %s exactly as sent', (value) => {
    expect(process(xml(`<access_token>${value}</access_token>`)).accessToken).toBe(value);
  });

  it('keeps a number-like refresh token exactly as sent', () => {
    expect(process(xml('<access_token>at</access_token><refresh_token>000042</refresh_token>')).refreshToken).toBe('000042');
  });

  it('keeps a number-like unknown field as text', () => {
    expect(process(xml('<access_token>at</access_token><user_id>007</user_id>')).extra).toEqual({ user_id: '007' });
  });

  it('reads an element with attributes by its text, the attributes ignored', () => {
    expect(process(xml('<access_token type="opaque">at-1</access_token>')).accessToken).toBe('at-1');
  });

  it('reads elements under a namespace prefix by their local names', () => {
    const body = '<t:Grant xmlns:t="urn:example"><t:access_token>at-1</t:access_token><t:expires_in>60</t:expires_in></t:Grant>';
    expect(process({ status: 200, headers: XML_TYPE, body })).toMatchObject({ accessToken: 'at-1', expiresAt: NOW + 60_000 });
  });

  it('trims the white space around an element\'s text', () => {
    expect(process(xml('<access_token>\n   at-1\n</access_token>')).accessToken).toBe('at-1');
  });

  it('leaves HTML entity names undecoded: only the five XML entities are known', () => {
    expect(process(xml('<access_token>a&copy;b</access_token>')).accessToken).toBe('a&copy;b');
  });

  it('reads an XML answer labelled with a +xml media type', () => {
    expect(process({ status: 200, headers: { 'content-type': 'application/vnd.saasu+xml' }, body: '<Grant><access_token>at-1</access_token></Grant>' }).accessToken).toBe('at-1');
  });

  it('reads an unlabelled XML answer by its look', () => {
    expect(process({ status: 200, headers: {}, body: '  <Grant><access_token>at-1</access_token></Grant>' }).accessToken).toBe('at-1');
  });

  it('ignores the XML declaration before the root element', () => {
    expect(process({ status: 200, headers: XML_TYPE, body: '<?xml version="1.0" encoding="utf-8"?><Grant><access_token>at-1</access_token></Grant>' }).accessToken).toBe('at-1');
  });

  it('refuses XML with two root elements as bad_response', () => {
    expect(failure({ status: 200, headers: XML_TYPE, body: '<?xml version="1.0"?><a><access_token>x</access_token></a><b></b>' }).code).toBe('bad_response');
  });

  it('refuses a lower-case doctype as bad_response', () => {
    expect(failure({ status: 200, headers: XML_TYPE, body: '<!doctype grant><Grant><access_token>at</access_token></Grant>' }).code).toBe('bad_response');
  });
});

describe('processTokenResponse() by Content-Type', () => {
  it('reads the media type case-insensitively, parameters aside', () => {
    expect(process({ status: 200, headers: { 'content-type': ' Application/XML ; charset=utf-8' }, body: '<Grant><access_token>at-1</access_token></Grant>' }).accessToken).toBe('at-1');
  });

  it('refuses XML labelled as JSON instead of guessing', () => {
    expect(failure({ status: 200, headers: JSON_TYPE, body: '<Grant><access_token>at-1</access_token></Grant>' }).code).toBe('bad_response');
  });

  it('refuses JSON labelled as XML instead of guessing', () => {
    expect(failure({ status: 200, headers: XML_TYPE, body: '{"access_token":"at-1"}' }).code).toBe('bad_response');
  });

  it('reads a +json media type as JSON whatever the body looks like', () => {
    expect(failure({ status: 200, headers: { 'content-type': 'application/problem+json' }, body: '<Grant><access_token>at-1</access_token></Grant>' }).code).toBe('bad_response');
  });

  it('reads an unlabelled JSON answer by its look', () => {
    expect(process({ status: 200, headers: {}, body: '\n {"access_token":"at-1"}' }).accessToken).toBe('at-1');
  });

  it('reads JSON labelled text/plain by its look', () => {
    expect(process({ status: 200, headers: { 'content-type': 'text/plain' }, body: '{"access_token":"at-1"}' }).accessToken).toBe('at-1');
  });

  it('refuses an HTML page labelled text/html that opens like XML, rather than reading it as XML', () => {
    expect(failure({ status: 200, headers: { 'content-type': 'text/html' }, body: '<Grant><access_token>at-1</access_token></Grant>' }).message).toContain('an HTML page');
  });

  it('refuses an unlabelled HTML page as an HTML page', () => {
    expect(failure({ status: 200, headers: {}, body: '\n<html lang="en"><body>Sign in</body></html>' }).message).toContain('an HTML page');
  });
});

describe('processTokenResponse() on empty or absent optional fields', () => {
  it.each([null, ''])('reads expires_in %j as not stated: the expiry is unknown, not an error', (value) => {
    expect(process(minimal({ expires_in: value }))).toMatchObject({ expiresAt: null, expirySource: 'unknown' });
  });

  it("reads expires_in null as not stated and takes a JWT's exp instead", () => {
    const exp = Math.floor(NOW / 1000) + 900;
    const token = new UnsecuredJWT({}).setExpirationTime(exp).encode();
    expect(process(json(200, { access_token: token, expires_in: null }))).toMatchObject({ expiresAt: exp * 1000, expirySource: 'jwt_exp' });
  });

  it.each([null, ''])('reads refresh_expires_in %j as not stated', (value) => {
    expect(process(minimal({ refresh_token: 'rt', refresh_expires_in: value })).refreshExpiresAt).toBeNull();
  });

  it('reads expires_in with surrounding white space and a fraction', () => {
    expect(process(minimal({ expires_in: ' 1.5 ' })).expiresAt).toBe(NOW + 1_500);
  });

  it.each(['12abc', 'abc12', '1.', '.5', '1e3'])('refuses expires_in %j as bad_response', (value) => {
    expect(failure(minimal({ expires_in: value })).code).toBe('bad_response');
  });

  it('names the refused field and the status', () => {
    expect(failure(minimal({ refresh_token: 'rt', refresh_expires_in: 'later' })).message).toBe('The token endpoint sent an invalid refresh_expires_in (HTTP 200).');
  });

  it('takes an empty token_type as Bearer', () => {
    expect(process(minimal({ token_type: '' })).tokenType).toBe('Bearer');
  });

  it('reads a numeric token_type as its text', () => {
    expect(process(minimal({ token_type: 7 })).tokenType).toBe('7');
  });

  it.each(['pop', 'PoP'])('normalises token type %s to PoP', (wire) => {
    expect(process(minimal({ token_type: wire })).tokenType).toBe('PoP');
  });

  it('takes an empty refresh_token as none, keeping the previous one on a refresh', () => {
    const previous = process(minimal({ refresh_token: 'rt-old', refresh_expires_in: 600 }));
    expect(process(minimal({ refresh_token: '' }), { grant: 'refresh_token', previous, now: NOW + 1_000 })).toMatchObject({ refreshToken: 'rt-old', refreshExpiresAt: NOW + 600_000 });
  });

  it('takes the new refresh token and its own expiry when a refresh returns one', () => {
    const previous = process(minimal({ refresh_token: 'rt-old', refresh_expires_in: 600 }));
    expect(process(minimal({ refresh_token: 'rt-new', refresh_expires_in: 60 }), { grant: 'refresh_token', previous, now: NOW + 1_000 })).toMatchObject({ refreshToken: 'rt-new', refreshExpiresAt: NOW + 61_000 });
  });

  it('reads a new refresh token without expiry as one of unknown expiry, not the old one\'s', () => {
    const previous = process(minimal({ refresh_token: 'rt-old', refresh_expires_in: 600 }));
    expect(process(minimal({ refresh_token: 'rt-new' }), { grant: 'refresh_token', previous }).refreshExpiresAt).toBeNull();
  });

  it('keeps no refresh token when neither the answer nor the previous record has one', () => {
    expect(process(minimal({}), { grant: 'refresh_token', previous: process(minimal({})) })).toMatchObject({ refreshToken: null, refreshExpiresAt: null });
  });

  it('keeps the requested scope of the record being renewed when the refresh asked for none', () => {
    const previous = process(minimal({}), { requestedScope: ['read', 'write'] });
    expect(process(minimal({}), { grant: 'refresh_token', previous, requestedScope: null }).requestedScope).toEqual(['read', 'write']);
  });

  it('reads a scope array holding something other than strings as unstated', () => {
    expect(process(minimal({ scope: ['read', 7] })).grantedScope).toBeNull();
  });

  it('leaves out of extra every field it read', () => {
    expect(process(minimal({ expires_in: 60, refresh_token: 'rt', refresh_expires_in: 60, scope: 'a' })).extra).toEqual({});
  });
});

describe('processTokenResponse() redacts values under neutral names in an answer without an access token', () => {
  it.each(['hunter22', 'purple monkey dishwasher'])('never shows the session id %j of a 200 answer without an access token', (sid) => {
    const error = failure(json(200, { sid, token_type: 'bearer' }));
    expect(error.message).not.toContain(sid);
  });
});

describe('processTokenResponse() on redirects and bare refusals', () => {
  it('names a 302 answer a redirect, which a token endpoint must not send', () => {
    expect(failure({ status: 302, headers: { location: 'https://login.example.com/' }, body: '' }).message).toBe(
      'The token endpoint sent a redirect, which a token endpoint must not (HTTP 302)',
    );
  });

  it('names a 300 answer a redirect too', () => {
    expect(failure({ status: 300, headers: {}, body: '' }).message).toContain('a redirect');
  });

  it('reads a bare 401 with WWW-Authenticate as the client refused, with its status', () => {
    const error = failure({ status: 401, headers: { 'www-authenticate': 'Basic realm="x"' }, body: '' });
    expect({ message: error.message, status: error.status }).toEqual({ message: "The provider refused the client's credentials (HTTP 401).", status: 401 });
  });

  it('does not read a bare 403 with WWW-Authenticate as a refused client', () => {
    expect(failure({ status: 403, headers: { 'www-authenticate': 'Basic realm="x"' }, body: '' }).message).not.toContain('(HTTP 401)');
  });
});
