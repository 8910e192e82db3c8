// Specifies the built-in presets against the seed documents: method, encoding, client auth, grants, parameters.

import { describe, expect, it } from 'vitest';
import { applixure, axosoft, oauth2, oidc, PRESET_IDS, PRESETS, saasu, sugarcrm, teamserver } from '../../../../electron/core/providers/presets.js';
import type { ProviderProfile } from '../../../../electron/core/providers/profile.js';

const dialect = (p: ProviderProfile) => ({
  tokenUrl: p.tokenUrl,
  grants: p.grants,
  method: p.method,
  encoding: p.encoding,
  clientAuth: p.clientAuth,
  responseFormat: p.responseFormat,
});

describe('PRESETS', () => {
  it('holds the everyday services, the five documented systems, a standard endpoint and any OpenID Provider', () => {
    expect(PRESET_IDS).toEqual(['github', 'google', 'microsoft', 'gitlab', 'keycloak', 'auth0', 'okta', 'axosoft', 'sugarcrm', 'teamserver', 'saasu', 'applixure', 'oauth2', 'oidc']);
  });

  it('files every preset under its own id', () => {
    expect(Object.entries(PRESETS).every(([id, preset]) => preset.id === id)).toBe(true);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(PRESETS)).toBe(true);
  });

  it('refuses plain http by default in every preset', () => {
    expect(Object.values(PRESETS).filter((p) => p.allowInsecureHttp)).toEqual([]);
  });

  it('puts {baseUrl} in every token URL but those discovery fills in from an issuer', () => {
    const discovered = Object.values(PRESETS).filter((p) => !p.tokenUrl.startsWith('{baseUrl}/'));
    expect(discovered.map((p) => [p.id, p.tokenUrl, p.issuer !== undefined || p.id === 'oidc'])).toEqual(
      ['google', 'microsoft', 'gitlab', 'keycloak', 'auth0', 'okta', 'oidc'].map((id) => [id, '', true]),
    );
  });
});

describe('axosoft', () => {
  it('speaks a GET query with the client in the query, password grant only, answering JSON', () => {
    expect(dialect(axosoft)).toEqual({
      tokenUrl: '{baseUrl}/api/oauth2/token',
      grants: ['password'],
      method: 'GET',
      encoding: 'query',
      clientAuth: 'body',
      responseFormat: 'json',
    });
  });

  it('requests scope read by default', () => {
    expect({ scopeParam: axosoft.scopeParam, defaultScope: axosoft.defaultScope }).toEqual({ scopeParam: 'scope', defaultScope: 'read' });
  });

  it('asks for a username and a secret password at sign-in', () => {
    expect(axosoft.signInFields.map((f) => [f.name, f.param, f.secret])).toEqual([
      ['username', 'username', false],
      ['password', 'password', true],
    ]);
  });
});

describe('sugarcrm', () => {
  it('speaks POST JSON with the client in the body, password and refresh grants', () => {
    expect(dialect(sugarcrm)).toEqual({
      tokenUrl: '{baseUrl}/rest/v10/oauth2/token',
      grants: ['password', 'refresh_token'],
      method: 'POST',
      encoding: 'json',
      clientAuth: 'body',
      responseFormat: 'json',
    });
  });

  it("uses client sugar, sends an empty secret, platform base and no scope", () => {
    expect({
      defaultClientId: sugarcrm.defaultClientId,
      sendEmptySecret: sugarcrm.sendEmptySecret,
      extraParams: sugarcrm.extraParams,
      scopeParam: sugarcrm.scopeParam,
    }).toEqual({ defaultClientId: 'sugar', sendEmptySecret: true, extraParams: { platform: 'base' }, scopeParam: null });
  });
});

describe('teamserver', () => {
  it('speaks a GET query with the client in the query, password and refresh grants', () => {
    expect(dialect(teamserver)).toEqual({
      tokenUrl: '{baseUrl}/api/oauth/token',
      grants: ['password', 'refresh_token'],
      method: 'GET',
      encoding: 'query',
      clientAuth: 'body',
      responseFormat: 'json',
    });
  });

  it('sends no scope', () => {
    expect(teamserver.scopeParam).toBeNull();
  });
});

describe('saasu', () => {
  it('speaks POST JSON without client authentication and reads JSON or XML answers', () => {
    expect(dialect(saasu)).toEqual({
      tokenUrl: '{baseUrl}/authorisation/token',
      grants: ['password', 'refresh_token'],
      method: 'POST',
      encoding: 'json',
      clientAuth: 'none',
      responseFormat: 'auto',
    });
  });

  it('has its public base URL, the XML root of its document, and scope full by default', () => {
    expect({ baseUrl: saasu.baseUrl, xmlRoot: saasu.xmlRoot, defaultScope: saasu.defaultScope }).toEqual({
      baseUrl: 'https://api.saasu.com',
      xmlRoot: 'OAuthPasswordCredentialsGrantRequest',
      defaultScope: 'full',
    });
  });

  it('asks for an optional one-time code sent as verification_code', () => {
    expect(saasu.signInFields.find((f) => f.name === 'otp')).toMatchObject({ param: 'verification_code', required: false });
  });
});

describe('applixure', () => {
  it('speaks a POST form with HTTP Basic, client_credentials only (no refresh tokens)', () => {
    expect(dialect(applixure)).toEqual({
      tokenUrl: '{baseUrl}/oauth2/token',
      grants: ['client_credentials'],
      method: 'POST',
      encoding: 'form',
      clientAuth: 'basic',
      responseFormat: 'json',
    });
  });

  it('asks nothing at sign-in', () => {
    expect(applixure.signInFields).toEqual([]);
  });

  it('chooses no Basic credential form, so the account starts with RFC 6749 §2.3.1 form-encoding and may learn another', () => {
    expect(applixure.basicEncoding).toBeUndefined();
  });
});

describe('oauth2', () => {
  it('is a standard RFC 6749 endpoint: POST form, HTTP Basic, every grant (the browser and device ones once their endpoints are set)', () => {
    expect(dialect(oauth2)).toEqual({
      tokenUrl: '{baseUrl}/token',
      grants: ['password', 'client_credentials', 'refresh_token', 'authorization_code', 'device_code'],
      method: 'POST',
      encoding: 'form',
      clientAuth: 'basic',
      responseFormat: 'json',
    });
  });

  it('does not send scope on refresh by default (RFC 6749 §6: optional)', () => {
    expect(oauth2.scopeOnRefresh).toBe(false);
  });
});

describe('oidc', () => {
  it('is a public native client (RFC 8252 §8.4) of any OpenID Provider: browser, device code and refresh, endpoints from discovery', () => {
    expect({ ...dialect(oidc), signInFields: oidc.signInFields, authorizationUrl: oidc.authorizationUrl }).toEqual({
      tokenUrl: '',
      grants: ['authorization_code', 'device_code', 'refresh_token'],
      method: 'POST',
      encoding: 'form',
      clientAuth: 'none',
      responseFormat: 'json',
      signInFields: [],
      authorizationUrl: undefined,
    });
  });

  it('asks for an ID token and a refresh token by default (openid, offline_access)', () => {
    expect(oidc.defaultScope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'offline_access']));
  });
});
