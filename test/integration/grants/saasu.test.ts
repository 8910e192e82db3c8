// The saasu preset signs in and refreshes against the Saasu emulator in JSON and XML, with JWT expiry and a one-time code.
import { XMLParser } from 'fast-xml-parser';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requestToken, type TokenRecord } from '../../../electron/core/grants/index.js';
import { resolveProfile, type ProfileOverrides } from '../../../electron/core/providers/index.js';
import {
  SAASU_DEFAULTS,
  SAASU_KNOBS,
  SAASU_TOKEN_PATH,
  SAASU_XML_ROOT,
  startSaasu,
  type SaasuHandle,
} from '../../fixtures/emulators/index.js';
import { failure, FIXED, last, onlyRequestSince, recordingDeps, unwrap } from './support.js';

const THREE_HOURS = 10_800_000;
const GRANTED = ['full', ...SAASU_DEFAULTS.fileIds.map((id) => `fileid:${id}`)];
const signIn = { grant: 'password', username: SAASU_DEFAULTS.username, password: SAASU_DEFAULTS.password } as const;
const noClient = {};
const JSON_ACCEPT = 'application/json, application/xml;q=0.9';
const XML_ACCEPT = 'application/xml, application/json;q=0.9';

let serverNow = FIXED;
let emulator: SaasuHandle;
beforeAll(async () => {
  emulator = await startSaasu({ clock: () => serverNow });
});
afterEach(() => {
  serverNow = FIXED;
  Object.assign(emulator.knobs, SAASU_KNOBS);
});
afterAll(async () => emulator.close());

const profile = (overrides: ProfileOverrides = {}) => resolveProfile('saasu', { baseUrl: emulator.baseUrl, ...overrides });
const refresh = (record: TokenRecord) => ({ grant: 'refresh_token', refreshToken: record.refreshToken ?? '' }) as const;

/** The record a password sign-in of the default user yields, tokens read from the emulator. */
const expectedSignIn = (): TokenRecord => ({
  accessToken: last(emulator.issued.accessTokens),
  tokenType: 'Bearer',
  issuedAt: FIXED,
  expiresAt: FIXED + THREE_HOURS,
  expirySource: 'expires_in',
  refreshToken: last(emulator.issued.refreshTokens),
  refreshExpiresAt: null,
  grantedScope: GRANTED,
  requestedScope: ['full'],
  extra: {},
});

/** An XML request body as its root's name and child elements (attributes are the xsd/xsi namespaces). */
function xmlFields(body: string): { root: string; fields: Record<string, unknown> } {
  const doc = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false }).parse(body) as Record<string, unknown>;
  const [root, fields] = Object.entries(doc)[0] ?? ['', {}];
  return { root, fields: fields as Record<string, unknown> };
}

describe('saasu preset against the Saasu emulator, in JSON', () => {
  it('signs in and yields the capital-B Bearer record with the granted file ids as scope', async () => {
    const outcome = unwrap(await requestToken(profile(), signIn, noClient, {}, recordingDeps().deps));

    expect(outcome).toStrictEqual({ attempts: 1, record: expectedSignIn() });
  });

  it('sends one POST with a JSON body, no client authentication, and Accept preferring JSON', async () => {
    const before = emulator.requests.length;

    unwrap(await requestToken(profile(), signIn, noClient, {}, recordingDeps().deps));

    const request = onlyRequestSince(emulator, before);
    expect(request.method).toBe('POST');
    expect(request.path).toBe(SAASU_TOKEN_PATH);
    expect(request.rawQuery).toBe('');
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request.headers.accept).toBe(JSON_ACCEPT);
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(request.body)).toStrictEqual({
      grant_type: 'password',
      username: SAASU_DEFAULTS.username,
      password: SAASU_DEFAULTS.password,
      scope: 'full',
    });
    expect(request.response?.headers['Content-Type']).toBe('application/json; charset=utf-8');
  });

  it("takes the expiry from the JWT's exp when the answer has no expires_in (server clock skewed)", async () => {
    emulator.knobs.omitExpiresIn = true;
    serverNow = FIXED - 7_000;

    const { record } = unwrap(await requestToken(profile(), signIn, noClient, {}, recordingDeps().deps));

    const exp = decodeJwt(record.accessToken).exp ?? 0;
    expect(exp * 1000).toBe(FIXED - 7_000 + THREE_HOURS);
    expect(record).toStrictEqual({ ...expectedSignIn(), expiresAt: FIXED - 7_000 + THREE_HOURS, expirySource: 'jwt_exp' });
  });

  it('refreshes with a JSON refresh request and keeps the same refresh token when Saasu does not rotate', async () => {
    const first = unwrap(await requestToken(profile(), signIn, noClient, {}, recordingDeps().deps)).record;
    const before = emulator.requests.length;
    serverNow = FIXED + 60_000;

    const { record } = unwrap(
      await requestToken(profile(), refresh(first), noClient, { previous: first }, recordingDeps({ now: () => FIXED + 60_000 }).deps),
    );

    expect(record).toStrictEqual({
      ...expectedSignIn(),
      issuedAt: FIXED + 60_000,
      expiresAt: FIXED + 60_000 + THREE_HOURS,
      refreshToken: first.refreshToken,
    });
    expect(record.accessToken).not.toBe(first.accessToken);
    const request = onlyRequestSince(emulator, before);
    expect(request.method).toBe('POST');
    expect(request.path).toBe(SAASU_TOKEN_PATH);
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(request.body)).toStrictEqual({ grant_type: 'refresh_token', refresh_token: first.refreshToken });
  });

  it('uses the new refresh token when Saasu rotates, and the old one is refused with invalid_grant', async () => {
    emulator.knobs.rotateRefreshTokens = true;
    const first = unwrap(await requestToken(profile(), signIn, noClient, {}, recordingDeps().deps)).record;
    const deps = recordingDeps().deps;

    const second = unwrap(await requestToken(profile(), refresh(first), noClient, { previous: first }, deps)).record;
    expect(second.refreshToken).toBe(last(emulator.issued.refreshTokens));
    expect(second.refreshToken).not.toBe(first.refreshToken);

    const before = emulator.requests.length;
    const third = unwrap(await requestToken(profile(), refresh(second), noClient, { previous: second }, deps)).record;
    expect(JSON.parse(onlyRequestSince(emulator, before).body)).toMatchObject({ refresh_token: second.refreshToken });
    expect(third.refreshToken).toBe(last(emulator.issued.refreshTokens));

    const reused = failure(await requestToken(profile(), refresh(first), noClient, { previous: first }, deps));
    expect(reused.code).toBe('invalid_grant');
    expect(reused.description).toBe('invalid refresh token');
  });
});

