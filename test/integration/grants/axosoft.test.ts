// The axosoft preset signs in against the Axosoft emulator (GET query, no expires_in) and yields the exact record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestToken } from '../../../electron/core/grants/index.js';
import { resolveProfile } from '../../../electron/core/providers/index.js';
import { AXOSOFT_DEFAULTS, AXOSOFT_TOKEN_PATH, startAxosoft, type AxosoftHandle } from '../../fixtures/emulators/index.js';
import { FIXED, last, onlyRequestSince, pairs, recordingDeps, unwrap } from './support.js';

const client = { clientId: AXOSOFT_DEFAULTS.clientId, clientSecret: AXOSOFT_DEFAULTS.clientSecret };
const signIn = { grant: 'password', username: AXOSOFT_DEFAULTS.username, password: AXOSOFT_DEFAULTS.password } as const;

let emulator: AxosoftHandle;
beforeAll(async () => {
  emulator = await startAxosoft({ clock: () => FIXED });
});
afterAll(async () => emulator.close());

describe('axosoft preset against the Axosoft emulator', () => {
  it('signs in with the password grant and yields a Bearer record of unknown expiry that keeps the user data', async () => {
    const profile = resolveProfile('axosoft', { baseUrl: emulator.baseUrl });
    const before = emulator.requests.length;

    const outcome = unwrap(await requestToken(profile, signIn, client, {}, recordingDeps().deps));

    expect(outcome).toStrictEqual({
      attempts: 1,
      record: {
        accessToken: last(emulator.issued.accessTokens),
        tokenType: 'Bearer',
        issuedAt: FIXED,
        expiresAt: null,
        expirySource: 'unknown',
        refreshToken: null,
        refreshExpiresAt: null,
        grantedScope: null,
        requestedScope: ['read'],
        extra: {
          data: {
            id: AXOSOFT_DEFAULTS.user.id,
            first_name: AXOSOFT_DEFAULTS.user.first_name,
            last_name: AXOSOFT_DEFAULTS.user.last_name,
            email: AXOSOFT_DEFAULTS.user.email,
          },
        },
      },
    });
    // "The app must not store the password": nothing of it survives in the record.
    expect(JSON.stringify(outcome)).not.toContain(AXOSOFT_DEFAULTS.password);
    expect(emulator.issued.accessTokens).toHaveLength(1);
    expect(emulator.requests.length - before).toBe(1);
  });

  it('sends one GET with every parameter form-encoded in the query, no body, no Authorization, Accept JSON', async () => {
    const profile = resolveProfile('axosoft', { baseUrl: emulator.baseUrl });
    const before = emulator.requests.length;

    unwrap(await requestToken(profile, signIn, client, {}, recordingDeps().deps));

    const request = onlyRequestSince(emulator, before);
    const expected: Array<[string, string]> = [
      ['grant_type', 'password'],
      ['username', AXOSOFT_DEFAULTS.username],
      ['password', AXOSOFT_DEFAULTS.password],
      ['scope', 'read'],
      ['client_id', AXOSOFT_DEFAULTS.clientId],
      ['client_secret', AXOSOFT_DEFAULTS.clientSecret],
    ];
    expect(request.method).toBe('GET');
    expect(request.path).toBe(AXOSOFT_TOKEN_PATH);
    expect(pairs(request.rawQuery)).toEqual(expected);
    // Reserved characters of the password (@ & = + % #) are percent-encoded, spaces as '+'.
    expect(request.rawQuery).toBe(new URLSearchParams(expected).toString());
    expect(request.headers['content-type']).toBeUndefined();
    expect(request.headers.accept).toBe('application/json');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toBe('');
    expect(request.response?.status).toBe(200);
  });

  it('requests the "read write" scope when the account asks for it and records it as requested', async () => {
    const profile = resolveProfile('axosoft', { baseUrl: emulator.baseUrl });
    const before = emulator.requests.length;

    const { record } = unwrap(await requestToken(profile, signIn, client, { scope: 'read write' }, recordingDeps().deps));

    expect(record.requestedScope).toEqual(['read', 'write']);
    expect(record.grantedScope).toBeNull();
    expect(record.accessToken).toBe(last(emulator.issued.accessTokens));
    expect(onlyRequestSince(emulator, before).query.get('scope')).toBe('read write');
  });
});
