// Provider profiles: how one service's token endpoint must be spoken to, as plain data.

/**
 * The grants Tokenry speaks: RFC 6749 §4.3 password, §4.4 client_credentials, §6 refresh_token,
 * §4.1 authorization_code (with PKCE, RFC 7636) and RFC 8628's device_code.
 */
export type GrantType = 'password' | 'client_credentials' | 'refresh_token' | 'authorization_code' | 'device_code';
export type HttpMethod = 'GET' | 'POST';
/** How the token request's parameters travel: URL query, form body, JSON body or XML body. */
export type RequestEncoding = 'query' | 'form' | 'json' | 'xml';
/** RFC 6749 §2.3.1: HTTP Basic, parameters in the request, or a public client. */
export type ClientAuthMethod = 'basic' | 'body' | 'none';
/**
 * How id and secret go into HTTP Basic. RFC 6749 §2.3.1 says form-encode each first
 * (`form`); many servers never decode them, so a raw form (`raw`) exists too.
 */
export type BasicCredentialEncoding = 'form' | 'raw';
export type ResponseFormat = 'json' | 'xml' | 'auto';

/** A field a person fills in at sign-in; `param` is the wire name it is sent under. */
export interface SignInField {
  readonly name: 'username' | 'password' | 'otp';
  readonly label: string;
  readonly param: string;
  readonly required: boolean;
  readonly secret: boolean;
}

/** Known values of one extra parameter, so a form can offer them as a choice (SugarCRM's platform). */
export interface ExtraParamChoice {
  /** The parameter's wire name, a key of `extraParams`. */
  readonly name: string;
  readonly label: string;
  readonly options: readonly string[];
}

/**
 * One of a preset's own placeholders in its URL templates (Entra's `{tenant}`, Keycloak's `{realm}`):
 * what a form asks for it. Descriptive, but for `aliases`, which the templates use.
 */
export interface UrlParamField {
  /** The placeholder's name: `{name}` in the templates, a key of `urlParams`. */
  readonly name: string;
  readonly label: string;
  readonly hint: string;
  /** Values the form offers (Entra's common, organizations, consumers); any other value is allowed. */
  readonly suggestions?: readonly string[];
  /** Shown in the form's Advanced section: its default suits most people. */
  readonly advanced?: boolean;
  /**
   * Values the provider documents under another name in its URLs (Entra: `consumers` is the tenant
   * 9188040d-6c67-4c5b-b112-36a304b66dad, whose discovery document names that GUID as its issuer).
   */
  readonly aliases?: Readonly<Record<string, string>>;
}

/** How a form names a preset's base URL (Keycloak's server URL, Auth0's tenant domain). Descriptive. */
export interface BaseUrlField {
  readonly label: string;
  readonly hint: string;
  readonly placeholder: string;
}

/**
 * What the service's documentation says it calls things, in the grant engine's words: its own error
 * codes mapped to the RFC 6749 §5.2 / RFC 8628 §3.5 code they mean (GitHub's `bad_verification_code`
 * is an `invalid_grant`, Entra's `authorization_declined` an `access_denied`).
 */
export type MappedErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token';

/** Where a person's identity is read when no ID token says it (GitHub: `GET https://api.github.com/user`). */
export interface UserinfoIdentity {
  /** The JSON answer's fields: a stable id, the name a person reads, an email. */
  readonly id: string;
  readonly name: string;
  readonly email: string;
  /** Headers the API asks for (GitHub's `Accept: application/vnd.github+json`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Entra's multi-tenant metadata names its issuer as a template (`…/{tenantid}/v2.0`): an ID token's
 * `iss` must equal it with the placeholder replaced by the token's own tenant claim.
 */
export interface TenantIssuer {
  readonly placeholder: string;
  readonly claim: string;
}

export interface ProviderProfile {
  readonly id: string;
  readonly label: string;
  /** Where the service lives; `{baseUrl}` in the URL templates is replaced by it. */
  readonly baseUrl: string;
  /** The token endpoint, a template over `baseUrl`. */
  readonly tokenUrl: string;
  /** A separate endpoint for refresh_token grants, when the service has one. */
  readonly refreshUrl?: string;
  readonly grants: readonly GrantType[];
  readonly method: HttpMethod;
  readonly encoding: RequestEncoding;
  /** Root element of XML request bodies (Saasu: OAuthPasswordCredentialsGrantRequest). */
  readonly xmlRoot: string;
  readonly clientAuth: ClientAuthMethod;
  /**
   * HTTP Basic credential form chosen for the account (`--basic-encoding`): then only that form is
   * sent. Absent: RFC 6749 §2.3.1's form-encoding first, the raw form tried once if refused, and
   * the one that worked remembered by the account.
   */
  readonly basicEncoding?: BasicCredentialEncoding;
  readonly clientIdParam: string;
  readonly clientSecretParam: string;
  /** Send `client_secret` even when it is empty (SugarCRM's `"client_secret": ""`). */
  readonly sendEmptySecret: boolean;
  /** Client id to use when the account gives none (SugarCRM's `sugar`). */
  readonly defaultClientId?: string;
  /** Fixed parameters sent with every token request (SugarCRM's `platform`). */
  readonly extraParams: Readonly<Record<string, string>>;
  /** Values forms offer for some of the extra parameters; descriptive only, never sent as such. */
  readonly extraParamChoices?: readonly ExtraParamChoice[];
  readonly signInFields: readonly SignInField[];
  /** The parameter that carries the scope, or `null` where the endpoint takes none. */
  readonly scopeParam: string | null;
  /** Scope requested when the account names none; `undefined` sends no scope. */
  readonly defaultScope?: string;
  /** Whether the scope parameter is sent on refresh_token grants (RFC 6749 §6 makes it optional). */
  readonly scopeOnRefresh: boolean;
  readonly responseFormat: ResponseFormat;
  /** Plain http is refused except on loopback addresses unless this is set. */
  readonly allowInsecureHttp: boolean;
  /**
   * How long one request may wait for the token endpoint's answer; default 30 s. A refresh or
   * password grant that times out is not resent (the provider may have acted on it).
   */
  readonly timeoutSeconds?: number;

