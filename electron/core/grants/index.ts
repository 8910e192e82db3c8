// The grant engine's public API: build and process token requests, run a grant, errors as values.

export { requestToken, systemGrantDeps, type GrantDeps, type GrantOptions, type TokenOutcome } from './grant-client.js';
export { buildTokenRequest, displayUrl, type GrantInput, type TokenHttpRequest, type TokenRequestOptions } from './token-request.js';
export { processTokenResponse, parseRetryAfter, type ProcessContext, type TokenHttpResponse } from './token-response.js';
export {
  sendTokenRequest,
  systemSetTimer,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TIMEOUT_SECONDS,
  type FetchLike,
  type SetTimer,
  type TransportOptions,
} from './http-transport.js';
export { withRetry, backoffDelay, isRetryable, DEFAULT_RETRY, type RetryPolicy, type RetryClock, type RetryOptions } from './retry.js';
export { basicAuth, bodyAuth, noAuth, clientAuthStrategy, type ClientCredentials, type ClientAuthStrategy } from './client-auth.js';
export { encodeParams, formEncode, xmlEncode, type TokenParams } from './encoders.js';
export {
  GrantError,
  kindOf,
  isOAuthErrorCode,
  OAUTH_ERROR_CODES,
  type GrantErrorCode,
  type GrantErrorKind,
  type GrantErrorValue,
  type OAuthErrorCode,
} from './grant-error.js';
export { effectiveScope, parseScope, type ExpirySource, type TokenRecord } from './token-record.js';
export { redact, safeExcerpt, firstSafeLine, MIN_SECRET_LENGTH } from './redact.js';
export { refreshFailure, deadAfterRetry, type RefreshFailure } from './refresh-failure.js';
export { tokenFitness, type TokenFitness, type FitnessInput } from './token-fitness.js';
export { decodeJwtParts, maskSecrets, MASK } from './token-details.js';
