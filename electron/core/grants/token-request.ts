// Building token requests (RFC 6749 §4.3 password, §4.4 client_credentials, §6 refresh, §4.1.3 code with
// RFC 7636 §4.5's verifier, RFC 8628 §3.4 device code) as plain data.

import type { BasicCredentialEncoding, GrantType, ProviderProfile, ResponseFormat, SignInField } from '../providers/profile.js';
import { endpointFor } from '../providers/resolve-profile.js';
import { clientAuthStrategy, type ClientCredentials } from './client-auth.js';
import { encodeParams, type TokenParams } from './encoders.js';
import { GrantError } from './grant-error.js';
import { DEVICE_CODE_GRANT_TYPE } from './grant-type-uris.js';
import { parseScope } from './token-record.js';

export type GrantInput =
  | { readonly grant: 'password'; readonly username: string; readonly password: string; readonly otp?: string }
  | { readonly grant: 'client_credentials' }
  | { readonly grant: 'refresh_token'; readonly refreshToken: string }
  /** RFC 6749 §4.1.3 with RFC 7636 §4.5: the code, the redirect URI it was sent to, and the PKCE verifier. */
  | { readonly grant: 'authorization_code'; readonly code: string; readonly redirectUri: string; readonly codeVerifier: string }
  /** RFC 8628 §3.4: one poll with the device code. */
  | { readonly grant: 'device_code'; readonly deviceCode: string };

export { DEVICE_CODE_GRANT_TYPE };

export interface TokenRequestOptions {
  /** The account's requested scope; the profile's default when absent. */
  readonly scope?: string | readonly string[] | null;
  /** The Basic credential form to send; else the profile's choice, else RFC 6749 §2.3.1's form-encoding. */
  readonly basicEncoding?: BasicCredentialEncoding;
}

/** An HTTP request ready to send, and what must never be echoed back from it. */
export interface TokenHttpRequest {
  readonly grant: GrantType;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly requestedScope: readonly string[] | null;
  readonly responseFormat: ResponseFormat;
  /** Values sent with this request that no error or log may contain. */
  readonly secrets: readonly string[];
}

export const USER_AGENT = 'Tokenry/0.1 (+OAuth 2.0 credential manager)';

function acceptFor(profile: ProviderProfile): string {
  switch (profile.responseFormat) {
    case 'json':
      return 'application/json';
    case 'xml':
      return 'application/xml';
    case 'auto':
      return profile.encoding === 'xml'
        ? 'application/xml, application/json;q=0.9'
        : 'application/json, application/xml;q=0.9';
  }
}

function fieldParam(fields: readonly SignInField[], name: SignInField['name']): string | undefined {
  return fields.find((f) => f.name === name)?.param;
}

function grantParams(profile: ProviderProfile, input: GrantInput): Array<readonly [string, string]> {
  switch (input.grant) {
    case 'password': {
      if (input.username === '' || input.password === '') {
        throw new GrantError('invalid_config', 'Sign-in needs both a username and a password.');
      }
      const params: Array<readonly [string, string]> = [
        ['grant_type', 'password'],
        [fieldParam(profile.signInFields, 'username') ?? 'username', input.username],
        [fieldParam(profile.signInFields, 'password') ?? 'password', input.password],
      ];
      if (input.otp !== undefined && input.otp !== '') {
        const otpParam = fieldParam(profile.signInFields, 'otp');
        if (otpParam === undefined) {
          throw new GrantError('invalid_config', `${profile.label} takes no one-time code at sign-in.`);
        }
        params.push([otpParam, input.otp]);
      }
      return params;
    }
    case 'client_credentials':
      return [['grant_type', 'client_credentials']];
    case 'refresh_token':
      if (input.refreshToken === '') throw new GrantError('needs_sign_in', 'There is no refresh token: sign in again.');
      return [
        ['grant_type', 'refresh_token'],
        ['refresh_token', input.refreshToken],
      ];
    case 'authorization_code':
      if (input.code === '' || input.codeVerifier === '') throw new GrantError('invalid_config', 'A code exchange needs the code and the PKCE verifier.');
      return [
        ['grant_type', 'authorization_code'],
        ['code', input.code],
        // §4.1.3: required, and identical to the one in the authorization request.
        ['redirect_uri', input.redirectUri],
        ['code_verifier', input.codeVerifier],
      ];
    case 'device_code':
      if (input.deviceCode === '') throw new GrantError('invalid_config', 'A device code poll needs the device code.');
      return [
        ['grant_type', DEVICE_CODE_GRANT_TYPE],
        ['device_code', input.deviceCode],
      ];
  }
}

