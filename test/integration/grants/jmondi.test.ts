// The oauth2 preset against @jmondi/oauth2-server: a public client names itself, a revoked refresh token says invalid_request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshFailure, requestToken, type TokenRecord } from '../../../electron/core/grants/index.js';
import { resolveProfile } from '../../../electron/core/providers/index.js';
import { JMONDI_DEFAULTS, startJmondiServer, type JmondiHandle } from '../../fixtures/jmondi-server.js';
import { expectNoSecrets, failure, recordingDeps, unwrap } from './support.js';

const D = JMONDI_DEFAULTS;
const signIn = { grant: 'password', username: D.username, password: D.password } as const;
const publicClient = { clientId: D.publicClientId };

let server: JmondiHandle;
beforeAll(async () => {
  server = await startJmondiServer();
});
afterAll(async () => server.close());

/** `tokenry account add … --client-auth none`: a public client. */
const publicProfile = () => resolveProfile('oauth2', { baseUrl: server.baseUrl, clientAuth: 'none' });
const refresh = (record: TokenRecord) => ({ grant: 'refresh_token', refreshToken: record.refreshToken ?? '' }) as const;

describe('oauth2 preset against @jmondi/oauth2-server', () => {
  it('signs a public client in: its client_id goes in the body, no secret anywhere (item 1)', async () => {
    const outcome = unwrap(await requestToken(publicProfile(), signIn, publicClient, { scope: 'read write' }, recordingDeps().deps));

    expect(outcome.record.refreshToken).not.toBeNull();
    expect(outcome.record.grantedScope).toEqual(['read', 'write']);
  });

  it('refreshes a public client with rotation, naming the client each time (item 1)', async () => {
    const first = unwrap(await requestToken(publicProfile(), signIn, publicClient, { scope: 'read' }, recordingDeps().deps)).record;

    const { record } = unwrap(await requestToken(publicProfile(), refresh(first), publicClient, { previous: first }, recordingDeps().deps));

    expect(record.refreshToken).not.toBe(first.refreshToken);
  });

  it('takes its invalid_request "Token has been revoked" for a reused refresh token as a dead refresh token (item 8)', async () => {
    const first = unwrap(await requestToken(publicProfile(), signIn, publicClient, {}, recordingDeps().deps)).record;
    unwrap(await requestToken(publicProfile(), refresh(first), publicClient, { previous: first }, recordingDeps().deps));

    const error = failure(await requestToken(publicProfile(), refresh(first), publicClient, { previous: first }, recordingDeps().deps));

    expect([error.code, error.description]).toEqual(['invalid_request', 'Token has been revoked']);
    expect(refreshFailure(error)).toBe('dead');
    expectNoSecrets(error, [first.refreshToken ?? '', D.password]);
  });

  it('runs client_credentials for its confidential client with Basic credentials, the raw form learned once', async () => {
    const { deps, fetched } = recordingDeps();

    const outcome = unwrap(
      await requestToken(resolveProfile('oauth2', { baseUrl: server.baseUrl }), { grant: 'client_credentials' }, { clientId: D.clientId, clientSecret: D.clientSecret }, { scope: 'read' }, deps),
    );

    expect([outcome.basicEncoding, fetched.length]).toEqual(['raw', 2]);
  });
});