  // --- Authorization server endpoints beyond the token endpoint (docs/technical/sign-in-flows.md) ---

  /**
   * The issuer identifier (RFC 8414 §2, OIDC Discovery §3): where discovery starts, and what the
   * discovery document, the `iss` of a redirect (RFC 9207) and an ID token must name.
   */
  readonly issuer?: string;
  /** RFC 6749 §3.1 authorization endpoint (a template over `baseUrl`): the browser flow starts there. */
  readonly authorizationUrl?: string;
  /** RFC 8628 §3.1 device authorization endpoint (a template over `baseUrl`). */
  readonly deviceAuthorizationUrl?: string;
  /** RFC 7009 revocation endpoint (a template over `baseUrl`): logout and removal revoke there. */
  readonly revocationUrl?: string;
  /** OIDC Core §5.3 UserInfo endpoint (shown; scripts may call it with the token). */
  readonly userinfoUrl?: string;
  /** The provider's JSON Web Key Set (RFC 7517), for ID token signatures. */
  readonly jwksUri?: string;
  /**
   * The loopback redirect (RFC 8252 §7.3): absent, `http://127.0.0.1:{any free port}/callback`; a
   * port fixes only the port; a full URI (for providers that register exact URIs) fixes all of it.
   */
  readonly redirectPort?: number;
  readonly redirectUri?: string;
  /** Fixed extra parameters of the authorization request (Google's `access_type=offline`). */
  readonly authorizationParams?: Readonly<Record<string, string>>;
  /**
   * Whether the server says it sends `iss` in authorization responses (RFC 9207 §3): then a
   * redirect without it is refused. Discovery fills it in.
   */
  readonly authorizationResponseIss?: boolean;
  /** Whether ID tokens are expected (an OpenID Provider): the sign-in asks for `openid` and validates them. */
  readonly openid?: boolean;

  // --- Documented deviations, as data (docs/technical/provider-presets.md) ---

  /** Values of the preset's own URL placeholders (`{tenant}`, `{realm}`…), filled into the issuer and every endpoint template. */
  readonly urlParams?: Readonly<Record<string, string>>;
  /** The provider's own error codes and the standard code each one means; the provider's code stays in the message. */
  readonly errorCodes?: Readonly<Record<string, MappedErrorCode>>;
  /** How the token answer separates granted scopes: GitHub writes `repo,gist` (requests always use spaces, RFC 6749 §3.3). */
  readonly scopeSeparator?: ' ' | ',';
  /** `first-line`: only the first line of an error description is shown (Entra's `AADSTS…` sentence, not its trace ids). */
  readonly errorDescription?: 'whole' | 'first-line';
  /** Google documents an ID token's `iss` as its issuer with or without `https://`. */
  readonly issuerWithoutScheme?: boolean;
  /** Entra's templated multi-tenant issuer (see {@link TenantIssuer}). */
  readonly tenantIssuer?: TenantIssuer;
  /** The loopback redirect names `localhost` (on any free port) where the provider registers that; Tokenry still listens on 127.0.0.1 only. */
  readonly redirectHost?: '127.0.0.1' | 'localhost';
  /**
   * Whether asking an OpenID Provider for `offline_access` adds `prompt=consent` (OIDC Core §11): true
   * when absent; false where the provider documents a refresh token for the scope alone (Entra, Okta, Auth0).
   */
  readonly offlineAccessPrompt?: boolean;
  /** Read the person's identity from `userinfoUrl` when no ID token says it (GitHub). */
  readonly userinfoIdentity?: UserinfoIdentity;
  /**
   * Seconds a token is taken to last when the server states no lifetime at all (no `expires_in`, no JWT
   * `exp`): then its expiry is `assumed`. Absent: such a token has no stated expiry.
   */
  readonly assumeLifetimeSeconds?: number;

  // --- What a form shows about the preset (descriptive: never sent, not overridable) ---

  /** How the form names the base URL, when the preset asks for one. */
  readonly baseUrlField?: BaseUrlField;
  /** The placeholders the form asks for. */
  readonly urlParamFields?: readonly UrlParamField[];
  /** Where a person registers a client at the service. */
  readonly registerUrl?: string;
  /** Whether the service's clients need a secret ('required': Google's desktop clients) or may have one. */
  readonly clientSecret?: 'required' | 'optional';
  /** Other words a search for the preset matches ("entra", "azure"). */
  readonly keywords?: readonly string[];
}

/** The descriptive fields of a preset: what a form shows about it, never overridden per account. */
export type DescriptiveField = 'extraParamChoices' | 'baseUrlField' | 'urlParamFields' | 'registerUrl' | 'clientSecret' | 'keywords';

/** Every field of a profile can be overridden per account, but its id and what forms show about it. */
export type ProfileOverrides = Partial<Omit<ProviderProfile, 'id' | DescriptiveField>>;
