// The grant engine's public API: build and process token requests, run a grant, errors as values.

export { requestToken, systemGrantDeps, type GrantDeps, type GrantOptions, type TokenOutcome } from './grant-client.js';
export { buildTokenRequest, displayUrl, type GrantInput, type TokenHttpRequest, type TokenRequestOptions } from './token-request.js';
export { processTokenResponse, parseRetryAfter, type ProcessContext, type TokenHttpResponse } from './token-response.js';
export { sendTokenRequest, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_MS, type FetchLike, type TransportOptions } from './http-transport.js';
export { withRetry, backoffDelay, DEFAULT_RETRY, type RetryPolicy, type RetryClock } from './retry.js';
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
export { redact, safeExcerpt } from './redact.js';
export { decodeJwtParts, maskSecrets, MASK } from './token-details.js';
