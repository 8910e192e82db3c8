// Specifies the lookups by a name someone else chose (issue 12, item 6): presets by id, token types, and the settings
// that would keep a secret in clear.
import { describe, expect, it } from 'vitest';
import { GrantError } from '../../../../electron/core/grants/grant-error.js';
import { processTokenResponse } from '../../../../electron/core/grants/token-response.js';
import { findPreset, PRESETS } from '../../../../electron/core/providers/presets.js';
import { resolveProfile } from '../../../../electron/core/providers/resolve-profile.js';
import { isSecretParam, secretInSettings } from '../../../../electron/core/providers/secret-params.js';

const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

describe('findPreset() and resolveProfile()', () => {
  it.each(INHERITED)('find no preset called %s (nothing inherited from Object)', (name) => {
    expect(findPreset(name)).toBeUndefined();
    expect(PRESETS[name]).toBeUndefined();
    expect(() => resolveProfile(name)).toThrow(GrantError);
  });

  it('find the presets themselves', () => {
    expect(findPreset('oauth2')?.id).toBe('oauth2');
    expect(resolveProfile('sugarcrm').tokenUrl).toBe('{baseUrl}/rest/v10/oauth2/token');
  });
});

describe('processTokenResponse() with a token_type named like an Object member', () => {
  it.each(INHERITED)('keeps "%s" as the text it is', (tokenType) => {
    const record = processTokenResponse(
      { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: 'at', token_type: tokenType }) },
      { now: 0, requestedScope: null },
    );
    expect(record.tokenType).toBe(tokenType);
  });
});

describe('secretInSettings()', () => {
  it.each([
    ['client_secret', true],
    ['clientSecret', true],
    ['api_key', false],
    ['apikey', false],
    ['password', false],
    ['refresh_token', false],
    ['private-key', false],
    ['client_assertion', false],
  ])('refuses the extra parameter %s (client secret: %s)', (name, clientSecret) => {
    expect(secretInSettings('oauth2', { extraParams: { [name]: 'x' } })).toEqual({ kind: 'param', name, clientSecret });
  });

  it.each(['platform', 'client_id', 'scope', 'grant_type', 'audience', 'resource'])('accepts the extra parameter %s', (name) => {
    expect(secretInSettings('sugarcrm', { extraParams: { [name]: 'x' } })).toBeNull();
  });

  it('knows the preset\'s own name for the client secret, and an override of it', () => {
    expect(isSecretParam('client_secret')).toBe(true);
    expect(secretInSettings('oauth2', { clientSecretParam: 'app_pw', extraParams: { app_pw: 'x' } })?.clientSecret).toBe(true);
  });

  it('refuses a secret-named query parameter or a user name and password in a URL setting', () => {
    expect(secretInSettings('oauth2', { tokenUrl: '{baseUrl}/token?client_secret=x' })).toEqual({ kind: 'url', name: 'client_secret', setting: 'tokenUrl', clientSecret: true });
    expect(secretInSettings('oauth2', { refreshUrl: 'https://a.example/r?access_token=x' })).toMatchObject({ kind: 'url', name: 'access_token', setting: 'refreshUrl' });
    expect(secretInSettings('oauth2', { baseUrl: 'https://u:p@a.example' })).toMatchObject({ kind: 'url', name: 'user info', setting: 'baseUrl' });
    expect(secretInSettings('oauth2', { tokenUrl: '{baseUrl}/token?tenant=acme', baseUrl: 'https://a.example' })).toBeNull();
  });
});
