// The oauth2 preset against an oauth2orize + passport server: a refresh answer without scope keeps the scope granted, public clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveScope, requestToken, type TokenRecord } from '../../../electron/core/grants/index.js';
import { resolveProfile } from '../../../electron/core/providers/index.js';
import { OAUTH2ORIZE_DEFAULTS, startOAuth2orizeServer, type OAuth2orizeHandle } from '../../fixtures/oauth2orize-server.js';
import { expectNoSecrets, failure, recordingDeps, unwrap } from './support.js';

const D = OAUTH2ORIZE_DEFAULTS;
const signIn = { grant: 'password', username: D.username, password: D.password } as const;
const confidential = { clientId: D.clientId, clientSecret: D.clientSecret };

let server: OAuth2orizeHandle;
beforeAll(async () => {
  server = await startOAuth2orizeServer();
});
afterAll(async () => server.close());

const basicProfile = () => resolveProfile('oauth2', { baseUrl: server.baseUrl });
const publicProfile = () => resolveProfile('oauth2', { baseUrl: server.baseUrl, clientAuth: 'none' });
const refresh = (record: TokenRecord) => ({ grant: 'refresh_token', refreshToken: record.refreshToken ?? '' }) as const;

describe('oauth2 preset against oauth2orize + passport', () => {
  it('after a refresh whose answer omits scope, shows the scope granted, not the wider one requested (item 2)', async () => {
    const first = unwrap(await requestToken(basicProfile(), signIn, confidential, { scope: 'read write admin' }, recordingDeps().deps)).record;

    const { record } = unwrap(await requestToken(basicProfile(), refresh(first), confidential, { scope: 'read write admin', previous: first }, recordingDeps().deps));

    expect(server.answers.at(-1)).not.toHaveProperty('scope');
    expect(first.grantedScope).toEqual(['read', 'write']);
    expect(effectiveScope(record)).toEqual(['read', 'write']);
    expect(record.requestedScope).toEqual(['read', 'write', 'admin']);
  });

  it('keeps the scope through several refreshes (item 2)', async () => {
    let current = unwrap(await requestToken(basicProfile(), signIn, confidential, { scope: 'read admin' }, recordingDeps().deps)).record;
    for (let i = 0; i < 3; i++) {
      current = unwrap(await requestToken(basicProfile(), refresh(current), confidential, { scope: 'read admin', previous: current }, recordingDeps().deps)).record;
    }
    expect(effectiveScope(current)).toEqual(['read']);
  });

  it('signs a public client in with its client_id in the body (item 1)', async () => {
    const outcome = unwrap(await requestToken(publicProfile(), signIn, { clientId: D.publicClientId }, {}, recordingDeps().deps));
    expect(outcome.record.refreshToken).not.toBeNull();
  });

  it('learns that it takes only raw Basic credentials (passport-http), after its bare 401', async () => {
    const { deps, fetched } = recordingDeps();
    const outcome = unwrap(await requestToken(basicProfile(), signIn, confidential, {}, deps));
    expect([outcome.basicEncoding, fetched.length]).toEqual(['raw', 2]);
  });

  it('reads its 401 "Unauthorized" for a wrong secret as a refusal of the client, leaking nothing', async () => {
    const error = failure(await requestToken(basicProfile(), signIn, { ...confidential, clientSecret: 'wr0ng:secret/&' }, { basicEncoding: 'raw' }, recordingDeps().deps));
    expect([error.code, error.kind, error.status]).toEqual(['invalid_client', 'rejected', 401]);
    expectNoSecrets(error, ['wr0ng:secret/&', D.password]);
  });
});
