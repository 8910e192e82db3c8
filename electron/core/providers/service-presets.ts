// Presets for the services developers sign in to every day: each one's documented deviations from the RFCs, as data.
// Every quirk names the page it comes from; docs/technical/provider-presets.md lists them all.

import type { ProviderProfile } from './profile.js';

/** What every interactive preset shares: a form-encoded POST token endpoint (RFC 6749 §3.2), JSON answers, no password. */
const INTERACTIVE = {
  baseUrl: '',
  tokenUrl: '',
  xmlRoot: 'TokenRequest',
  clientIdParam: 'client_id',
  clientSecretParam: 'client_secret',
  sendEmptySecret: false,
  extraParams: {},
  signInFields: [],
  scopeParam: 'scope',
  scopeOnRefresh: false,
  responseFormat: 'json',
  allowInsecureHttp: false,
  method: 'POST',
  encoding: 'form',
  grants: ['authorization_code', 'device_code', 'refresh_token'],
} as const satisfies Partial<ProviderProfile>;

/**
 * GitHub: OAuth apps and GitHub Apps (user access tokens). No discovery and no ID token.
 *
 * - Authorize `GET {baseUrl}/login/oauth/authorize`, token `POST {baseUrl}/login/oauth/access_token`, device
 *   `POST {baseUrl}/login/device/code`; the token answer is form-encoded unless `Accept: application/json` asks for
 *   JSON (responseFormat json sends that header); loopback redirects may use any port; GitHub's own error codes
 *   (`incorrect_client_credentials`, `bad_verification_code`, `incorrect_device_code`, `device_flow_disabled`…);
 *   the granted scope is comma-separated (`repo,gist`); PKCE S256 accepted:
 *   https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 * - Device flow polls are answered "with a 200 status and an `error`", and the expiry error is named both
 *   `expired_token` and `token_expired` there:
 *   https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app
 * - Token request errors: https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 * - GitHub App user tokens: `expires_in` 28800, a `refresh_token` good once, `refresh_token_expires_in`; the client
 *   secret is required on refresh "unless the user access token was generated using the device flow":
 *   https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
 *   (OAuth-app tokens state no expiry: `assumeLifetimeSeconds` may say how long to assume.)
 * - Identity: `GET https://api.github.com/user` (`login`), https://docs.github.com/en/rest/users/users#get-the-authenticated-user
 * - A refused refresh token is answered `bad_refresh_token`: not on GitHub's pages (observed behaviour), read as invalid_grant.
 * - No RFC 7009 revocation endpoint (GitHub revokes through its REST API with the client secret): logout only forgets.
 */
