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
}

/** Every field of a profile can be overridden per account, but its id and the forms' parameter choices. */
export type ProfileOverrides = Partial<Omit<ProviderProfile, 'id' | 'extraParamChoices'>>;
