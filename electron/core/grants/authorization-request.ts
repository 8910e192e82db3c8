// The authorization request of the browser flow (RFC 6749 §4.1.1) for a native app (RFC 8252): PKCE
// S256 always (RFC 7636), a fresh `state` (RFC 6749 §10.12) and, for OpenID, a `nonce` (OIDC Core §3.1.2.1).

import { createHash, randomBytes } from 'node:crypto';
import { GrantError } from './grant-error.js';

/** Random bytes; injected so that tests can make requests repeatable. */
export type RandomBytes = (size: number) => Uint8Array;
export const systemRandomBytes: RandomBytes = (size) => randomBytes(size);

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** RFC 7636 §4.1: 32 random octets, base64url-encoded: a 43-character verifier of unreserved characters. */
export const randomVerifier = (random: RandomBytes = systemRandomBytes): string => base64url(random(32));

/** `state` and `nonce`: 32 random octets each, unguessable (RFC 6749 §10.10). */
export const randomToken = (random: RandomBytes = systemRandomBytes): string => base64url(random(32));

/** RFC 7636 §4.2: code_challenge = BASE64URL(SHA256(ASCII(code_verifier))). */
export function pkceChallenge(verifier: string): string {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) throw new GrantError('invalid_config', 'A PKCE verifier is 43 to 128 unreserved characters (RFC 7636 §4.1).');
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Parameters a profile's fixed extras may not set: they carry the request's security (client,
 * redirect, PKCE, state, nonce) or its type.
 */
const RESERVED = new Set(['response_type', 'client_id', 'redirect_uri', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'scope']);

export interface AuthorizationUrlInput {
  /** The authorization endpoint; a query it carries is kept (RFC 6749 §3.1). */
  readonly endpoint: URL;
  readonly clientId: string;
  readonly redirectUri: string;
  /** The scope to ask for; null or empty sends none. */
  readonly scope: readonly string[] | null;
  readonly state: string;
  readonly codeChallenge: string;
  /** OIDC Core §3.1.2.1; null when no ID token is asked for. */
  readonly nonce: string | null;
  /** The provider's fixed extra parameters (Google's `access_type=offline`); reserved names are ignored. */
  readonly extraParams?: Readonly<Record<string, string>>;
  /** An OpenID Provider: `offline_access` then needs `prompt=consent` to mean anything (OIDC Core §11). */
  readonly openid: boolean;
  /**
   * false where the provider documents a refresh token for `offline_access` alone (Entra, Okta, Auth0): no
   * `prompt=consent` is added, so the person is not asked to consent again on every sign-in.
   */
  readonly consentForOffline?: boolean;
}

/** The URL the browser opens: RFC 6749 §4.1.1 with RFC 7636 §4.3's challenge, as one string. */
export function buildAuthorizationUrl(input: AuthorizationUrlInput): string {
  if (input.clientId === '') throw new GrantError('invalid_config', 'Signing in with the browser needs a client id.');
  const url = new URL(input.endpoint.href);
  const params = url.searchParams;
  for (const name of RESERVED) params.delete(name);
  params.set('response_type', 'code');
  params.set('client_id', input.clientId);
  params.set('redirect_uri', input.redirectUri);
  const scope = input.scope ?? [];
  if (scope.length > 0) params.set('scope', scope.join(' '));
  params.set('state', input.state);
  params.set('code_challenge', input.codeChallenge);
  params.set('code_challenge_method', 'S256');
  if (input.nonce !== null) params.set('nonce', input.nonce);
  const extras = Object.entries(input.extraParams ?? {}).filter(([name]) => !RESERVED.has(name));
  // OIDC Core §11: offline_access is ignored unless the person is asked for consent.
  if (input.openid && input.consentForOffline !== false && scope.includes('offline_access') && !extras.some(([name]) => name === 'prompt')) {
    params.set('prompt', 'consent');
  }
  for (const [name, value] of extras) params.set(name, value);
  return url.toString();
}

/** One sign-in's authorization request and the secrets it must keep until the code comes back. */
export interface AuthorizationRequest {
  readonly url: string;
  readonly state: string;
  readonly nonce: string | null;
  /** Never leaves this process but in the code exchange (RFC 7636 §4.5). */
  readonly codeVerifier: string;
  readonly redirectUri: string;
}

export type AuthorizationRequestInput = Omit<AuthorizationUrlInput, 'state' | 'codeChallenge' | 'nonce'> & {
  /** Whether to send a nonce (an ID token is expected). */
  readonly withNonce: boolean;
};

/** A fresh request: new verifier, state and nonce each time (they are good for one sign-in only). */
export function createAuthorizationRequest(input: AuthorizationRequestInput, random: RandomBytes = systemRandomBytes): AuthorizationRequest {
  const codeVerifier = randomVerifier(random);
  const state = randomToken(random);
  const nonce = input.withNonce ? randomToken(random) : null;
  const url = buildAuthorizationUrl({ ...input, state, nonce, codeChallenge: pkceChallenge(codeVerifier) });
  return { url, state, nonce, codeVerifier, redirectUri: input.redirectUri };
}