export const github: ProviderProfile = {
  ...INTERACTIVE,
  id: 'github',
  label: 'GitHub',
  baseUrl: 'https://github.com',
  tokenUrl: '{baseUrl}/login/oauth/access_token',
  authorizationUrl: '{baseUrl}/login/oauth/authorize',
  deviceAuthorizationUrl: '{baseUrl}/login/device/code',
  // client_id and client_secret are request parameters in every one of GitHub's examples.
  clientAuth: 'body',
  defaultScope: 'read:user',
  urlParams: { api: 'https://api.github.com' },
  userinfoUrl: '{api}/user',
  userinfoIdentity: { id: 'id', name: 'login', email: 'email', headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' } },
  scopeSeparator: ',',
  errorCodes: {
    incorrect_client_credentials: 'invalid_client',
    redirect_uri_mismatch: 'invalid_grant',
    bad_verification_code: 'invalid_grant',
    unverified_user_email: 'access_denied',
    incorrect_device_code: 'invalid_grant',
    device_flow_disabled: 'unauthorized_client',
    token_expired: 'expired_token',
    bad_refresh_token: 'invalid_grant',
  },
  urlParamFields: [
    {
      name: 'api',
      label: 'API URL',
      hint: 'Where the person is looked up: https://api.github.com, or https://HOSTNAME/api/v3 on GitHub Enterprise Server.',
      advanced: true,
    },
  ],
  registerUrl: 'https://github.com/settings/developers',
  clientSecret: 'optional',
  keywords: ['git', 'github app', 'oauth app', 'enterprise', 'ghes'],
};

/**
 * Google, from its issuer `https://accounts.google.com` (discovery lists authorization, token, device, revocation,
 * userinfo and JWKS endpoints; an ID token's `iss` is `https://accounts.google.com` or `accounts.google.com`):
 *   https://developers.google.com/identity/openid-connect/openid-connect
 *   https://developers.google.com/identity/openid-connect/reference
 * - Desktop clients exchange the code with their client secret; loopback redirect on any port:
 *   https://developers.google.com/identity/protocols/oauth2/native-app
 * - A refresh token comes with `access_type=offline`; `prompt=consent` asks again so that a new one comes on every
 *   sign-in (not the `offline_access` scope); refresh answers carry no new refresh token; revocation at the
 *   revocation endpoint: https://developers.google.com/identity/protocols/oauth2/web-server
 * - The device flow answers `verification_url` where RFC 8628 says `verification_uri`, and polls with the secret:
 *   https://developers.google.com/identity/protocols/oauth2/limited-input-device
 */
export const google: ProviderProfile = {
  ...INTERACTIVE,
  id: 'google',
  label: 'Google',
  baseUrl: 'https://accounts.google.com',
  issuer: '{baseUrl}',
  clientAuth: 'body',
  defaultScope: 'openid email profile',
  authorizationParams: { access_type: 'offline', prompt: 'consent' },
  issuerWithoutScheme: true,
  registerUrl: 'https://console.cloud.google.com/apis/credentials',
  clientSecret: 'required',
  keywords: ['gmail', 'workspace', 'google cloud', 'gcp'],
};

/** Entra's documented name for the tenant of personal Microsoft accounts. */
export const MICROSOFT_CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/**
 * Microsoft identity platform (Entra ID) v2.0.
 * - Issuer `https://login.microsoftonline.com/{tenant}/v2.0` with tenant common, organizations, consumers (the
 *   tenant 9188040d-…) or a tenant id; the multi-tenant metadata's issuer holds `{tenantid}`, which a token's `tid`
 *   replaces, and each signing key names the issuer it may sign for:
 *   https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-the-issuer
 * - Authorization code flow: `http://localhost` redirects for apps that use the system browser; public clients send
 *   no secret; `offline_access` brings a refresh token; the refresh token answer carries a new refresh token to
 *   replace the old; `scope` may be sent on refresh (the docs make it optional: it is sent, so that the token is for
 *   the same resource); errors carry `AADSTS…` codes in `error_description`:
 *   https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
 * - Device flow: a `message` for the person, no `verification_uri_complete`, and `authorization_declined` /
 *   `bad_verification_code` where RFC 8628 says `access_denied` / (none):
 *   https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code
 * - `ext_expires_in` is kept with the token's other fields; access tokens for other APIs are never validated by
 *   the client: https://learn.microsoft.com/en-us/entra/identity-platform/claims-validation
 * - Refresh tokens "replace themselves with a fresh token upon every use":
 *   https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens
 * - No RFC 7009 revocation endpoint: logout only forgets.
 */
export const microsoft: ProviderProfile = {
  ...INTERACTIVE,
  id: 'microsoft',
  label: 'Microsoft (Entra ID)',
  baseUrl: 'https://login.microsoftonline.com',
  issuer: '{baseUrl}/{tenant}/v2.0',
  clientAuth: 'none',
  defaultScope: 'openid profile email offline_access',
  scopeOnRefresh: true,
  urlParams: { tenant: 'common' },
  urlParamFields: [
    {
      name: 'tenant',
      label: 'Tenant',
      hint: 'common (work, school and personal accounts), organizations, consumers (personal accounts), or your tenant ID or domain.',
      suggestions: ['common', 'organizations', 'consumers'],
      aliases: { consumers: MICROSOFT_CONSUMERS_TENANT },
    },
  ],
  tenantIssuer: { placeholder: '{tenantid}', claim: 'tid' },
  redirectHost: 'localhost',
  offlineAccessPrompt: false,
  errorCodes: { authorization_declined: 'access_denied', bad_verification_code: 'invalid_grant' },
  errorDescription: 'first-line',
  registerUrl: 'https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade',
  clientSecret: 'optional',
  keywords: ['entra', 'azure', 'azure ad', 'aad', 'office 365', 'microsoft 365', 'outlook'],
};

/**
 * GitLab (gitlab.com or self-managed), an OpenID Provider from its base URL: authorization code with PKCE, the
 * device grant at `/oauth/authorize_device` (GitLab 17.2+), 2-hour access tokens (`expires_in` 7200) and refresh
 * tokens that a refresh invalidates with the access token, revocation at `/oauth/revoke`:
 *   https://docs.gitlab.com/api/oauth2/
 * Applications are registered under User settings > Applications: https://docs.gitlab.com/integration/oauth_provider/
 * The device endpoint is named by the preset: GitLab's discovery document is not documented to list it.
 */
export const gitlab: ProviderProfile = {
  ...INTERACTIVE,
  id: 'gitlab',
  label: 'GitLab',
  baseUrl: 'https://gitlab.com',
  issuer: '{baseUrl}',
  deviceAuthorizationUrl: '{baseUrl}/oauth/authorize_device',
  clientAuth: 'none',
  defaultScope: 'openid profile email read_user',
  baseUrlField: { label: 'GitLab URL', hint: 'https://gitlab.com, or the address of your self-managed GitLab.', placeholder: 'https://gitlab.example.com' },
  registerUrl: 'https://gitlab.com/-/user_settings/applications',
  clientSecret: 'optional',
  keywords: ['git', 'self-managed', 'gitlab.com'],
};

/**
 * Keycloak: the issuer is `{server}/realms/{realm}`, everything else is discovered:
 *   https://www.keycloak.org/securing-apps/oidc-layers
 * Clients (public, with PKCE; the OAuth 2.0 Device Authorization Grant switched on) are created in the realm's admin
 * console: https://www.keycloak.org/docs/latest/server_admin/#_oidc_clients
 * It issues refresh tokens without `offline_access` (which would ask for an offline token instead).
 */
export const keycloak: ProviderProfile = {
  ...INTERACTIVE,
  id: 'keycloak',
  label: 'Keycloak',
  issuer: '{baseUrl}/realms/{realm}',
  clientAuth: 'none',
  defaultScope: 'openid profile email',
  baseUrlField: { label: 'Keycloak URL', hint: 'The server address (Keycloak 16 and older: with /auth at the end).', placeholder: 'https://id.example.com' },
  urlParamFields: [{ name: 'realm', label: 'Realm', hint: 'The realm your account lives in.' }],
  registerUrl: 'https://www.keycloak.org/docs/latest/server_admin/#_oidc_clients',
  clientSecret: 'optional',
  keywords: ['red hat', 'rh-sso', 'sso'],
};

/**
 * Auth0: the issuer is the tenant domain with a trailing slash (`https://TENANT.auth0.com/`), and an ID token's
 * `iss` carries that slash. Auth0's own SDK examples configure `issuerBaseURL: "https://{yourDomain}/"`; the page
 * that says it in words (https://auth0.com/docs/secure/tokens/id-tokens/validate-id-tokens) was not available to
 * check: docs/technical/provider-presets.md says so. Discovery at `https://{yourDomain}/.well-known/openid-configuration`; a refresh token needs `offline_access`
 * (and the API's "Allow Offline Access"); the device flow and revocation are discovered:
 *   https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens
 *   https://auth0.com/docs/get-started/authentication-and-authorization-flow/device-authorization-flow
 */
export const auth0: ProviderProfile = {
  ...INTERACTIVE,
  id: 'auth0',
  label: 'Auth0',
  issuer: '{baseUrl}/',
  clientAuth: 'none',
  defaultScope: 'openid profile email offline_access',
  offlineAccessPrompt: false,
  baseUrlField: { label: 'Tenant domain', hint: 'Your Auth0 tenant (or custom) domain.', placeholder: 'https://dev-abc123.us.auth0.com' },
  registerUrl: 'https://manage.auth0.com/#/applications',
  clientSecret: 'optional',
  keywords: ['okta customer identity', 'ciam'],
};

/**
 * Okta: the issuer is `{org}/oauth2/{authorization server}`, and every org has a custom authorization server named
 * `default`: https://developer.okta.com/docs/concepts/auth-servers/
 * A refresh token needs `offline_access` (and the refresh token grant on the app); device flow and revocation are
 * discovered: https://developer.okta.com/docs/guides/refresh-tokens/main/
 *   https://developer.okta.com/docs/guides/device-authorization-grant/main/
 */
export const okta: ProviderProfile = {
  ...INTERACTIVE,
  id: 'okta',
  label: 'Okta',
  issuer: '{baseUrl}/oauth2/{authorizationServer}',
  clientAuth: 'none',
  defaultScope: 'openid profile email offline_access',
  offlineAccessPrompt: false,
  urlParams: { authorizationServer: 'default' },
  baseUrlField: { label: 'Okta org URL', hint: 'Your Okta domain.', placeholder: 'https://dev-123456.okta.com' },
  urlParamFields: [
    {
      name: 'authorizationServer',
      label: 'Authorization server',
      hint: 'default, or the ID of another custom authorization server.',
      suggestions: ['default'],
      advanced: true,
    },
  ],
  registerUrl: 'https://help.okta.com/en-us/content/topics/apps/apps_app_integration_wizard_oidc.htm',
  clientSecret: 'optional',
  keywords: ['workforce identity', 'sso'],
};
