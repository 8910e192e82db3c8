// The oauth2 preset against Glewlwyd (C, Debian's package): raw-only Basic, bare 403/400 refusals, a revoked refresh token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadAfterRetry, refreshFailure, requestToken, type GrantOptions, type TokenRecord } from '../../../electron/core/grants/index.js';
import { resolveProfile, type ProfileOverrides } from '../../../electron/core/providers/index.js';
import { GLEWLWYD_DEFAULTS, startGlewlwyd, type GlewlwydHandle } from '../../fixtures/glewlwyd-server.js';
import { expectNoSecrets, failure, recordingDeps, unwrap } from './support.js';

const D = GLEWLWYD_DEFAULTS;
const client = { clientId: D.clientId, clientSecret: D.clientSecret };
const signIn = { grant: 'password', username: D.username, password: D.password } as const;
const raw: GrantOptions = { basicEncoding: 'raw', scope: 'read write admin' };

let server: GlewlwydHandle;
beforeAll(async () => {
  server = await startGlewlwyd();
}, 90_000);
afterAll(async () => server?.close());

/** Glewlwyd wants a scope with every password and client_credentials grant. */
const profile = (overrides: ProfileOverrides = {}) =>
  resolveProfile('oauth2', { tokenUrl: server.tokenUrl, defaultScope: 'read write', ...overrides });
const refresh = (record: TokenRecord) => ({ grant: 'refresh_token', refreshToken: record.refreshToken ?? '' }) as const;

describe('oauth2 preset against Glewlwyd (raw-only Basic, bare 4xx)', () => {
  it('falls back to raw Basic credentials after a bare 403, and reports raw for the account to remember (item 3)', async () => {
    const { deps, fetched } = recordingDeps();

    const outcome = unwrap(await requestToken(profile(), { grant: 'client_credentials' }, client, {}, deps));

    expect(outcome.basicEncoding).toBe('raw');
    expect(fetched).toHaveLength(2);
    expect(outcome.record.grantedScope).toEqual(['read', 'write']);
  });

  it('signs in with the password grant when raw Basic is chosen for the account (--basic-encoding raw)', async () => {
    const { deps, fetched } = recordingDeps();

    const outcome = unwrap(await requestToken(profile({ basicEncoding: 'raw' }), signIn, client, { scope: 'read write admin' }, deps));

    expect(fetched).toHaveLength(1);
    expect(outcome.record.refreshToken).not.toBeNull();
    // Granted `read write` of `read write admin`: the difference stays visible.
    expect([outcome.record.grantedScope, outcome.record.requestedScope]).toEqual([['read', 'write'], ['read', 'write', 'admin']]);
  });

  it('takes a wrong password (a bare 403) as a refusal with its status, kind rejected (item 4)', async () => {
    const { deps } = recordingDeps();

    const error = failure(await requestToken(profile(), { ...signIn, password: 'Wr0ng-pässword' }, client, raw, deps));

    expect(error.code).toBe('refused');
    expect(error.kind).toBe('rejected');
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/^The provider refused the request \(HTTP 403 Forbidden\) without saying why\./);
    expectNoSecrets(error, ['Wr0ng-pässword', D.clientSecret]);
  });

  it('costs one request for a wrong special-character secret once the form is known (item 9)', async () => {
    const { deps, fetched } = recordingDeps();

    const error = failure(await requestToken(profile(), signIn, { ...client, clientSecret: 'wr0ng:s3cret/&' }, raw, deps));

    expect(fetched).toHaveLength(1);
    expect(error.kind).toBe('rejected');
  });

  it('refreshes, keeping the refresh token Glewlwyd does not rotate', async () => {
    const first = unwrap(await requestToken(profile(), signIn, client, raw, recordingDeps().deps)).record;

    const { record } = unwrap(await requestToken(profile(), refresh(first), client, { ...raw, previous: first }, recordingDeps().deps));

    expect(record.refreshToken).toBe(first.refreshToken);
    expect(record.grantedScope).toEqual(['read', 'write']);
  });

  it('answers a revoked refresh token with a bare 400, which is dead once a retry fails too (items 7, 8)', async () => {
    const first = unwrap(await requestToken(profile(), signIn, client, raw, recordingDeps().deps)).record;
    await server.revokeRefreshToken(first.refreshToken ?? '');

    const error = failure(await requestToken(profile(), refresh(first), client, { ...raw, previous: first }, recordingDeps().deps));
    const again = failure(await requestToken(profile(), refresh(first), client, { ...raw, previous: first }, recordingDeps().deps));

    expect([error.code, error.status]).toEqual(['refused', 400]);
    expect(refreshFailure(error)).toBe('retry_then_dead');
    expect(deadAfterRetry(again)).toBe(true);
    expectNoSecrets(error, [first.refreshToken ?? '', D.clientSecret]);
  });
});
