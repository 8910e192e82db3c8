// The applixure preset runs client_credentials against the Applixure emulator: form body, HTTP Basic, raw fallback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestToken } from '../../../electron/core/grants/index.js';
import { resolveProfile } from '../../../electron/core/providers/index.js';
import { APPLIXURE_DEFAULTS, APPLIXURE_TOKEN_PATH, startApplixure, type ApplixureHandle } from '../../fixtures/emulators/index.js';
import { basicHeader, failure, FIXED, last, onlyRequestSince, pairs, recordingDeps, requestsSince, unwrap } from './support.js';

const HOUR = 3_600_000;
const client = { clientId: APPLIXURE_DEFAULTS.clientId, clientSecret: APPLIXURE_DEFAULTS.clientSecret };
const grant = { grant: 'client_credentials' } as const;
const FORM_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';
const FORM_BASIC = basicHeader(APPLIXURE_DEFAULTS.clientId, APPLIXURE_DEFAULTS.clientSecret, 'form');
const RAW_BASIC = basicHeader(APPLIXURE_DEFAULTS.clientId, APPLIXURE_DEFAULTS.clientSecret, 'raw');

let emulator: ApplixureHandle;
/** A server that does not form-decode Basic credentials, as many real ones don't. */
let rawEmulator: ApplixureHandle;
beforeAll(async () => {
  emulator = await startApplixure({ clock: () => FIXED });
  rawEmulator = await startApplixure({ clock: () => FIXED, basicDecoding: 'raw' });
});
afterAll(async () => {
  await emulator.close();
  await rawEmulator.close();
});

describe('applixure preset against the Applixure emulator', () => {
  it('gets a token for the documented example scope, expiring in an hour, with no refresh token', async () => {
    const profile = resolveProfile('applixure', { baseUrl: emulator.baseUrl });

    const outcome = unwrap(await requestToken(profile, grant, client, { scope: APPLIXURE_DEFAULTS.exampleScope }, recordingDeps().deps));

    expect(outcome).toStrictEqual({
      attempts: 1,
      basicEncoding: 'form',
      record: {
        accessToken: last(emulator.issued.accessTokens),
        tokenType: 'Bearer',
        issuedAt: FIXED,
        expiresAt: FIXED + HOUR,
        expirySource: 'expires_in',
        refreshToken: null,
        refreshExpiresAt: null,
        grantedScope: ['account-all:read', 'account-data:manage'],
        requestedScope: ['account-all:read', 'account-data:manage'],
        extra: {},
      },
    });
  });

  it('sends one POST with a UTF-8 form body and the form-encoded id and secret in HTTP Basic', async () => {
    const profile = resolveProfile('applixure', { baseUrl: emulator.baseUrl });
    const before = emulator.requests.length;

    unwrap(await requestToken(profile, grant, client, { scope: APPLIXURE_DEFAULTS.exampleScope }, recordingDeps().deps));

    const request = onlyRequestSince(emulator, before);
    expect(request.method).toBe('POST');
    expect(request.path).toBe(APPLIXURE_TOKEN_PATH);
    expect(request.rawQuery).toBe('');
    expect(request.headers['content-type']).toBe(FORM_TYPE);
    expect(request.headers.accept).toBe('application/json');
    // RFC 6749 §2.3.1: "tokenry key/1" and "s3cr:t+/=&ö%" are form-encoded before base64.
    expect(request.headers.authorization).toBe(FORM_BASIC);
    expect(Buffer.from(FORM_BASIC.slice(6), 'base64').toString('utf8')).toBe('tokenry+key%2F1:s3cr%3At%2B%2F%3D%26%C3%B6%25');
    expect(pairs(request.body)).toEqual([
      ['grant_type', 'client_credentials'],
      ['scope', APPLIXURE_DEFAULTS.exampleScope],
    ]);
    expect(request.body).toBe('grant_type=client_credentials&scope=account-all%3Aread+account-data%3Amanage');
  });

  it('records a granted scope that is a subset of the one requested', async () => {
    const profile = resolveProfile('applixure', { baseUrl: emulator.baseUrl });
    const scope = ['account-all:read', 'account-admin:write', 'account-data:manage'];

    const { record } = unwrap(await requestToken(profile, grant, client, { scope }, recordingDeps().deps));

    expect(record.requestedScope).toEqual(scope);
    expect(record.grantedScope).toEqual(['account-all:read', 'account-data:manage']);
  });

  it("sends no scope when the account names none, and records the server's default as granted", async () => {
    const profile = resolveProfile('applixure', { baseUrl: emulator.baseUrl });
    const before = emulator.requests.length;

    const { record } = unwrap(await requestToken(profile, grant, client, {}, recordingDeps().deps));

    expect(pairs(onlyRequestSince(emulator, before).body)).toEqual([['grant_type', 'client_credentials']]);
    expect(record.requestedScope).toBeNull();
    expect(record.grantedScope).toEqual([...APPLIXURE_DEFAULTS.defaultScopes]);
  });

  it('can send the client credentials in the body instead (clientAuth body)', async () => {
    const profile = resolveProfile('applixure', { baseUrl: emulator.baseUrl, clientAuth: 'body' });
    const before = emulator.requests.length;

    const outcome = unwrap(await requestToken(profile, grant, client, {}, recordingDeps().deps));

    expect(outcome.basicEncoding).toBeUndefined();
    const request = onlyRequestSince(emulator, before);
    expect(request.headers.authorization).toBeUndefined();
    expect(pairs(request.body)).toEqual([
      ['grant_type', 'client_credentials'],
      ['client_id', APPLIXURE_DEFAULTS.clientId],
      ['client_secret', APPLIXURE_DEFAULTS.clientSecret],
    ]);
  });
});

