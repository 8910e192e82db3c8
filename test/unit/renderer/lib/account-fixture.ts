// A plain AccountView for renderer unit tests, with any field overridden.
import type { AccountView } from '../../../../renderer/src/lib/types.js';

export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

export function accountView(overrides: Partial<AccountView> = {}): AccountView {
  return {
    name: 'work',
    provider: 'sugarcrm',
    providerLabel: 'SugarCRM',
    tokenUrl: 'https://crm.example.com/rest/v10/oauth2/token',
    clientId: 'sugar',
    hasClientSecret: false,
    settings: {
      baseUrl: 'https://crm.example.com',
      tokenUrl: '{baseUrl}/rest/v10/oauth2/token',
      method: 'POST',
      encoding: 'json',
      clientAuth: 'body',
      extraParams: { platform: 'base' },
      allowInsecureHttp: false,
    },
    requestedScope: null,
    grantedScope: null,
    state: { kind: 'valid', expiresAt: NOW + 3_600_000 },
    tokenType: 'Bearer',
    issuedAt: NOW - 60_000,
    expiresAt: NOW + 3_600_000,
    expirySource: 'expires_in',
    hasRefreshToken: true,
    refreshExpiresAt: null,
    identity: null,
    extraFields: [],
    signInFields: [],
    signInFlows: ['password'],
    endpoints: { issuer: null, authorization: null, deviceAuthorization: null, revocation: null, userinfo: null, jwks: null, redirect: null },
    discovery: null,
    createdAt: NOW - 86_400_000,
    ...overrides,
  };
}
