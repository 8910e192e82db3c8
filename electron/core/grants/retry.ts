// Retrying temporary failures: exponential backoff with jitter, honouring Retry-After, bounded in tries and time.

import type { GrantType } from '../providers/profile.js';
import { GrantError } from './grant-error.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** No retry starts once this much time has passed since the first attempt. */
  readonly budgetMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, budgetMs: 30_000, baseDelayMs: 500, maxDelayMs: 10_000 };

export interface RetryClock {
  readonly now: () => number;
  /** May honour `signal` to drop its timer early; the wait ends on abort either way. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1): spreads retries of many clients apart. */
  readonly random: () => number;
}

/** The wait before attempt `attempt + 1`: Retry-After when the provider gave one, else equal-jitter backoff. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + (random * exponential) / 2);
}

/**
 * Whether a failed attempt may be sent again, by what is safe (RFC 6749 §10.4, §6 on rotated
 * refresh tokens; RFC 9110 §9.2.2 on idempotency):
 * - the provider answered that it could not serve (5xx, 503/429 with or without Retry-After):
 *   it did not issue anything, so any grant may be resent;
 * - the request never left (connection refused, no route, name not resolved): likewise;
 * - no answer in time, or the connection broke after sending: the provider may have acted on it.
 *   Only client_credentials is idempotent; a refresh may have rotated the refresh token (a resend
 *   looks like theft and revokes the session) and a password may count towards a lockout.
 * - refusals, bad answers and cancellations: never.
 */
export function isRetryable(error: GrantError, grant: GrantType): boolean {
  switch (error.code) {
    case 'unavailable':
      return true;
    case 'network':
      return error.unsent || grant === 'client_credentials';
    case 'timeout':
      return grant === 'client_credentials';
    default:
      return false;
  }
}

export interface RetryOptions {
  /** Which failures to try again; default: `unavailable` answers only. */
  readonly retryable?: (error: GrantError) => boolean;
  /** Ends a backoff wait at once; the attempt is then not made and the cancellation is thrown. */
  readonly signal?: AbortSignal;
}

/** Waits `ms` on the clock, or until `signal` aborts (then throws `cancelled`). */
async function pause(clock: RetryClock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return clock.sleep(ms);
  const cancelled = (): GrantError => new GrantError('cancelled', 'The token request was cancelled while waiting to retry.');
  if (signal.aborted) throw cancelled();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([clock.sleep(ms, signal), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Runs `attempt` until it succeeds or fails with anything `retryable` does not accept, at most
 * `maxAttempts` times and never past the time budget (a Retry-After beyond it ends the tries).
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  clock: RetryClock,
  attempt: (n: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retryable = options.retryable ?? ((error: GrantError) => error.code === 'unavailable');
  const started = clock.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof GrantError) || error.code === 'cancelled' || !retryable(error)) {
        throw error instanceof GrantError && n > 1 ? error.withAttempts(n) : error;
      }
      const delay = backoffDelay(policy, n, clock.random(), error.retryAfterMs);
      const elapsed = clock.now() - started;
      if (n >= policy.maxAttempts || elapsed + delay > policy.budgetMs) throw error.withAttempts(n);
      await pause(clock, delay, options.signal);
    }
  }
}
