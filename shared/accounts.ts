// What the UI and the CLI see of accounts, providers and tokens: plain data, never a secret but the token asked for.

import type { AccountState } from './account-state.js';

export interface SignInFieldView {
  readonly name: 'username' | 'password' | 'otp';
  readonly label: string;
  readonly required: boolean;
  readonly secret: boolean;
}

/** Known values of one of a preset's extra parameters, for a form to offer (SugarCRM's platform). */
export interface ExtraParamChoiceView {
  readonly name: string;
  readonly label: string;
  readonly options: string[];
}

/** The profile settings a person may change on an account; a preset has them too. */
export interface AccountSettingsView {
  readonly baseUrl: string;
  /** The token URL template (`{baseUrl}` not filled in), without any query. */
  readonly tokenUrl: string;
  readonly method: 'GET' | 'POST';
  readonly encoding: 'query' | 'form' | 'json' | 'xml';
  readonly clientAuth: 'basic' | 'body' | 'none';
  /** Fixed parameters sent with every token request (SugarCRM's `platform`). */
  readonly extraParams: Record<string, string>;
  readonly allowInsecureHttp: boolean;
  /** HTTP Basic credential form chosen for the account; absent: automatic. */
  readonly basicEncoding?: 'form' | 'raw';
  /** Seconds one token request may wait; absent: 30. */
  readonly timeoutSeconds?: number;
  /** The issuer its endpoints are discovered from (OIDC Discovery, RFC 8414), when it has one. */
  readonly issuer?: string;
  /** The browser flow's authorization endpoint (a template over baseUrl), when known. */
  readonly authorizationUrl?: string;
  /** The device flow's device authorization endpoint (a template over baseUrl), when known. */
  readonly deviceAuthorizationUrl?: string;
  /** RFC 7009 revocation endpoint, when known. */
  readonly revocationUrl?: string;
  /** A fixed loopback redirect URI (for providers that register exact URIs); absent: 127.0.0.1, any free port. */
  readonly redirectUri?: string;
  /** Values of the preset's own URL placeholders (Entra's tenant, Keycloak's realm). */
  readonly urlParams?: Record<string, string>;
  /** Seconds a token is taken to last when the server states no lifetime; absent: no stated expiry. */
  readonly assumeLifetimeSeconds?: number;
}

/** One of a preset's own URL placeholders, as a form asks for it. */
export interface UrlParamFieldView {
  readonly name: string;
  readonly label: string;
  readonly hint: string;
  readonly suggestions: string[];
  /** Shown under Advanced: its default suits most people. */
  readonly advanced: boolean;
}

/** The ways a person can sign an account in. */
export type SignInFlowId = 'password' | 'client_credentials' | 'browser' | 'device';

/** A preset: its settings and everything a form needs to know about its dialect. */
export interface ProviderSummary extends AccountSettingsView {
  readonly id: string;
  readonly label: string;
  readonly grants: string[];
  /** Values forms offer for some of `extraParams`. */
  readonly extraParamChoices: ExtraParamChoiceView[];
  /** The parameter that carries the scope; `null` where the endpoint takes none. */
  readonly scopeParam: string | null;
  readonly defaultScope: string | null;
  /** The client id used when the account gives none (SugarCRM's `sugar`). */
  readonly defaultClientId: string | null;
  readonly signInFields: SignInFieldView[];
  /** The sign-in flows an account of this preset can use, best first (browser and device need their endpoints). */
  readonly signInFlows: SignInFlowId[];
  /** Where a person registers a client at the service; null when there is no one place. */
  readonly registerUrl: string | null;
  /** How the form names the base URL when the preset asks for one up front (Keycloak's server URL); null: Advanced. */
  readonly baseUrlField: { readonly label: string; readonly hint: string; readonly placeholder: string } | null;
  /** The preset's own URL placeholders the form asks for. */
  readonly urlParamFields: UrlParamFieldView[];
  /** Whether the service's clients need a secret; null: as its client authentication says. */
  readonly clientSecret: 'required' | 'optional' | null;
  /** Other words a search for it matches. */
  readonly keywords: string[];
}

export interface AccountIdentity {
  readonly id: string | null;
  readonly name: string | null;
  readonly email: string | null;
}

export interface AccountView {
  readonly name: string;
  readonly provider: string;
  readonly providerLabel: string;
  /** The token endpoint without its query. */
  readonly tokenUrl: string;
  readonly clientId: string | null;
  /** Whether a client secret is stored (never the secret). */
  readonly hasClientSecret: boolean;
  /** The effective settings: the preset's with the account's overrides laid over. */
  readonly settings: AccountSettingsView;
  readonly requestedScope: string[] | null;
  readonly grantedScope: string[] | null;
  readonly state: AccountState;
  readonly tokenType: string | null;
  readonly issuedAt: number | null;
  readonly expiresAt: number | null;
  /** `assumed`: the server stated no lifetime and the account's assumed one applies; `unknown`: no stated expiry. */
  readonly expirySource: 'expires_in' | 'jwt_exp' | 'assumed' | 'unknown' | null;
  readonly hasRefreshToken: boolean;
  readonly refreshExpiresAt: number | null;
  readonly identity: AccountIdentity | null;
  /** Names of the provider's other answer fields (their values may be secrets). */
  readonly extraFields: string[];
  readonly signInFields: SignInFieldView[];
  /** The sign-in flows this account can use, best first: what the sign-in dialog offers. */
  readonly signInFlows: SignInFlowId[];
  /** The endpoints in effect beyond the token endpoint (discovered or set), queries removed. */
  readonly endpoints: EndpointsView;
  /** What discovery found at the account's issuer, when it has one. */
  readonly discovery: DiscoveryView | null;
  readonly createdAt: number;
}

