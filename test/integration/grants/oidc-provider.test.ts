// The oauth2 preset's client_credentials grant against panva's oidc-provider: RFC-form Basic, client_secret_post, refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestToken } from '../../../electron/core/grants/index.js';
import { resolveProfile, type ProfileOverrides } from '../../../electron/core/providers/index.js';
import { OIDC_PROVIDER_DEFAULTS, startOidcProvider, type OidcProviderHandle } from '../../fixtures/oidc-provider-server.js';
import { expectNoSecrets, failure, FIXED, recordingDeps, unwrap } from './support.js';

const D = OIDC_PROVIDER_DEFAULTS;
const basicClient = { clientId: D.basicClientId, clientSecret: D.basicClientSecret };
const cc = { grant: 'client_credentials' } as const;

let server: OidcProviderHandle;
beforeAll(async () => {
  server = await startOidcProvider();
});
afterAll(async () => server.close());

const profile = (overrides: ProfileOverrides = {}) => resolveProfile('oauth2', { tokenUrl: server.tokenUrl, grants: ['client_credentials'], ...overrides });

describe('oauth2 preset against oidc-provider (client_credentials)', () => {
  it('is accepted at once with form-encoded Basic credentials (RFC 6749 §2.3.1), and reports form', async () => {
    const { deps, fetched } = recordingDeps();

    const outcome = unwrap(await requestToken(profile(), cc, basicClient, { scope: D.scope }, deps));

    expect([fetched.length, outcome.basicEncoding]).toEqual([1, 'form']);
    expect(outcome.record.grantedScope).toEqual([D.scope]);
    expect(outcome.record.expiresAt).toBeGreaterThan(FIXED);
  });

  it('authenticates in the body for a client_secret_post client', async () => {
    const outcome = unwrap(
      await requestToken(profile({ clientAuth: 'body' }), cc, { clientId: D.postClientId, clientSecret: D.postClientSecret }, { scope: D.scope }, recordingDeps().deps),
    );
    expect(outcome.record.tokenType).toBe('Bearer');
  });

  it('refuses a wrong secret with invalid_client in one request once the form is known (item 9)', async () => {
    const { deps, fetched } = recordingDeps();

    const error = failure(await requestToken(profile(), cc, { ...basicClient, clientSecret: 'wr0ng:s3cret/&-0123456789' }, { scope: D.scope, basicEncoding: 'form' }, deps));

    expect([error.code, error.kind, fetched.length]).toEqual(['invalid_client', 'rejected', 1]);
    expectNoSecrets(error, ['wr0ng:s3cret/&-0123456789']);
  });
});
