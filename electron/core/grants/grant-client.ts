// Running one grant end to end: build, send with safe retries, try the other Basic form once, process.

import type { BasicCredentialEncoding, ProviderProfile } from '../providers/profile.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { basicFormsDiffer, type ClientCredentials } from './client-auth.js';
import { GrantError } from './grant-error.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_SECONDS, sendTokenRequest, systemSetTimer, type FetchLike, type SetTimer } from './http-transport.js';
import { DEFAULT_RETRY, isRetryable, withRetry, type RetryPolicy } from './retry.js';
import { buildTokenRequest, type GrantInput, type TokenRequestOptions } from './token-request.js';
import type { TokenRecord } from './token-record.js';
import { processTokenResponse } from './token-response.js';

/** Everything from outside that a grant needs, injected so tests control time and the network. */
export interface GrantDeps {
  readonly fetch: FetchLike;
  readonly now: () => number;
  /** Backoff waits; may honour the signal to drop its timer when the grant is cancelled. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  /** Arms the per-attempt timeout (the account's `timeoutSeconds`); real timers when absent. */
  readonly setTimer?: SetTimer;
  readonly maxBodyBytes?: number;
  readonly retry?: RetryPolicy;
}

export const systemGrantDeps = (): GrantDeps => ({
  fetch: (input, init) => fetch(input, init),
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    }),
  random: () => Math.random(),
  setTimer: systemSetTimer,
});

export interface GrantOptions extends TokenRequestOptions {
  /** The record being renewed: its refresh token survives an answer without one. */
  readonly previous?: TokenRecord | null;
  readonly retry?: RetryPolicy;
  /**
   * Cancels the grant: the request in flight is aborted, a backoff wait ends, nothing is retried,
   * and the result is a `cancelled` error. An answer that arrived in full before the abort is kept.
   */
  readonly signal?: AbortSignal;
}

export interface TokenOutcome {
  readonly record: TokenRecord;
  /**
   * With HTTP Basic whose two credential forms differ and no encoding chosen for the account: the
   * form the server accepted, for the account to remember (then no other form is tried again).
   */
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
  const timeoutMs = (profile.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const record = await withRetry(
    options.retry ?? deps.retry ?? DEFAULT_RETRY,
    deps,
    async (n) => {
      attempts = n;
      const response = await sendTokenRequest(request, {
        fetch: deps.fetch,
        timeoutMs,
        maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        ...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      return processTokenResponse(response, {
        now: deps.now(),
        grant: input.grant,
        requestedScope: request.requestedScope,
        previous: options.previous ?? null,
        secrets: request.secrets,
        dialect: profile,
        ...(profile.assumeLifetimeSeconds === undefined ? {} : { assumeLifetimeMs: profile.assumeLifetimeSeconds * 1000 }),
      });
    },
    { retryable: (error) => isRetryable(error, input.grant), ...(options.signal === undefined ? {} : { signal: options.signal }) },
  );
  return { record, attempts };
}

/**
 * A refusal that may mean "wrong Basic credential form" rather than "wrong secret": RFC 6749
 * §5.2 `invalid_client`, or a bare 401/403 from servers that send no OAuth error body.
 */
const mayBeEncoding = (error: GrantError): boolean =>
  error.code === 'invalid_client' || (error.code === 'refused' && (error.status === 401 || error.status === 403));

/**
 * Runs one grant against a provider in its dialect and returns the normalised record, or the
 * error as a value.
 *
 * HTTP Basic credentials (RFC 6749 §2.3.1) are form-encoded first unless the account chose an
 * encoding (`profile.basicEncoding`, the person's choice) or remembers one that worked
 * (`options.basicEncoding`). Only when neither is known and the two forms differ is the other form
 * tried, once, after a refusal that may mean "wrong form": so a wrong secret costs one request once
 * the form is known, and at most two on first contact, never more within one call.
 */
export async function requestToken(
  profile: ProviderProfile,
  input: GrantInput,
  client: ClientCredentials,
  options: GrantOptions,
  deps: GrantDeps,
): Promise<Result<TokenOutcome, GrantError>> {
  const chosen = profile.basicEncoding;
  const first: BasicCredentialEncoding = chosen ?? options.basicEncoding ?? 'form';
  const clientId = client.clientId ?? profile.defaultClientId;
  // Only where the two forms differ does the form matter, and can the account learn one.
  const differs =
    profile.clientAuth === 'basic' &&
    basicFormsDiffer({ ...(clientId === undefined ? {} : { clientId }), ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }) });
  const learning = differs && chosen === undefined;
  const mayFallBack = learning && options.basicEncoding === undefined;
  const report = (encoding: BasicCredentialEncoding): { basicEncoding?: BasicCredentialEncoding } => (learning ? { basicEncoding: encoding } : {});
  try {
    const outcome = await attemptGrant(profile, input, client, { ...options, basicEncoding: first }, deps);
    return ok({ ...outcome, ...report(first) });
  } catch (error) {
    if (!(error instanceof GrantError)) throw error;
    if (!mayFallBack || !mayBeEncoding(error) || options.signal?.aborted) {
      // Only invalid_client surely concerns the client's credentials; a bare 403 may be the password's.
      return err(differs && error.code === 'invalid_client' ? hinted(error, first, chosen !== undefined) : error);
    }
  }
  const other: BasicCredentialEncoding = first === 'form' ? 'raw' : 'form';
  try {
    const outcome = await attemptGrant(profile, input, client, { ...options, basicEncoding: other }, deps);
    return ok({ ...outcome, ...report(other) });
  } catch (error) {
    if (error instanceof GrantError) return err(error.withHint('Both the form-encoded and the raw HTTP Basic credentials were refused: check the client id and secret.'));
    throw error;
  }
}

/** Says which Basic form was sent and why, so a person can tell a wrong secret from a wrong form. */
function hinted(error: GrantError, sent: BasicCredentialEncoding, chosen: boolean): GrantError {
  const form = sent === 'form' ? 'form-encoded (RFC 6749 §2.3.1)' : 'raw (not form-encoded)';
  const why = chosen ? 'as chosen for this account' : 'as this server accepted before';
  const other = sent === 'form' ? 'raw' : 'form';
  return error.withHint(`The HTTP Basic credentials were sent ${form}, ${why}; if the secret is right, try --basic-encoding ${other}.`);
}