/** What the accounts list carries of each account (see `accounts:list` in shared/ipc.ts). */
export type AccountListItem = Pick<
  AccountView,
  'name' | 'provider' | 'providerLabel' | 'state' | 'issuedAt' | 'expiresAt' | 'hasRefreshToken' | 'refreshExpiresAt' | 'identity' | 'signInFlows'
>;

/** The list's item for a whole view. */
export function listItemOf(view: AccountView): AccountListItem {
  return {
    name: view.name,
    provider: view.provider,
    providerLabel: view.providerLabel,
    state: view.state,
    issuedAt: view.issuedAt,
    expiresAt: view.expiresAt,
    hasRefreshToken: view.hasRefreshToken,
    refreshExpiresAt: view.refreshExpiresAt,
    identity: view.identity,
    signInFlows: view.signInFlows,
  };
}

export interface EndpointsView {
  readonly issuer: string | null;
  readonly authorization: string | null;
  readonly deviceAuthorization: string | null;
  readonly revocation: string | null;
  readonly userinfo: string | null;
  readonly jwks: string | null;
  /** The loopback redirect the browser flow uses (`{port}`: a free port chosen at each sign-in). */
  readonly redirect: string | null;
}

/** An issuer's metadata as discovered (OIDC Discovery or RFC 8414): non-secret, stored with the account. */
export interface DiscoveryView {
  readonly issuer: string;
  readonly source: 'openid-configuration' | 'oauth-authorization-server';
  readonly fetchedAt: number;
  readonly authorizationEndpoint: string | null;
  readonly tokenEndpoint: string | null;
  readonly deviceAuthorizationEndpoint: string | null;
  readonly revocationEndpoint: string | null;
  readonly userinfoEndpoint: string | null;
  readonly jwksUri: string | null;
  readonly grantTypesSupported: string[] | null;
  readonly codeChallengeMethodsSupported: string[] | null;
  readonly tokenEndpointAuthMethodsSupported: string[] | null;
  readonly scopesSupported: string[] | null;
  readonly authorizationResponseIssParameterSupported: boolean;
}

export interface NewAccountInput {
  readonly name: string;
  readonly provider: string;
  readonly overrides?: Record<string, unknown>;
  readonly scope?: string | string[] | null;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

export interface SignInInput {
  readonly username?: string;
  readonly password?: string;
  readonly otp?: string;
  /** The flow to run; absent: chosen from what was given and what the account supports (browser first). */
  readonly flow?: SignInFlowId;
  /** How long the person has to finish a browser or device sign-in, in seconds (default 300). */
  readonly timeoutSeconds?: number;
  /** The browser flow opens the system browser unless this is false (then the URL is only reported). */
  readonly openBrowser?: boolean;
}

/**
 * What a browser or device sign-in asks of the person while it waits, told to whoever shows it
 * (the CLI on stderr, the renderer through `accounts:sign-in-progress`). Never a secret: the
 * authorization URL carries state, nonce and the PKCE challenge, never the verifier or a client secret.
 */
export type SignInProgress =
  | {
      readonly kind: 'browser';
      /** The authorization URL to open (again, or on another machine). */
      readonly url: string;
      /** Whether the system browser was asked to open it. */
      readonly opened: boolean;
      /** When the sign-in stops waiting (epoch ms). */
      readonly expiresAt: number;
    }
  | {
      readonly kind: 'device';
      readonly userCode: string;
      readonly verificationUri: string;
      /** The URI with the code filled in, where the provider gives one. */
      readonly verificationUriComplete: string | null;
      /** When the code, or the sign-in's time, runs out (epoch ms). */
      readonly expiresAt: number;
      /** The provider's own instructions, where it gives them. */
      readonly message: string | null;
    }
  /** The browser or the other device said yes: the token is being fetched. */
  | { readonly kind: 'exchanging' };

/** How a logout or a removal went at the provider: the tokens are forgotten here either way. */
export interface SignOutOutcome {
  /** `revoked`: the provider revoked them (RFC 7009); `not_supported`: it has no revocation endpoint; `failed`: see the warning. */
  readonly revocation: 'revoked' | 'not_supported' | 'failed' | 'nothing_to_revoke';
  /** One line for the person when the revocation failed (the tokens may stay valid until they expire). */
  readonly warning: string | null;
}

/** The token as `tokenry token --json` and the loopback endpoint hand it out. */
export interface TokenView {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_at: string | null;
  readonly expires_in: number | null;
  readonly scope: string | null;
  /** Set when the token cannot last as long as the caller asked: even a fresh one from this provider would not. */
  readonly warning?: string;
}

/**
 * The settings an edit may take back to what the account would have without its own value (what
 * discovery found, else the preset's, else the default): the optional ones, whose form fields say
 * what empty means.
 */
export const RESETTABLE_SETTINGS = ['issuer', 'authorizationUrl', 'deviceAuthorizationUrl', 'redirectUri', 'basicEncoding', 'timeoutSeconds', 'assumeLifetimeSeconds'] as const;
export type ResettableSetting = (typeof RESETTABLE_SETTINGS)[number];

export interface AccountPatch {
  readonly overrides?: Record<string, unknown>;
  /** The account's own values to drop for these settings (absent or empty: none). */
  readonly reset?: readonly ResettableSetting[];
  readonly scope?: string | null;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

export interface TokenDetails {
  readonly tokenType: string;
  readonly jwt: { readonly header: Record<string, unknown>; readonly claims: Record<string, unknown> } | null;
  readonly extra: Record<string, unknown>;
  readonly grantedScope: string[] | null;
  readonly requestedScope: string[] | null;
  readonly issuedAt: number;
  readonly expiresAt: number | null;
  readonly expirySource: 'expires_in' | 'jwt_exp' | 'assumed' | 'unknown';
}
