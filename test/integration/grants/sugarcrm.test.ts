// The sugarcrm preset signs in and refreshes against the SugarCRM emulator (POST JSON, platform, empty secret).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requestToken, type TokenRecord } from '../../../electron/core/grants/index.js';
import { resolveProfile } from '../../../electron/core/providers/index.js';
import { startSugarCrm, SUGARCRM_DEFAULTS, SUGARCRM_KNOBS, SUGARCRM_TOKEN_PATH, type SugarHandle } from '../../fixtures/emulators/index.js';
import { failure, FIXED, last, onlyRequestSince, recordingDeps, unwrap } from './support.js';

const HOUR = 3_600_000;
const TWO_WEEKS = 1_209_600_000;
const signIn = { grant: 'password', username: SUGARCRM_DEFAULTS.username, password: SUGARCRM_DEFAULTS.password } as const;
/** The account gives no client: the preset's `sugar` id with its empty secret must be sent. */
const noClient = {};

let serverNow = FIXED;
let emulator: SugarHandle;
beforeAll(async () => {
  emulator = await startSugarCrm({ clock: () => serverNow });
});
afterEach(() => {
  serverNow = FIXED;
  Object.assign(emulator.knobs, SUGARCRM_KNOBS);
});
afterAll(async () => emulator.close());

const profile = () => resolveProfile('sugarcrm', { baseUrl: emulator.baseUrl });
const refresh = (record: TokenRecord) => ({ grant: 'refresh_token', refreshToken: record.refreshToken ?? '' }) as const;

async function signedIn(): Promise<TokenRecord> {
  return unwrap(await requestToken(profile(), signIn, noClient, {}, recordingDeps().deps)).record;
}

describe('sugarcrm preset against the SugarCRM emulator', () => {
  it('signs in and yields expiry, refresh token and its expiry, null granted scope and the download_token', async () => {
    const outcome = unwrap(await requestToken(profile(), signIn, noClient, {}, recordingDeps().deps));

    expect(outcome).toStrictEqual({
      attempts: 1,
      record: {
        accessToken: last(emulator.issued.accessTokens),
        tokenType: 'Bearer',
        issuedAt: FIXED,
        expiresAt: FIXED + HOUR,
        expirySource: 'expires_in',
        refreshToken: last(emulator.issued.refreshTokens),
        refreshExpiresAt: FIXED + TWO_WEEKS,
        // Sugar answers `scope: null`: the record says "not stated", not "nothing granted".
        grantedScope: null,
        requestedScope: null,
        extra: { download_token: last(emulator.downloadTokens) },
      },
    });
  });

  it('sends one POST with exactly the documented JSON body, client sugar with an empty secret, platform base', async () => {
    const before = emulator.requests.length;

    await signedIn();

    const request = onlyRequestSince(emulator, before);
    expect(request.method).toBe('POST');
    expect(request.path).toBe(SUGARCRM_TOKEN_PATH);
    expect(request.rawQuery).toBe('');
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request.headers.accept).toBe('application/json');
    expect(request.headers.authorization).toBeUndefined();
    const body: unknown = JSON.parse(request.body);
    expect(body).toStrictEqual({
      grant_type: 'password',
      username: SUGARCRM_DEFAULTS.username,
      password: SUGARCRM_DEFAULTS.password,
      client_id: 'sugar',
      client_secret: '',
      platform: 'base',
    });
  });

  it('refreshes with the refresh token and keeps the same one (and its expiry) when Sugar does not rotate', async () => {
    const first = await signedIn();
    const before = emulator.requests.length;
    serverNow = FIXED + 60_000;
    const later = recordingDeps({ now: () => FIXED + 60_000 }).deps;

    const outcome = unwrap(await requestToken(profile(), refresh(first), noClient, { previous: first }, later));

    expect(outcome.record).toStrictEqual({
      accessToken: last(emulator.issued.accessTokens),
      tokenType: 'Bearer',
      issuedAt: FIXED + 60_000,
      expiresAt: FIXED + 60_000 + HOUR,
      expirySource: 'expires_in',
      refreshToken: first.refreshToken,
      // refresh_expires_in is now a minute shorter: the refresh token's end does not move.
      refreshExpiresAt: FIXED + TWO_WEEKS,
      grantedScope: null,
      requestedScope: null,
      extra: { download_token: last(emulator.downloadTokens) },
    });
    expect(outcome.record.accessToken).not.toBe(first.accessToken);
    const request = onlyRequestSince(emulator, before);
    expect(request.method).toBe('POST');
    expect(request.path).toBe(SUGARCRM_TOKEN_PATH);
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(request.body)).toStrictEqual({
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken,
      client_id: 'sugar',
      client_secret: '',
      platform: 'base',
    });
  });

  it('uses the new refresh token and its fresh expiry when Sugar rotates, and the old one is then refused', async () => {
    emulator.knobs.rotateRefreshTokens = true;
    const first = await signedIn();
    serverNow = FIXED + 60_000;
    const later = recordingDeps({ now: () => FIXED + 60_000 }).deps;

    const { record } = unwrap(await requestToken(profile(), refresh(first), noClient, { previous: first }, later));

    expect(record.refreshToken).toBe(last(emulator.issued.refreshTokens));
    expect(record.refreshToken).not.toBe(first.refreshToken);
    expect(record.refreshExpiresAt).toBe(FIXED + 60_000 + TWO_WEEKS);

    const reused = failure(await requestToken(profile(), refresh(first), noClient, { previous: first }, later));
    expect(reused.code).toBe('invalid_grant');
    expect(reused.kind).toBe('rejected');
    expect(reused.status).toBe(401);
    expect(reused.description).toBe('Invalid refresh token');
  });
});
