// Specifies the everyday services' presets against their providers' documentation (docs/technical/provider-presets.md).
import { describe, expect, it } from 'vitest';
import { profileOverridesSchema } from '../../../../electron/core/providers/profile-schema.js';
import { resolveProfile } from '../../../../electron/core/providers/resolve-profile.js';
import { auth0, github, gitlab, google, keycloak, microsoft, okta } from '../../../../electron/core/providers/service-presets.js';

describe('the everyday services', () => {
  it('each sign in with the browser and with a code, and renew with a refresh token', () => {
    expect([github, google, microsoft, gitlab, keycloak, auth0, okta].map((p) => [p.id, p.grants])).toEqual(
      ['github', 'google', 'microsoft', 'gitlab', 'keycloak', 'auth0', 'okta'].map((id) => [id, ['authorization_code', 'device_code', 'refresh_token']]),
    );
  });

  it('each say where a person registers a client', () => {
    expect([github, google, microsoft, gitlab, keycloak, auth0, okta].filter((p) => !(p.registerUrl ?? '').startsWith('https://')).map((p) => p.id)).toEqual([]);
  });

  it('are valid overrides of themselves: every field stays overridable per account', () => {
    for (const preset of [github, google, microsoft, gitlab, keycloak, auth0, okta]) {
      const { id: _id, baseUrlField: _b, urlParamFields: _u, registerUrl: _r, clientSecret: _c, keywords: _k, tokenUrl, ...rest } = preset;
      // An empty token URL is the discovered one: an account cannot set it empty, only to another URL.
      const overridable = tokenUrl === '' ? rest : { ...rest, tokenUrl };
      expect(profileOverridesSchema.safeParse(overridable).error?.issues[0], preset.id).toBeUndefined();
    }
  });
});

describe('github', () => {
  it('speaks to /login/oauth/ and /login/device/code with the client as parameters, asking for JSON', () => {
    const p = resolveProfile('github');
    expect([p.tokenUrl, p.authorizationUrl, p.deviceAuthorizationUrl, p.clientAuth, p.responseFormat, p.issuer]).toEqual([
      '{baseUrl}/login/oauth/access_token',
      '{baseUrl}/login/oauth/authorize',
      '{baseUrl}/login/device/code',
      'body',
      'json',
      undefined,
    ]);
  });

  it('reads who signed in from GET {api}/user (login), there being no ID token', () => {
    expect([github.userinfoUrl, github.urlParams, github.userinfoIdentity?.name]).toEqual(['{api}/user', { api: 'https://api.github.com' }, 'login']);
  });
});

describe('google', () => {
  it('asks for a refresh token with access_type=offline and prompt=consent, not offline_access', () => {
    expect([google.authorizationParams, google.defaultScope?.includes('offline_access')]).toEqual([{ access_type: 'offline', prompt: 'consent' }, false]);
  });

  it('needs the client secret of its desktop clients and accepts an issuer without https://', () => {
    expect([google.clientSecret, google.issuerWithoutScheme]).toEqual(['required', true]);
  });
});

describe('microsoft', () => {
  it("asks for offline_access without prompt=consent, sends scope on refresh, redirects to localhost, validates Entra's tenant issuer", () => {
    expect([microsoft.defaultScope, microsoft.offlineAccessPrompt, microsoft.scopeOnRefresh, microsoft.redirectHost, microsoft.tenantIssuer]).toEqual([
      'openid profile email offline_access',
      false,
      true,
      'localhost',
      { placeholder: '{tenantid}', claim: 'tid' },
    ]);
  });
});

describe('the discovery-based presets', () => {
  it('ask only for what differs: GitLab its URL (gitlab.com by default), Keycloak URL and realm, Auth0 its domain, Okta its org', () => {
    expect([gitlab, keycloak, auth0, okta].map((p) => [p.id, p.baseUrl, p.issuer, (p.urlParamFields ?? []).map((f) => f.name)])).toEqual([
      ['gitlab', 'https://gitlab.com', '{baseUrl}', []],
      ['keycloak', '', '{baseUrl}/realms/{realm}', ['realm']],
      ['auth0', '', '{baseUrl}/', []],
      ['okta', '', '{baseUrl}/oauth2/{authorizationServer}', ['authorizationServer']],
    ]);
  });
});
