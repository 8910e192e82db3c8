// Specifies the browser flow's authorization request: RFC 7636 PKCE S256, fresh state and nonce, the URL's parameters.
import { describe, expect, it } from 'vitest';
import { buildAuthorizationUrl, createAuthorizationRequest, pkceChallenge, randomVerifier } from '../../../../electron/core/grants/authorization-request.js';
import { GrantError } from '../../../../electron/core/grants/grant-error.js';

const endpoint = new URL('https://id.example.test/authorize');
const base = {
  endpoint,
  clientId: 'native-app',
  redirectUri: 'http://127.0.0.1:49152/callback',
  scope: ['openid', 'email'],
  state: 'state-1',
  codeChallenge: 'challenge-1',
  nonce: 'nonce-1',
  openid: true,
} as const;

const params = (url: string): Record<string, string> => Object.fromEntries(new URL(url).searchParams);

describe('pkceChallenge()', () => {
  it('is BASE64URL(SHA256(verifier)): the example of RFC 7636 Appendix B', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('refuses a verifier shorter than 43 characters (RFC 7636 §4.1)', () => {
    expect(() => pkceChallenge('too-short')).toThrow(GrantError);
  });

  it('makes 43-character verifiers of unreserved characters from 32 random bytes', () => {
    expect(randomVerifier()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('buildAuthorizationUrl()', () => {
  it('asks for a code with the client, redirect, scope, state, S256 challenge and nonce', () => {
    expect(params(buildAuthorizationUrl({ ...base, openid: false }))).toEqual({
      response_type: 'code',
      client_id: 'native-app',
      redirect_uri: 'http://127.0.0.1:49152/callback',
      scope: 'openid email',
      state: 'state-1',
      code_challenge: 'challenge-1',
      code_challenge_method: 'S256',
      nonce: 'nonce-1',
    });
  });

  it('adds prompt=consent for offline_access at an OpenID Provider (OIDC Core §11)', () => {
    expect(params(buildAuthorizationUrl({ ...base, scope: ['openid', 'offline_access'] }))['prompt']).toBe('consent');
  });

  it('adds no prompt for offline_access at a plain OAuth server', () => {
    expect(params(buildAuthorizationUrl({ ...base, scope: ['offline_access'], openid: false }))['prompt']).toBeUndefined();
  });

  it("lets the provider's own prompt stand (Google's prompt=select_account)", () => {
    const url = buildAuthorizationUrl({ ...base, scope: ['openid', 'offline_access'], extraParams: { prompt: 'select_account', access_type: 'offline' } });
    expect([params(url)['prompt'], params(url)['access_type']]).toEqual(['select_account', 'offline']);
  });

  it('never lets extra parameters replace the state, the challenge or the redirect', () => {
    const url = buildAuthorizationUrl({ ...base, extraParams: { state: 'evil', code_challenge: 'evil', redirect_uri: 'https://evil.example.test/' } });
    expect([params(url)['state'], params(url)['code_challenge'], params(url)['redirect_uri']]).toEqual(['state-1', 'challenge-1', base.redirectUri]);
  });

  it("keeps a query the endpoint has (RFC 6749 §3.1), replacing only what it sets", () => {
    const url = buildAuthorizationUrl({ ...base, endpoint: new URL('https://id.example.test/authorize?tenant=t1&state=stale') });
    expect([params(url)['tenant'], params(url)['state']]).toEqual(['t1', 'state-1']);
  });

  it('sends no nonce when none is asked for, and no scope when it is empty', () => {
    const p = params(buildAuthorizationUrl({ ...base, nonce: null, scope: [] }));
    expect(['nonce' in p, 'scope' in p]).toEqual([false, false]);
  });

  it('refuses an empty client id with invalid_config', () => {
    expect(() => buildAuthorizationUrl({ ...base, clientId: '' })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});

describe('createAuthorizationRequest()', () => {
  it('keeps the verifier whose challenge the URL carries, and a state and nonce of its own', () => {
    const request = createAuthorizationRequest({ endpoint, clientId: 'c', redirectUri: base.redirectUri, scope: ['openid'], openid: true, withNonce: true });
    const p = params(request.url);
    expect([p['code_challenge'], p['state'], p['nonce']]).toEqual([pkceChallenge(request.codeVerifier), request.state, request.nonce]);
  });

  it('is different every time', () => {
    const input = { endpoint, clientId: 'c', redirectUri: base.redirectUri, scope: ['openid'], openid: true, withNonce: true };
    const [a, b] = [createAuthorizationRequest(input), createAuthorizationRequest(input)];
    expect([a.state === b.state, a.nonce === b.nonce, a.codeVerifier === b.codeVerifier]).toEqual([false, false, false]);
  });
});

describe('buildAuthorizationUrl() and offline_access', () => {
  const scope = ['openid', 'offline_access'];

  it('adds prompt=consent for offline_access at an OpenID Provider (OIDC Core §11)', () => {
    expect(params(buildAuthorizationUrl({ ...base, scope }))['prompt']).toBe('consent');
  });

  it('does not where the provider documents a refresh token for the scope alone (Entra, Okta, Auth0)', () => {
    expect(params(buildAuthorizationUrl({ ...base, scope, consentForOffline: false }))['prompt']).toBeUndefined();
  });
});


describe('pkceChallenge(): what it refuses', () => {
  const good = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

  it.each([
    ['a character that is not unreserved before 43 good ones', `!${good}`],
    ['a character that is not unreserved after 43 good ones', `${good}!`],
    ['more than 128 characters', 'a'.repeat(129)],
  ])('refuses %s with invalid_config (RFC 7636 §4.1)', (_what, verifier) => {
    expect(() => pkceChallenge(verifier)).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('says what a verifier must be', () => {
    expect(() => pkceChallenge('too-short')).toThrow(/43 to 128 unreserved characters/);
  });
});

describe('buildAuthorizationUrl(): scope, prompt and messages', () => {
  it('sends no scope when there is none', () => {
    expect('scope' in params(buildAuthorizationUrl({ ...base, scope: null }))).toBe(false);
  });

  it("adds prompt=consent for offline_access though the provider's extras set other parameters", () => {
    const url = buildAuthorizationUrl({ ...base, scope: ['openid', 'offline_access'], extraParams: { access_type: 'offline' } });
    expect([params(url)['prompt'], params(url)['access_type']]).toEqual(['consent', 'offline']);
  });

  it('says that the client id is missing', () => {
    expect(() => buildAuthorizationUrl({ ...base, clientId: '' })).toThrow(/needs a client id/);
  });
});
