// Processing the JSON answers of endpoints other than the token endpoint (discovery, JWKS, device
// authorization, revocation) with the token endpoint's error model: unavailable, refused, bad answers.

import type { GrantType } from '../providers/profile.js';
import { GrantError } from './grant-error.js';
import { badResponse, oauthError, parseBody, parseRetryAfter, refused, type AnswerDialect, type TokenHttpResponse } from './token-response.js';
import { safeExcerpt } from './redact.js';

export interface AnswerContext {
  /** What the endpoint is, for messages ("discovery document", "device authorization endpoint"). */
  readonly endpoint: string;
  /** Epoch milliseconds when the answer arrived (for Retry-After dates). */
  readonly now: number;
  /** Values sent with the request, never to be echoed. */
  readonly secrets?: readonly string[];
  /** The grant the answer belongs to, for its own error codes (RFC 8628 §3.5 for device_code). */
  readonly grant?: GrantType;
  /** The provider's own error codes (GitHub's device_flow_disabled), from its profile. */
  readonly dialect?: AnswerDialect;
}

/**
 * A 2xx answer's JSON object, or the error it means: 5xx and 429 are `unavailable` (RFC 9110
 * §15.6, with Retry-After), a redirect or a non-JSON 2xx is `bad_response`, a 4xx is the RFC 6749
 * §5.2 error it carries or else `refused`.
 */
export function processJsonAnswer(response: TokenHttpResponse, context: AnswerContext): Record<string, unknown> {
  const secrets = context.secrets ?? [];
  const contentType = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const parsed = response.body.trim() === '' ? undefined : parseBody(response.body, contentType);
  const fields = parsed?.format === 'json' ? parsed.fields : undefined;
  if (response.status >= 500 || response.status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], context.now);
    const excerpt = response.body.trim() === '' ? '' : safeExcerpt(response.body, secrets);
    throw new GrantError('unavailable', `The ${context.endpoint} is unavailable (HTTP ${response.status})${excerpt === '' ? '' : `: "${excerpt}"`}`, {
      status: response.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(excerpt === '' ? {} : { excerpt }),
    });
  }
  if (response.status >= 300 && response.status < 400) throw badResponse(response, 'a redirect', secrets, context.endpoint);
  if (response.status >= 400) {
    throw (fields === undefined ? undefined : oauthError(response, fields, secrets, context.grant, context.dialect)) ?? refused(response, fields, secrets);
  }
  if (fields === undefined) {
    throw badResponse(response, response.body.trim() === '' ? 'an empty answer' : 'an answer that is not a JSON object', secrets, context.endpoint);
  }
  const embedded = oauthError(response, fields, secrets, context.grant, context.dialect);
  if (embedded !== undefined) throw embedded;
  return fields;
}
