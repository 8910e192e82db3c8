// Specifies what discovered metadata means for an account's profile: endpoints, grants, iss, OpenID.
import { describe, expect, it } from 'vitest';
import type { ServerMetadata } from '../../../../electron/core/grants/discovery.js';
import { discoveredSettings } from '../../../../electron/core/providers/discovered-profile.js';
import { resolveAccountProfile } from '../../../../electron/core/providers/resolve-profile.js';

const metadata = (patch: Partial<ServerMetadata> = {}): ServerMetadata => ({
  issuer: 'https://id.example.test',
  source: 'openid-configuration',
  fetchedAt: 0,
  authorizationEndpoint: 'https://id.example.test/auth',
  tokenEndpoint: 'https://id.example.test/token',
  deviceAuthorizationEndpoint: 'https://id.example.test/device',
  revocationEndpoint: 'https://id.example.test/revoke',
  userinfoEndpoint: 'https://id.example.test/me',
  jwksUri: 'https://id.example.test/jwks',
  grantTypesSupported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
  responseTypesSupported: ['code'],
  codeChallengeMethodsSupported: ['S256'],
  tokenEndpointAuthMethodsSupported: ['none'],
  scopesSupported: ['openid'],
  authorizationResponseIssParameterSupported: true,
  ...patch,
});

describe('discoveredSettings()', () => {
  it('fills in the endpoints, the issuer, RFC 9207 and OpenID', () => {
    expect(discoveredSettings(metadata(), { grants: ['authorization_code', 'device_code', 'refresh_token'] })).toEqual({
      issuer: 'https://id.example.test',
      grants: ['authorization_code', 'device_code', 'refresh_token'],
      authorizationResponseIss: true,
      openid: true,
      tokenUrl: 'https://id.example.test/token',
      authorizationUrl: 'https://id.example.test/auth',
      deviceAuthorizationUrl: 'https://id.example.test/device',
      revocationUrl: 'https://id.example.test/revoke',
      userinfoUrl: 'https://id.example.test/me',
      jwksUri: 'https://id.example.test/jwks',
    });
  });

  it('keeps of the preset\'s grants those the server lists and has an endpoint for (refresh always)', () => {
    const m = metadata({ deviceAuthorizationEndpoint: null, grantTypesSupported: ['authorization_code', 'client_credentials'] });
    expect(discoveredSettings(m, { grants: ['password', 'client_credentials', 'refresh_token', 'authorization_code', 'device_code'] }).grants).toEqual([
      'client_credentials',
      'refresh_token',
      'authorization_code',
    ]);
  });

  it('takes RFC 8414 §2\'s default (authorization_code) when the server lists no grant types and no device endpoint', () => {
    expect(
      discoveredSettings(metadata({ grantTypesSupported: null, deviceAuthorizationEndpoint: null }), { grants: ['authorization_code', 'device_code', 'refresh_token'] }).grants,
    ).toEqual(['authorization_code', 'refresh_token']);
  });

  it('takes a device authorization endpoint as the device grant when the server lists no grant types (Entra, RFC 8628 §4)', () => {
    expect(discoveredSettings(metadata({ grantTypesSupported: null }), { grants: ['authorization_code', 'device_code', 'refresh_token'] }).grants).toEqual([
      'authorization_code',
      'device_code',
      'refresh_token',
    ]);
  });
});

describe('resolveAccountProfile()', () => {
  it('lays the account\'s own settings over what was discovered', () => {
    const profile = resolveAccountProfile('oidc', metadata(), { tokenUrl: 'https://proxy.example.test/token' });
    expect([profile.tokenUrl, profile.authorizationUrl]).toEqual(['https://proxy.example.test/token', 'https://id.example.test/auth']);
  });
});

describe('discoveredSettings() for presets that document more than their metadata says', () => {
  it("keeps the issuer asked for where the metadata names Entra's template", () => {
    const settings = discoveredSettings(metadata({ issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }), {
      grants: ['authorization_code', 'refresh_token'],
      tenantIssuer: { placeholder: '{tenantid}', claim: 'tid' },
    });
    expect(settings.issuer).toBeUndefined();
  });

  it("keeps the device grant of a preset that names its device endpoint (GitLab's), whatever the metadata lists", () => {
    const settings = discoveredSettings(metadata({ deviceAuthorizationEndpoint: null, grantTypesSupported: ['authorization_code', 'refresh_token'] }), {
      grants: ['authorization_code', 'device_code', 'refresh_token'],
      deviceAuthorizationUrl: '{baseUrl}/oauth/authorize_device',
    });
    expect(settings.grants).toEqual(['authorization_code', 'device_code', 'refresh_token']);
  });
});
