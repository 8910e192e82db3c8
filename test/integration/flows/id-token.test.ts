// ID token validation (OIDC Core §3.1.3.7) and the redirect's issuer (RFC 9207) in a real browser sign-in
// against a fake OpenID Provider whose tokens jose signs with one defect each: the sign-in is refused, nothing is stored.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readTokenRecord, tokenEntry, VAULT_SERVICE } from '../../../electron/core/accounts/account-store.js';
import { FAKE_CLIENT_ID, startFakeOpenIdProvider, type FakeKnobs, type FakeOpenIdProviderHandle } from '../../fixtures/fake-openid-provider.js';
import { failure, openTestService, value, type OpenedService } from './support.js';

let op: FakeOpenIdProviderHandle;
let opened: OpenedService;
/** Status of Tokenry's loopback page after the redirect. */
let landed: Promise<number>;

beforeAll(async () => {
  op = await startFakeOpenIdProvider();
});
afterAll(async () => op?.close());

beforeEach(async () => {
  for (const key of Object.keys(op.knobs)) delete op.knobs[key as keyof FakeKnobs];
  let resolveLanded!: (status: number) => void;
  landed = new Promise((resolve) => (resolveLanded = resolve));
  // The "browser": follows the provider's immediate redirect back to Tokenry's listener.
  opened = await openTestService({ openExternal: async (url) => resolveLanded(await op.follow(url)) });
  value(await opened.service.addAccount({ name: 'fake', provider: 'oidc', overrides: { issuer: op.issuer }, clientId: FAKE_CLIENT_ID }));
});
afterEach(async () => opened?.close());

async function signIn(knobs: FakeKnobs) {
  Object.assign(op.knobs, knobs);
  const result = await opened.service.signIn('fake', { flow: 'browser' });
  const stored = readTokenRecord(await opened.vault.getPassword(VAULT_SERVICE, tokenEntry('fake')));
  return { result, stored: stored.kind, page: await landed };
}

describe('a browser sign-in whose ID token or redirect cannot be trusted', () => {
  it('signs in when the ID token is right, and takes the identity from it', async () => {
    const { result, stored } = await signIn({});
    expect([value(result).identity, stored]).toEqual([{ id: 'fake-user', name: null, email: 'fake@example.test' }, 'ok']);
  });

  it.each([
    ['issued for another client (aud)', { idTokenClaims: { aud: 'someone-else' } }, /another client/],
    ['with another nonce', { idTokenClaims: { nonce: 'not-the-nonce' } }, /nonce/],
    ['without its nonce', { idTokenClaims: { nonce: undefined } }, /nonce/],
    ['signed with a key not in the JWKS', { foreignKey: true }, /signature/],
    ['from another issuer', { idTokenClaims: { iss: 'https://evil.example.test' } }, /another issuer/],
    ['expired', { idTokenClaims: { exp: Math.floor(Date.now() / 1000) - 3600 } }, /expired/],
    ['naming another authorized party (azp)', { idTokenClaims: { azp: 'someone-else' } }, /azp/],
    ['missing where openid was asked for', { noIdToken: true }, /no ID token/],
  ] satisfies Array<[string, FakeKnobs, RegExp]>)('refuses an ID token %s with id_token_invalid and stores nothing', async (_what, knobs, said) => {
    const { result, stored } = await signIn(knobs);
    const error = failure(result);
    expect([error.code, error.kind, stored]).toEqual(['id_token_invalid', 'bad_response', 'none']);
    expect(error.message).toMatch(said);
  });

  it('refuses a redirect from another issuer (RFC 9207 §2.4) and stores nothing', async () => {
    const { result, stored, page } = await signIn({ redirectIss: 'wrong' });
    expect([failure(result).code, stored, page]).toEqual(['issuer_mismatch', 'none', 400]);
  });

  it('refuses a redirect without iss from a server that says it always sends one', async () => {
    const { result } = await signIn({ redirectIss: 'none', issSupported: true });
    expect(failure(result).code).toBe('issuer_mismatch');
  });

  it('accepts a redirect without iss from a server that does not send one', async () => {
    // Discovered again: the server now says it does not send iss.
    op.knobs.issSupported = false;
    value(await opened.service.rediscover('fake'));
    const { result } = await signIn({ redirectIss: 'none' });
    expect(value(result).state.kind).toBe('valid');
  });
});

describe('an account whose issuer changes', () => {
  it('takes the new issuer\'s metadata, never the old endpoints under the new name', async () => {
    const other = await startFakeOpenIdProvider();
    try {
      const view = value(await opened.service.updateAccount('fake', { overrides: { issuer: other.issuer } }));
      expect([view.discovery?.issuer, view.endpoints.authorization]).toEqual([other.issuer, `${other.issuer}/authorize`]);
    } finally {
      await other.close();
    }
  });
});

describe('a revocation that fails', () => {
  it('is a warning: the tokens are forgotten here all the same', async () => {
    value((await signIn({})).result);
    op.knobs.revocation = 'unavailable';
    const outcome = value(await opened.service.logout('fake'));
    expect(outcome.revocation).toBe('failed');
    expect(outcome.warning).toMatch(/was not revoked at the provider .*stays valid there until it expires/);
    expect(readTokenRecord(await opened.vault.getPassword(VAULT_SERVICE, tokenEntry('fake'))).kind).toBe('none');
    expect(value(opened.service.account('fake')).state.kind).toBe('signed_out');
  });
});
