// The built-in provider presets: the services people sign in to every day (service-presets.ts), the five documented
// password and client dialects, a standard RFC 6749 endpoint, and any OpenID Provider or RFC 8414 server from its issuer.

import type { ProviderProfile, SignInField } from './profile.js';
import { auth0, github, gitlab, google, keycloak, microsoft, okta } from './service-presets.js';

export { auth0, github, gitlab, google, keycloak, microsoft, okta };

const USERNAME: SignInField = { name: 'username', label: 'Username', param: 'username', required: true, secret: false };
const PASSWORD: SignInField = { name: 'password', label: 'Password', param: 'password', required: true, secret: true };

const COMMON = {
  baseUrl: '',
  xmlRoot: 'TokenRequest',
  clientIdParam: 'client_id',
  clientSecretParam: 'client_secret',
  sendEmptySecret: false,
  extraParams: {},
  scopeParam: 'scope',
  scopeOnRefresh: false,
  responseFormat: 'json',
  allowInsecureHttp: false,
} as const satisfies Partial<ProviderProfile>;

/** Axosoft: password grant as a GET query, client credentials in the query, no expires_in. */
export const axosoft: ProviderProfile = {
  ...COMMON,
  id: 'axosoft',
  label: 'Axosoft',
  tokenUrl: '{baseUrl}/api/oauth2/token',
  grants: ['password'],
  method: 'GET',
  encoding: 'query',
  clientAuth: 'body',
  signInFields: [USERNAME, PASSWORD],
  defaultScope: 'read',
};

/** SugarCRM REST v10: POST JSON with a `platform`, client `sugar` and an empty secret by default. */
export const sugarcrm: ProviderProfile = {
  ...COMMON,
  id: 'sugarcrm',
  label: 'SugarCRM',
  tokenUrl: '{baseUrl}/rest/v10/oauth2/token',
  grants: ['password', 'refresh_token'],
  method: 'POST',
  encoding: 'json',
  clientAuth: 'body',
  sendEmptySecret: true,
  defaultClientId: 'sugar',
  extraParams: { platform: 'base' },
  extraParamChoices: [{ name: 'platform', label: 'Platform', options: ['base', 'mobile', 'portal'] }],
  signInFields: [USERNAME, PASSWORD],
  scopeParam: null,
};

/** ER/Studio Team Server: password and refresh grants as a GET query. */
export const teamserver: ProviderProfile = {
  ...COMMON,
  id: 'teamserver',
  label: 'ER/Studio Team Server',
  tokenUrl: '{baseUrl}/api/oauth/token',
  grants: ['password', 'refresh_token'],
  method: 'GET',
  encoding: 'query',
  clientAuth: 'body',
  signInFields: [USERNAME, PASSWORD],
  scopeParam: null,
};

/** Saasu: POST JSON (or XML), no client authentication, optional one-time code, JSON or XML answers. */
export const saasu: ProviderProfile = {
  ...COMMON,
  id: 'saasu',
  label: 'Saasu',
  baseUrl: 'https://api.saasu.com',
  tokenUrl: '{baseUrl}/authorisation/token',
  grants: ['password', 'refresh_token'],
  method: 'POST',
  encoding: 'json',
  xmlRoot: 'OAuthPasswordCredentialsGrantRequest',
  clientAuth: 'none',
  signInFields: [
    USERNAME,
    PASSWORD,
    { name: 'otp', label: 'Verification code', param: 'verification_code', required: false, secret: false },
  ],
  defaultScope: 'full',
  responseFormat: 'auto',
};

/** Applixure: client_credentials as a POST form with HTTP Basic; no refresh token ever. */
export const applixure: ProviderProfile = {
  ...COMMON,
  id: 'applixure',
  label: 'Applixure',
  tokenUrl: '{baseUrl}/oauth2/token',
  grants: ['client_credentials'],
  method: 'POST',
  encoding: 'form',
  clientAuth: 'basic',
  signInFields: [],
};

/**
 * A standard RFC 6749 token endpoint (§3.2: POST form; §2.3.1: HTTP Basic). The browser and device
 * flows are offered once the account names their endpoints (`authorizationUrl`,
 * `deviceAuthorizationUrl`) or an issuer to discover them from.
 */
export const oauth2: ProviderProfile = {
  ...COMMON,
  id: 'oauth2',
  label: 'OAuth 2.0 (RFC 6749)',
  tokenUrl: '{baseUrl}/token',
  grants: ['password', 'client_credentials', 'refresh_token', 'authorization_code', 'device_code'],
  method: 'POST',
  encoding: 'form',
  clientAuth: 'basic',
  signInFields: [USERNAME, PASSWORD],
};

/**
 * Any OpenID Provider, or any RFC 8414 authorization server, from its issuer alone: every endpoint
 * comes from discovery. A native app is a public client (RFC 8252 §8.4): no client secret, PKCE.
 * OpenID's `offline_access` asks for a refresh token (OIDC Core §11; sent with `prompt=consent`).
 */
export const oidc: ProviderProfile = {
  ...COMMON,
  id: 'oidc',
  label: 'OpenID Connect (any OpenID Provider or RFC 8414 server)',
  tokenUrl: '',
  grants: ['authorization_code', 'device_code', 'refresh_token'],
  method: 'POST',
  encoding: 'form',
  clientAuth: 'none',
  signInFields: [],
  defaultScope: 'openid profile email offline_access',
};

/**
 * The presets by id, in the order the picker shows them. Without a prototype, so that no id
 * ("constructor", "__proto__") finds Object's members; look one up with findPreset.
 */
export const PRESETS: Readonly<Record<string, ProviderProfile>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, ProviderProfile>, { github, google, microsoft, gitlab, keycloak, auth0, okta, axosoft, sugarcrm, teamserver, saasu, applixure, oauth2, oidc }),
);

/** The preset called `id`, or undefined: only the presets' own ids, never an inherited name. */
export function findPreset(id: string): ProviderProfile | undefined {
  return Object.hasOwn(PRESETS, id) ? PRESETS[id] : undefined;
}

export const PRESET_IDS = Object.keys(PRESETS) as readonly string[];
