// Specifies resolveProfile() (preset plus overrides), isLoopbackHost() and endpointFor() (URLs, https rule, refresh URL).

import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../../electron/core/providers/presets.js';
import type { ProfileOverrides } from '../../../../electron/core/providers/profile.js';
import { endpointFor, fillTemplate, isLoopbackHost, missingValue, resolveProfile } from '../../../../electron/core/providers/resolve-profile.js';
import { errorOf } from '../grants/support.js';

describe('resolveProfile()', () => {
  it('returns the preset as it is without overrides', () => {
    expect(resolveProfile('saasu')).toEqual(PRESETS['saasu']);
  });

  it('lays overrides over the preset', () => {
    expect(resolveProfile('oauth2', { baseUrl: 'https://a.example.com', method: 'GET', encoding: 'query' })).toMatchObject({
      id: 'oauth2',
      baseUrl: 'https://a.example.com',
      method: 'GET',
      encoding: 'query',
      clientAuth: 'basic',
    });
  });

  it('ignores overrides given as undefined', () => {
    expect(resolveProfile('axosoft', { defaultScope: undefined, method: undefined }).defaultScope).toBe('read');
  });

  it('keeps the preset id even when an override tries to change it', () => {
    expect(resolveProfile('axosoft', { id: 'other' } as ProfileOverrides).id).toBe('axosoft');
  });

  it('leaves the preset itself untouched', () => {
    resolveProfile('sugarcrm', { baseUrl: 'https://crm.example.com', extraParams: { platform: 'mobile' } });
    expect({ baseUrl: PRESETS['sugarcrm']?.baseUrl, extraParams: PRESETS['sugarcrm']?.extraParams }).toEqual({ baseUrl: '', extraParams: { platform: 'base' } });
  });

  it('refuses an unknown provider', () => {
    expect(errorOf(() => resolveProfile('nosuch')).code).toBe('invalid_config');
  });
});

describe('isLoopbackHost()', () => {
  it.each(['127.0.0.1', '127.0.0.53', '127.255.255.255', 'localhost', 'LOCALHOST', '[::1]', '::1'])('takes %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['128.0.0.1', '127.0.0.256', '127.0.0', '0.0.0.0', '10.0.0.1', 'localhost.example.com', 'example.com', '[::2]', '127.0.0.1.example.com'])(
    'does not take %s as loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});

describe('endpointFor()', () => {
  const profile = (overrides: ProfileOverrides) => resolveProfile('oauth2', overrides);

  it('fills {baseUrl} into the token URL, dropping trailing slashes', () => {
    expect(endpointFor(profile({ baseUrl: 'https://auth.example.com//' }), 'password').href).toBe('https://auth.example.com/token');
  });

  it('keeps a path in the base URL', () => {
    expect(endpointFor(profile({ baseUrl: 'https://example.com/sugar' }), 'password').href).toBe('https://example.com/sugar/token');
  });

  it('uses the refresh URL for refresh grants', () => {
    expect(endpointFor(profile({ baseUrl: 'https://a.example.com', refreshUrl: '{baseUrl}/refresh' }), 'refresh_token').href).toBe(
      'https://a.example.com/refresh',
    );
  });

  it('uses the token URL for refresh grants when there is no refresh URL', () => {
    expect(endpointFor(profile({ baseUrl: 'https://a.example.com' }), 'refresh_token').href).toBe('https://a.example.com/token');
  });

  it('accepts a full token URL that does not use {baseUrl}, even without a base URL', () => {
    expect(endpointFor(profile({ tokenUrl: 'https://login.example.com/oauth2/v2.0/token' }), 'client_credentials').href).toBe(
      'https://login.example.com/oauth2/v2.0/token',
    );
  });

  it('refuses a template over an empty base URL', () => {
    expect(errorOf(() => endpointFor(profile({ baseUrl: '  ' }), 'password')).code).toBe('invalid_config');
  });

  it('refuses plain http to a remote host', () => {
    expect(errorOf(() => endpointFor(profile({ baseUrl: 'http://auth.example.com' }), 'password')).code).toBe('insecure_url');
  });

  it('refuses plain http on the refresh URL too', () => {
    expect(
      errorOf(() => endpointFor(profile({ baseUrl: 'https://a.example.com', refreshUrl: 'http://b.example.com/refresh' }), 'refresh_token')).code,
    ).toBe('insecure_url');
  });

  it('accepts plain http to a remote host the account allows explicitly', () => {
    expect(endpointFor(profile({ baseUrl: 'http://auth.example.com', allowInsecureHttp: true }), 'password').protocol).toBe('http:');
  });

  it.each(['http://127.0.0.1:9999', 'http://localhost', 'http://[::1]:8080'])('accepts plain http on loopback %s', (base) => {
    expect(endpointFor(profile({ baseUrl: base }), 'password').protocol).toBe('http:');
  });

  it('never names the query of an invalid URL in its error', () => {
    expect(errorOf(() => endpointFor(profile({ tokenUrl: 'bad url?client_secret=s3cr3t' }), 'password')).message).not.toContain('s3cr3t');
  });
});

describe('URL placeholders of the presets', () => {
  it("fills Keycloak's issuer from its base URL and realm", () => {
    expect(resolveProfile('keycloak', { baseUrl: 'https://id.example.test/', urlParams: { realm: 'acme' } }).issuer).toBe('https://id.example.test/realms/acme');
  });

  it('keeps the issuer a template while a value is missing, and fillTemplate() names it', () => {
    const profile = resolveProfile('keycloak', { baseUrl: 'https://id.example.test' });
    expect([profile.issuer, fillTemplate(profile, profile.issuer ?? '')]).toEqual(['{baseUrl}/realms/{realm}', { ok: false, missing: 'realm' }]);
  });

  it('says which value is missing in the words of the form', () => {
    expect(missingValue(resolveProfile('keycloak'), 'realm')).toBe('Keycloak needs its realm.');
  });

  it("ends Auth0's issuer with a slash", () => {
    expect(resolveProfile('auth0', { baseUrl: 'https://dev-abc.us.auth0.com' }).issuer).toBe('https://dev-abc.us.auth0.com/');
  });

  it("fills Entra's tenant, consumers through its documented tenant id", () => {
    expect([resolveProfile('microsoft').issuer, resolveProfile('microsoft', { urlParams: { tenant: 'consumers' } }).issuer]).toEqual([
      'https://login.microsoftonline.com/common/v2.0',
      'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0',
    ]);
  });

  it("keeps the preset's other placeholder values when an account sets one", () => {
    expect(resolveProfile('okta', { baseUrl: 'https://dev-1.okta.com', urlParams: { authorizationServer: 'aus1' } }).issuer).toBe('https://dev-1.okta.com/oauth2/aus1');
  });

  it("fills GitHub's API URL into its userinfo endpoint", () => {
    expect(endpointFor(resolveProfile('github'), 'authorization_code').href).toBe('https://github.com/login/oauth/access_token');
    expect(fillTemplate(resolveProfile('github', { urlParams: { api: 'https://ghe.example.test/api/v3' } }), '{api}/user')).toEqual({ ok: true, url: 'https://ghe.example.test/api/v3/user' });
  });

  it('leaves a placeholder the profile does not know as it is (Entra metadata carries its own {tenantid})', () => {
    expect(fillTemplate(resolveProfile('microsoft'), 'https://login.microsoftonline.com/{tenantid}/v2.0')).toEqual({
      ok: true,
      url: 'https://login.microsoftonline.com/{tenantid}/v2.0',
    });
  });
});
