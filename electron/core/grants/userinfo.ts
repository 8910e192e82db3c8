// Who signed in, from a userinfo-like endpoint where no ID token says it (GitHub: `GET https://api.github.com/user`,
// https://docs.github.com/en/rest/users/users#get-the-authenticated-user): the request and its answer as plain data.

import { err, ok, type Result } from '../../../shared/result.js';
import type { UserinfoIdentity } from '../providers/profile.js';
import type { GrantDeps } from './grant-client.js';
import { GrantError } from './grant-error.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_SECONDS, sendRequest, type OutgoingRequest } from './http-transport.js';
import { processJsonAnswer } from './json-answer.js';
import { USER_AGENT } from './token-request.js';
import type { TokenHttpResponse } from './token-response.js';

/** Who the token belongs to, as the endpoint says it (never a secret). */
export interface UserinfoAnswer {
  readonly id: string | null;
  readonly name: string | null;
  readonly email: string | null;
}

/** RFC 6750 §2.1: the access token as a Bearer credential, with the headers the provider's API asks for. */
export function buildUserinfoRequest(url: URL, accessToken: string, fields: UserinfoIdentity): OutgoingRequest {
  return {
    url: url.href,
    method: 'GET',
    headers: { accept: 'application/json', ...fields.headers, 'user-agent': USER_AGENT, authorization: `Bearer ${accessToken}` },
    secrets: [accessToken, `Bearer ${accessToken}`],
    endpoint: 'userinfo endpoint',
  };
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.slice(0, 500) : typeof value === 'number' && Number.isFinite(value) ? String(value) : null;

/** The identity in a userinfo answer: the fields the profile names (GitHub: `id`, `login`, `email`); at least one must be there. */
export function processUserinfoResponse(
  response: TokenHttpResponse,
  fields: UserinfoIdentity,
  context: { readonly now: number; readonly secrets?: readonly string[] },
): UserinfoAnswer {
  const answer = processJsonAnswer(response, { endpoint: 'userinfo endpoint', now: context.now, ...(context.secrets === undefined ? {} : { secrets: context.secrets }) });
  const identity = { id: text(answer[fields.id]), name: text(answer[fields.name]), email: text(answer[fields.email]) };
  if (identity.id === null && identity.name === null && identity.email === null) {
    throw new GrantError('bad_response', `The userinfo endpoint answered without ${fields.id}, ${fields.name} or ${fields.email}.`, { status: response.status });
  }
  return identity;
}

/** Asks the userinfo endpoint who the token belongs to. */
export async function fetchUserinfo(
  url: URL,
  accessToken: string,
  fields: UserinfoIdentity,
  deps: GrantDeps,
  options: { readonly timeoutSeconds?: number; readonly signal?: AbortSignal } = {},
): Promise<Result<UserinfoAnswer, GrantError>> {
  const request = buildUserinfoRequest(url, accessToken, fields);
  try {
    const response = await sendRequest(request, {
      fetch: deps.fetch,
      timeoutMs: (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      ...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return ok(processUserinfoResponse(response, fields, { now: deps.now(), secrets: request.secrets }));
  } catch (error) {
    if (error instanceof GrantError) return err(error);
    throw error;
  }
}