/**
 * Builds the HTTP request for one grant in the profile's dialect: method, encoding, client
 * authentication, extra parameters, `Accept` for the expected answer, UTF-8 throughout.
 */
export function buildTokenRequest(
  profile: ProviderProfile,
  input: GrantInput,
  client: ClientCredentials,
  options: TokenRequestOptions = {},
): TokenHttpRequest {
  if (!profile.grants.includes(input.grant)) {
    throw new GrantError('invalid_config', `${profile.label} does not support the ${input.grant} grant.`);
  }
  const url = endpointFor(profile, input.grant);
  const clientId = client.clientId ?? profile.defaultClientId;
  const credentials: ClientCredentials = {
    ...(clientId === undefined ? {} : { clientId }),
    ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }),
  };
  if (profile.clientAuth === 'basic' && credentials.clientId === undefined) {
    throw new GrantError('invalid_config', `${profile.label} needs a client id for HTTP Basic client authentication.`);
  }

  const params = grantParams(profile, input);
  const requestedScope = parseScope(options.scope ?? profile.defaultScope ?? null);
  // A code or a device code carries the scope it was authorized for (RFC 6749 §4.1.3, RFC 8628 §3.4): none is sent again.
  const authorized = input.grant === 'authorization_code' || input.grant === 'device_code';
  const sendScope =
    !authorized &&
    profile.scopeParam !== null &&
    requestedScope !== null &&
    requestedScope.length > 0 &&
    (input.grant !== 'refresh_token' || profile.scopeOnRefresh);
  if (sendScope) params.push([profile.scopeParam, requestedScope.join(' ')]);

  const auth = clientAuthStrategy(profile.clientAuth, options.basicEncoding ?? profile.basicEncoding ?? 'form')(credentials, {
    idParam: profile.clientIdParam,
    secretParam: profile.clientSecretParam,
    sendEmptySecret: profile.sendEmptySecret,
  });
  params.push(...auth.params);
  for (const [key, value] of Object.entries(profile.extraParams)) params.push([key, value]);

  const encoding = profile.method === 'GET' ? 'query' : profile.encoding === 'query' ? 'form' : profile.encoding;
  const encoded = encodeParams(encoding, params as TokenParams, profile.xmlRoot);
  // Appended: a token URL may carry a query of its own (`?api-version=2`), which must survive.
  if (encoded.query !== undefined) url.search = url.search === '' ? encoded.query : `${url.search.slice(1)}&${encoded.query}`;

  const headers: Record<string, string> = {
    accept: acceptFor(profile),
    'user-agent': USER_AGENT,
    ...auth.headers,
  };
  if (encoded.contentType !== undefined) headers['content-type'] = encoded.contentType;

  const secrets = [
    ...(input.grant === 'password' ? [input.password] : []),
    ...(input.grant === 'refresh_token' ? [input.refreshToken] : []),
    ...(input.grant === 'authorization_code' ? [input.code, input.codeVerifier] : []),
    ...(input.grant === 'device_code' ? [input.deviceCode] : []),
    ...(credentials.clientSecret ? [credentials.clientSecret] : []),
    ...(auth.headers['authorization'] ? [auth.headers['authorization'], auth.headers['authorization'].slice(6)] : []),
  ];

  return {
    grant: input.grant,
    url: url.toString(),
    method: profile.method,
    headers,
    ...(encoded.body === undefined ? {} : { body: encoded.body }),
    // What the token was asked for: this request's scope, or the one the code or device code was authorized for.
    requestedScope: sendScope || (authorized && requestedScope !== null && requestedScope.length > 0) ? requestedScope : null,
    responseFormat: profile.responseFormat,
    secrets,
  };
}

/** The URL without its query: safe to show, since GET dialects carry secrets in the query. */
export const displayUrl = (url: string): string => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};
