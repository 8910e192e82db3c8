// Running one grant end to end: build, send with retries, fall back between Basic forms, process.

import type { BasicCredentialEncoding, ProviderProfile } from '../providers/profile.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { basicFormsDiffer, type ClientCredentials } from './client-auth.js';
import { GrantError } from './grant-error.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_MS, sendTokenRequest, type FetchLike } from './http-transport.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import { buildTokenRequest, type GrantInput, type TokenRequestOptions } from './token-request.js';
import type { TokenRecord } from './token-record.js';
import { processTokenResponse } from './token-response.js';

/** Everything from outside that a grant needs, injected so tests control time and the network. */
export interface GrantDeps {
  readonly fetch: FetchLike;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly timeoutMs?: number;
  readonly maxBodyBytes?: number;
  readonly retry?: RetryPolicy;
}

export const systemGrantDeps = (): GrantDeps => ({
  fetch: (input, init) => fetch(input, init),
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
});

export interface GrantOptions extends TokenRequestOptions {
  /** The record being renewed: its refresh token survives an answer without one. */
  readonly previous?: TokenRecord | null;
  readonly retry?: RetryPolicy;
}

export interface TokenOutcome {
  readonly record: TokenRecord;
  /** With HTTP Basic: the credential form the server accepted, for the account to remember. */
  readonly basicEncoding?: BasicCredentialEncoding;
  readonly attempts: number;
}

async function attemptGrant(
  profile: ProviderProfile,
  input: GrantInput,
  client: ClientCredentials,
  options: GrantOptions,
  deps: GrantDeps,
): Promise<{ record: TokenRecord; attempts: number }> {
  const request = buildTokenRequest(profile, input, client, options);
  let attempts = 0;
  const record = await withRetry(options.retry ?? deps.retry ?? DEFAULT_RETRY, deps, async (n) => {
    attempts = n;
    const response = await sendTokenRequest(request, {
      fetch: deps.fetch,
      timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    });
    return processTokenResponse(response, {
      now: deps.now(),
      requestedScope: request.requestedScope,
      previous: options.previous ?? null,
      secrets: request.secrets,
    });
  });
  return { record, attempts };
}

/**
 * Runs one grant against a provider in its dialect and returns the normalised record, or the
 * error as a value. With HTTP Basic, a refusal with `invalid_client` is retried once with the
 * other credential form when it differs (RFC 6749 §2.3.1 form-encodes; many servers don't decode).
 */
export async function requestToken(
  profile: ProviderProfile,
  input: GrantInput,
  client: ClientCredentials,
  options: GrantOptions,
  deps: GrantDeps,
): Promise<Result<TokenOutcome, GrantError>> {
  const encoding = options.basicEncoding ?? profile.basicEncoding;
  try {
    const first = await attemptGrant(profile, input, client, { ...options, basicEncoding: encoding }, deps);
    return ok({ ...first, ...(profile.clientAuth === 'basic' ? { basicEncoding: encoding } : {}) });
  } catch (error) {
    if (!(error instanceof GrantError)) throw error;
    if (error.code !== 'invalid_client' || profile.clientAuth !== 'basic' || !basicFormsDiffer(client)) return err(error);
  }
  const other: BasicCredentialEncoding = encoding === 'form' ? 'raw' : 'form';
  try {
    const second = await attemptGrant(profile, input, client, { ...options, basicEncoding: other }, deps);
    return ok({ ...second, basicEncoding: other });
  } catch (error) {
    if (error instanceof GrantError) return err(error);
    throw error;
  }
}
