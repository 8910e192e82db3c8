// The teamserver preset signs in and refreshes against the ER/Studio Team Server emulator (GET query, UTF-8).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requestToken, type TokenRecord } from '../../../electron/core/grants/index.js';
import { resolveProfile } from '../../../electron/core/providers/index.js';
import {
  startTeamServer,
  TEAMSERVER_DEFAULTS,
  TEAMSERVER_KNOBS,
  TEAMSERVER_TOKEN_PATH,
  type TeamServerHandle,
} from '../../fixtures/emulators/index.js';
import { failure, FIXED, last, onlyRequestSince, pairs, recordingDeps, unwrap } from './support.js';

const DAY_LESS_A_SECOND = 86_399_000;
const client = { clientId: TEAMSERVER_DEFAULTS.clientId, clientSecret: TEAMSERVER_DEFAULTS.clientSecret };
const signIn = { grant: 'password', username: TEAMSERVER_DEFAULTS.username, password: TEAMSERVER_DEFAULTS.password } as const;

let serverNow = FIXED;
let emulator: TeamServerHandle;
beforeAll(async () => {
  emulator = await startTeamServer({ clock: () => serverNow });
});
afterEach(() => {
  serverNow = FIXED;
  Object.assign(emulator.knobs, TEAMSERVER_KNOBS);
});
afterAll(async () => emulator.close());

const profile = () => resolveProfile('teamserver', { baseUrl: emulator.baseUrl });
const refresh = (record: TokenRecord) => ({ grant: 'refresh_token', refreshToken: record.refreshToken ?? '' }) as const;

async function signedIn(): Promise<TokenRecord> {
  return unwrap(await requestToken(profile(), signIn, client, {}, recordingDeps().deps)).record;
}

describe('teamserver preset against the Team Server emulator', () => {
  it('signs in and yields a Bearer record expiring in a day less a second, with refresh token and "read write"', async () => {
    const outcome = unwrap(await requestToken(profile(), signIn, client, {}, recordingDeps().deps));

    expect(outcome).toStrictEqual({
      attempts: 1,
      record: {
        accessToken: last(emulator.issued.accessTokens),
        tokenType: 'Bearer',
        issuedAt: FIXED,
        expiresAt: FIXED + DAY_LESS_A_SECOND,
        expirySource: 'expires_in',
        refreshToken: last(emulator.issued.refreshTokens),
        refreshExpiresAt: null,
        grantedScope: ['read', 'write'],
        requestedScope: null,
        extra: {},
      },
    });
  });

  it('sends one GET with the UTF-8 user name, password and client credentials percent-encoded in the query', async () => {
    const before = emulator.requests.length;

    await signedIn();

    const request = onlyRequestSince(emulator, before);
    const expected: Array<[string, string]> = [
      ['grant_type', 'password'],
      ['username', TEAMSERVER_DEFAULTS.username],
      ['password', TEAMSERVER_DEFAULTS.password],
      ['client_id', TEAMSERVER_DEFAULTS.clientId],
      ['client_secret', TEAMSERVER_DEFAULTS.clientSecret],
    ];
    expect(request.method).toBe('GET');
    expect(request.path).toBe(TEAMSERVER_TOKEN_PATH);
    expect(pairs(request.rawQuery)).toEqual(expected);
    // jürgen in UTF-8, percent-encoded.
    expect(request.rawQuery).toContain('username=j%C3%BCrgen');
    expect(request.headers['content-type']).toBeUndefined();
    expect(request.headers.accept).toBe('application/json');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toBe('');
  });

  it('refreshes with a GET query and keeps the same refresh token when the server reuses it', async () => {
    const first = await signedIn();
    const before = emulator.requests.length;
    serverNow = FIXED + 3_600_000;
    const later = recordingDeps({ now: () => FIXED + 3_600_000 }).deps;

    const outcome = unwrap(await requestToken(profile(), refresh(first), client, { previous: first }, later));

    expect(outcome.record).toStrictEqual({
      accessToken: last(emulator.issued.accessTokens),
      tokenType: 'Bearer',
      issuedAt: FIXED + 3_600_000,
      expiresAt: FIXED + 3_600_000 + DAY_LESS_A_SECOND,
      expirySource: 'expires_in',
      refreshToken: first.refreshToken,
      refreshExpiresAt: null,
      grantedScope: ['read', 'write'],
      requestedScope: null,
      extra: {},
    });
    const request = onlyRequestSince(emulator, before);
    expect(request.method).toBe('GET');
    expect(request.path).toBe(TEAMSERVER_TOKEN_PATH);
    expect(pairs(request.rawQuery)).toEqual([
      ['grant_type', 'refresh_token'],
      ['refresh_token', first.refreshToken],
      ['client_id', TEAMSERVER_DEFAULTS.clientId],
      ['client_secret', TEAMSERVER_DEFAULTS.clientSecret],
    ]);
  });

  it('uses the newest refresh token on each refresh when the server rotates them, and the old one is refused', async () => {
    emulator.knobs.rotateRefreshTokens = true;
    const first = await signedIn();
    const deps = recordingDeps().deps;

    const second = unwrap(await requestToken(profile(), refresh(first), client, { previous: first }, deps)).record;
    expect(second.refreshToken).toBe(last(emulator.issued.refreshTokens));
    expect(second.refreshToken).not.toBe(first.refreshToken);

    const before = emulator.requests.length;
    const third = unwrap(await requestToken(profile(), refresh(second), client, { previous: second }, deps)).record;
    expect(onlyRequestSince(emulator, before).query.get('refresh_token')).toBe(second.refreshToken);
    expect(third.refreshToken).toBe(last(emulator.issued.refreshTokens));

    const reused = failure(await requestToken(profile(), refresh(first), client, { previous: first }, deps));
    expect(reused.code).toBe('invalid_grant');
    expect(reused.kind).toBe('rejected');
    expect(reused.description).toBe('Invalid refresh token');
  });
});
