// What a failed refresh_token grant means for the account: is its refresh token dead, or was it only a bad moment?

import type { GrantError } from './grant-error.js';

/**
 * - `dead`: the refresh token will never work again; forget it, the person must sign in
 *   (or a client_credentials account runs a new grant).
 * - `retry_then_dead`: a refusal that usually means a dead token but does not say so (a bare
 *   400, or `invalid_request` without a reason): refresh once more; if that fails too, `dead`.
 * - `temporary`: the provider or the network failed; keep the token, retry with backoff.
 * - `other`: the refusal is about the client or the configuration (wrong secret, wrong URL): keep
 *   the token, show the error; signing in again would not help.
 */
export type RefreshFailure = 'dead' | 'retry_then_dead' | 'temporary' | 'other';

/** A description that says the presented token (or grant) is revoked, expired, invalid, unknown or reused. */
const SAYS_TOKEN = /\b(refresh[_ ]?token|token|grant)s?\b/i;
const SAYS_DEAD = /\b(revoked|expired|invalid|not valid|no longer valid|not found|unknown|does not exist|doesn't exist|reused?|already used|inactive|malformed)\b/i;
/** Error codes outside RFC 6749 that providers use for a dead token (`invalid_token`, `expired_token`, `token_revoked`). */
const DEAD_CODE = /^(invalid|expired|revoked)_(refresh_)?token$|^(refresh_)?token_(expired|revoked|invalid)$/i;

const saysDeadToken = (text: string | undefined): boolean => text !== undefined && SAYS_TOKEN.test(text) && SAYS_DEAD.test(text);

/**
 * Classifies a failed refresh_token grant (RFC 6749 §6) by what it means for the refresh token:
 * - §5.2 `invalid_grant` ("the provided … refresh token is invalid, expired, revoked …"): dead.
 * - `invalid_request` or `unauthorized_client` whose description says the token is revoked,
 *   expired or invalid (servers that misuse those codes for it, @jmondi/oauth2-server's
 *   `invalid_request` "Token has been revoked"), and codes outside RFC 6749 that name a dead
 *   token (`invalid_token`, `expired_token`): dead.
 * - any other 400 (a bare one, Glewlwyd's answer to a revoked token; `invalid_request` without
 *   a reason): dead if a retry fails too.
 * - 5xx, 429, timeouts and network failures: temporary. Cancellation, client, scope,
 *   configuration and answer-format failures: other.
 */
export function refreshFailure(error: GrantError): RefreshFailure {
  switch (error.code) {
    case 'invalid_grant':
    case 'needs_sign_in':
    case 'expired_token':
      return 'dead';
    case 'invalid_request':
    case 'unauthorized_client':
      if (saysDeadToken(error.description)) return 'dead';
      return error.status === 400 || error.status === undefined ? 'retry_then_dead' : 'other';
    case 'provider_error':
      if (DEAD_CODE.test(error.providerCode ?? '') || saysDeadToken(error.description)) return 'dead';
      return error.status === 400 ? 'retry_then_dead' : 'other';
    case 'refused':
      if (saysDeadToken(error.excerpt)) return 'dead';
      return error.status === 400 ? 'retry_then_dead' : 'other';
    case 'unavailable':
    case 'timeout':
    case 'network':
    case 'tls':
      return 'temporary';
    case 'invalid_client':
    case 'unsupported_grant_type':
    case 'invalid_scope':
    case 'bad_response':
    case 'insecure_url':
    case 'invalid_config':
    case 'cancelled':
    case 'access_denied':
    case 'authorization_pending':
    case 'slow_down':
    case 'state_mismatch':
    case 'issuer_mismatch':
    case 'id_token_invalid':
    case 'sign_in_timeout':
    case 'discovery_failed':
      return 'other';
  }
}

/**
 * After a `retry_then_dead` refresh was tried once more: whether the refresh token is dead now.
 * The second answer decides: dead if it is `dead` or again `retry_then_dead`.
 */
export const deadAfterRetry = (second: GrantError): boolean => {
  const failure = refreshFailure(second);
  return failure === 'dead' || failure === 'retry_then_dead';
};