describe('saasu preset against the Saasu emulator, in XML', () => {
  it('sends an OAuthPasswordCredentialsGrantRequest in XML and reads the OAuthAccessTokenGrant answer', async () => {
    const before = emulator.requests.length;

    const outcome = unwrap(await requestToken(profile({ encoding: 'xml' }), signIn, noClient, {}, recordingDeps().deps));

    expect(outcome).toStrictEqual({ attempts: 1, record: expectedSignIn() });
    const request = onlyRequestSince(emulator, before);
    expect(request.method).toBe('POST');
    expect(request.path).toBe(SAASU_TOKEN_PATH);
    expect(request.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(request.headers.accept).toBe(XML_ACCEPT);
    expect(request.headers.authorization).toBeUndefined();
    expect(xmlFields(request.body)).toStrictEqual({
      root: SAASU_XML_ROOT,
      fields: { grant_type: 'password', username: SAASU_DEFAULTS.username, password: SAASU_DEFAULTS.password, scope: 'full' },
    });
    // The password's & < > are escaped on the wire.
    expect(request.body).toContain('&amp;');
    expect(request.body).toContain('&lt;');
    expect(request.response?.headers['Content-Type']).toBe('application/xml; charset=utf-8');
    expect(request.response?.body).toMatch(/^<\?xml[^>]*>\s*<OAuthAccessTokenGrant /);
  });

  it('refreshes in XML, reading expires_in from element text', async () => {
    const xml = profile({ encoding: 'xml' });
    const first = unwrap(await requestToken(xml, signIn, noClient, {}, recordingDeps().deps)).record;
    const before = emulator.requests.length;

    const { record } = unwrap(await requestToken(xml, refresh(first), noClient, { previous: first }, recordingDeps().deps));

    expect(record).toStrictEqual({ ...expectedSignIn(), refreshToken: first.refreshToken });
    const request = onlyRequestSince(emulator, before);
    expect(xmlFields(request.body)).toStrictEqual({
      root: SAASU_XML_ROOT,
      fields: { grant_type: 'refresh_token', refresh_token: first.refreshToken },
    });
  });
});

describe('saasu preset with a one-time code', () => {
  const otpUser = { grant: 'password', username: SAASU_DEFAULTS.otpUsername, password: SAASU_DEFAULTS.otpPassword } as const;

  it('sends the code as verification_code and yields the record of the user with its one file', async () => {
    const before = emulator.requests.length;

    const outcome = unwrap(await requestToken(profile(), { ...otpUser, otp: SAASU_DEFAULTS.otp }, noClient, {}, recordingDeps().deps));

    expect(outcome).toStrictEqual({ attempts: 1, record: { ...expectedSignIn(), grantedScope: ['full', 'fileid:2045'] } });
    expect(JSON.parse(onlyRequestSince(emulator, before).body)).toStrictEqual({
      grant_type: 'password',
      username: SAASU_DEFAULTS.otpUsername,
      password: SAASU_DEFAULTS.otpPassword,
      verification_code: SAASU_DEFAULTS.otp,
      scope: 'full',
    });
  });

  it('sends the code as an XML element too', async () => {
    const before = emulator.requests.length;

    unwrap(await requestToken(profile({ encoding: 'xml' }), { ...otpUser, otp: SAASU_DEFAULTS.otp }, noClient, {}, recordingDeps().deps));

    expect(xmlFields(onlyRequestSince(emulator, before).body).fields).toMatchObject({ verification_code: SAASU_DEFAULTS.otp });
  });

  it.each([
    ['without a code', undefined, 'verification code required'],
    ['with a wrong code', '135791', 'invalid verification code'],
  ])('is refused with invalid_grant and the provider description %s', async (_, otp, description) => {
    const input = otp === undefined ? otpUser : { ...otpUser, otp };

    const error = failure(await requestToken(profile(), input, noClient, {}, recordingDeps().deps));

    expect(error.code).toBe('invalid_grant');
    expect(error.kind).toBe('rejected');
    expect(error.status).toBe(400);
    expect(error.description).toBe(description);
    expect(error.message).toContain(description);
  });
});
