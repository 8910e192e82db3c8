// Grant errors: a stable code, a coarse kind the UI and CLI act on, and a message that holds no secret.

import type { GrantType } from '../providers/profile.js';

/** RFC 6749 §5.2 error codes a token endpoint may answer with. */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
] as const;
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

export type GrantErrorCode =
  | OAuthErrorCode
  /** The provider answered an error code outside RFC 6749 §5.2 (kept in `providerCode`). */
  | 'provider_error'
  /** No way to renew without the person: sign in again. */
  | 'needs_sign_in'
  /** 5xx or 429: the provider answered that it cannot serve now; retried with backoff. */
  | 'unavailable'
  /** No answer within the account's timeout. Retried only for client_credentials (idempotent). */
  | 'timeout'
  /** An HTTP 4xx without an RFC 6749 §5.2 error body (a bare 400/401/403, an HTML or text page). */
  | 'refused'
  /** The caller aborted the grant (its AbortSignal); never retried. */
  | 'cancelled'
  /** HTML, empty, unparseable, oversized or incomplete answers. */
  | 'bad_response'
  | 'network'
  | 'tls'
  /** Plain http to a non-loopback host without the account's explicit consent. */
  | 'insecure_url'
  /** The profile or the sign-in input cannot make a valid request. */
  | 'invalid_config'
  /** RFC 6749 §4.1.2.1, RFC 8628 §3.5: the person (or the server's policy) refused the authorization. */
  | 'access_denied'
  /** RFC 8628 §3.5: the person has not finished yet. Handled inside the device poller, never returned by it. */
  | 'authorization_pending'
  /** RFC 8628 §3.5: poll less often (the interval grows by 5 s). Handled inside the device poller. */
  | 'slow_down'
  /** RFC 8628 §3.5: the device code expired before the person finished. */
  | 'expired_token'
  /** A redirect whose `state` is missing or not the one sent (RFC 6749 §10.12): forged, or from another sign-in. */
  | 'state_mismatch'
  /** The issuer is not the one asked for: a discovery document (RFC 8414 §3.3), a redirect's `iss` (RFC 9207), an ID token. */
  | 'issuer_mismatch'
  /** OIDC Core §3.1.3.7: the ID token failed validation (signature, iss, aud, exp, nonce). */
  | 'id_token_invalid'
  /** The person did not finish signing in within the sign-in's time limit. */
  | 'sign_in_timeout'
  /** No usable discovery document at the issuer (OIDC Discovery §4, RFC 8414 §3). */
  | 'discovery_failed';

/** What a caller can do about an error: the CLI maps these to exit codes, the UI to actions. */
export type GrantErrorKind = 'rejected' | 'needs_sign_in' | 'unavailable' | 'bad_response' | 'network' | 'config' | 'cancelled';

export function kindOf(code: GrantErrorCode): GrantErrorKind {
  switch (code) {
    case 'invalid_request':
    case 'invalid_client':
    case 'invalid_grant':
    case 'unauthorized_client':
    case 'unsupported_grant_type':
    case 'invalid_scope':
    case 'provider_error':
    case 'refused':
    case 'access_denied':
      return 'rejected';
    case 'needs_sign_in':
      return 'needs_sign_in';
    case 'unavailable':
    case 'timeout':
    case 'authorization_pending':
    case 'slow_down':
      return 'unavailable';
    // The time to sign in ran out: like a cancellation the person chose, not the provider's refusal (CLI exit 1).
    case 'cancelled':
    case 'sign_in_timeout':
    case 'expired_token':
      return 'cancelled';
    case 'bad_response':
    case 'state_mismatch':
    case 'issuer_mismatch':
    case 'id_token_invalid':
      return 'bad_response';
    case 'discovery_failed':
      return 'config';
    case 'network':
    case 'tls':
      return 'network';
    case 'insecure_url':
    case 'invalid_config':
      return 'config';
  }
}

export interface GrantErrorDetails {
  /** HTTP status of the provider's answer, when there was one. */
  readonly status?: number;
  /** The provider's own error code when it is not one of RFC 6749's. */
  readonly providerCode?: string;
  /** The provider's description (`error_description`, Sugar's `error_message`), secrets removed. */
  readonly description?: string;
  /** A short excerpt of a bad body, secrets and token-like strings removed. */
  readonly excerpt?: string;
  /** How long the provider asked us to wait (Retry-After), in milliseconds. */
  readonly retryAfterMs?: number;
  /** How many attempts were made before giving up. */
  readonly attempts?: number;
  /**
   * The request never left this machine (connection refused, no route, name not resolved), so
   * the provider cannot have acted on it and sending it again is safe for any grant.
   */
  readonly unsent?: boolean;
  /** The grant the failed request was for, when known (the retry rules and messages depend on it). */
  readonly grant?: GrantType;
  readonly cause?: unknown;
}

export class GrantError extends Error {
  override readonly name = 'GrantError';
  readonly code: GrantErrorCode;
  readonly kind: GrantErrorKind;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly description: string | undefined;
  readonly excerpt: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly attempts: number | undefined;
  readonly unsent: boolean;
  readonly grant: GrantType | undefined;

  constructor(code: GrantErrorCode, message: string, details: GrantErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.kind = kindOf(code);
    this.status = details.status;
    this.providerCode = details.providerCode;
    this.description = details.description;
    this.excerpt = details.excerpt;
    this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts;
    this.unsent = details.unsent ?? false;
    this.grant = details.grant;
  }

  /** A plain, serialisable copy for IPC, the CLI's JSON and logs: no cause, no stack. */
  toJSON(): GrantErrorValue {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.providerCode === undefined ? {} : { providerCode: this.providerCode }),
      ...(this.description === undefined ? {} : { description: this.description }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
    };
  }

  withAttempts(attempts: number): GrantError {
    const copy = new GrantError(this.code, this.message, { ...this.details(), attempts });
    return copy;
  }

  private details(): GrantErrorDetails {
    return {
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.providerCode === undefined ? {} : { providerCode: this.providerCode }),
      ...(this.description === undefined ? {} : { description: this.description }),
      ...(this.excerpt === undefined ? {} : { excerpt: this.excerpt }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.attempts === undefined ? {} : { attempts: this.attempts }),
      ...(this.grant === undefined ? {} : { grant: this.grant }),
      unsent: this.unsent,
      cause: this.cause,
    };
  }

  /** The same error with a sentence added to its message (a hint the caller knows and the parser did not). */
  withHint(hint: string): GrantError {
    return new GrantError(this.code, `${this.message.replace(/\.?$/, '.')} ${hint}`, this.details());
  }
}

export interface GrantErrorValue {
  readonly code: GrantErrorCode;
  readonly kind: GrantErrorKind;
  readonly message: string;
  readonly status?: number;
  readonly providerCode?: string;
  readonly description?: string;
  readonly retryAfterMs?: number;
}

export const isOAuthErrorCode = (value: string): value is OAuthErrorCode =>
  (OAUTH_ERROR_CODES as readonly string[]).includes(value);