describe('applixure preset against a server that does not form-decode Basic credentials', () => {
  it('falls back to raw Basic credentials after invalid_client and reports basicEncoding raw', async () => {
    const profile = resolveProfile('applixure', { baseUrl: rawEmulator.baseUrl });
    const before = rawEmulator.requests.length;

    const outcome = unwrap(await requestToken(profile, grant, client, { scope: APPLIXURE_DEFAULTS.exampleScope }, recordingDeps().deps));

    expect(outcome).toStrictEqual({
      attempts: 1,
      basicEncoding: 'raw',
      record: {
        accessToken: last(rawEmulator.issued.accessTokens),
        tokenType: 'Bearer',
        issuedAt: FIXED,
        expiresAt: FIXED + HOUR,
        expirySource: 'expires_in',
        refreshToken: null,
        refreshExpiresAt: null,
        grantedScope: ['account-all:read', 'account-data:manage'],
        requestedScope: ['account-all:read', 'account-data:manage'],
        extra: {},
      },
    });
    const [refused, accepted] = requestsSince(rawEmulator, before);
    expect(requestsSince(rawEmulator, before)).toHaveLength(2);
    expect(refused?.headers.authorization).toBe(FORM_BASIC);
    expect(refused?.response?.status).toBe(401);
    expect(accepted?.headers.authorization).toBe(RAW_BASIC);
    expect(accepted?.response?.status).toBe(200);
    expect(accepted?.body).toBe(refused?.body);
  });

  it('goes straight to raw credentials once the account remembers the encoding the server accepted', async () => {
    const profile = resolveProfile('applixure', { baseUrl: rawEmulator.baseUrl });
    const before = rawEmulator.requests.length;

    const outcome = unwrap(await requestToken(profile, grant, client, { basicEncoding: 'raw' }, recordingDeps().deps));

    expect(outcome.basicEncoding).toBe('raw');
    expect(onlyRequestSince(rawEmulator, before).headers.authorization).toBe(RAW_BASIC);
  });

  it('still reports invalid_client after trying both forms when the secret is wrong', async () => {
    const profile = resolveProfile('applixure', { baseUrl: rawEmulator.baseUrl });
    const before = rawEmulator.requests.length;

    const error = failure(await requestToken(profile, grant, { ...client, clientSecret: 'wrong/secret=' }, {}, recordingDeps().deps));

    expect(error.code).toBe('invalid_client');
    expect(error.status).toBe(401);
    expect(requestsSince(rawEmulator, before)).toHaveLength(2);
  });
});
