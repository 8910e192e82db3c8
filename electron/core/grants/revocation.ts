// Token revocation (RFC 7009): the request (§2.1) as plain data, the answer (§2.2, §2.2.1) processed,
// the client authenticated as at the token endpoint.

import { err, ok, type Result } from '../../../shared/result.js';
import type { BasicCredentialEncoding, ProviderProfile } from '../providers/profile.js';
import { clientAuthStrategy, type ClientCredentials } from './client-auth.js';
import { formEncode } from './encoders.js';
import type { GrantDeps } from './grant-client.js';
import { GrantError } from './grant-error.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_SECONDS, sendRequest, type OutgoingRequest } from './http-transport.js';
import { processJsonAnswer } from './json-answer.js';
import { USER_AGENT } from './token-request.js';
import type { TokenHttpResponse } from './token-response.js';

export type TokenTypeHint = 'refresh_token' | 'access_token';

/** RFC 7009 §2.1: POST a form with `token` and its `token_type_hint`, the client authenticated as for the token endpoint. */
export function buildRevocationRequest(
  profile: ProviderProfile,
  endpoint: URL,
  client: ClientCredentials,
  token: { readonly value: string; readonly hint: TokenTypeHint },
  basicEncoding?: BasicCredentialEncoding,
): OutgoingRequest {
  const clientId = client.clientId ?? profile.defaultClientId;
  const auth = clientAuthStrategy(profile.clientAuth, basicEncoding ?? profile.basicEncoding ?? 'form')(
    { ...(clientId === undefined ? {} : { clientId }), ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }) },
    { idParam: profile.clientIdParam, secretParam: profile.clientSecretParam, sendEmptySecret: profile.sendEmptySecret },
  );
  const authorization = auth.headers['authorization'];
  return {
    url: endpoint.href,
    method: 'POST',
    headers: { accept: 'application/json', 'user-agent': USER_AGENT, 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', ...auth.headers },
    body: formEncode([['token', token.value], ['token_type_hint', token.hint], ...auth.params]),
    secrets: [token.value, ...(client.clientSecret ? [client.clientSecret] : []), ...(authorization ? [authorization, authorization.slice(6)] : [])],
    endpoint: 'revocation endpoint',
  };
}

/**
 * RFC 7009 §2.2: 200 means revoked, or the token was already invalid (both fine: it no longer
 * works; a 204 from servers that say it that way too); anything else is the error it says
 * (§2.2.1 `unsupported_token_type`, 503 with Retry-After, a refused client...).
 */
export function processRevocationResponse(response: TokenHttpResponse, context: { readonly now: number; readonly secrets?: readonly string[] }): void {
  if (response.status >= 200 && response.status < 300) return;
  processJsonAnswer(response, { endpoint: 'revocation endpoint', now: context.now, ...(context.secrets === undefined ? {} : { secrets: context.secrets }) });
  throw new GrantError('bad_response', `The revocation endpoint answered HTTP ${response.status}.`, { status: response.status });
}

/** Sends one revocation request; the error, if any, as a value. */
export async function revokeToken(
  request: OutgoingRequest,
  deps: GrantDeps,
  options: { readonly timeoutSeconds?: number; readonly signal?: AbortSignal } = {},
): Promise<Result<null, GrantError>> {
  try {
    const response = await sendRequest(request, {
      fetch: deps.fetch,
      timeoutMs: (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      ...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    processRevocationResponse(response, { now: deps.now(), secrets: request.secrets });
    return ok(null);
  } catch (error) {
    if (error instanceof GrantError) return err(error);
    throw error;
  }
}
