// Retrying temporary failures: exponential backoff with jitter, honouring Retry-After, bounded in tries and time.

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
  readonly sleep: (ms: number) => Promise<void>;
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
 * Runs `attempt` until it succeeds or fails with anything but `unavailable`, at most
 * `maxAttempts` times and never past the time budget (a Retry-After beyond it ends the tries).
 */
export async function withRetry<T>(policy: RetryPolicy, clock: RetryClock, attempt: (n: number) => Promise<T>): Promise<T> {
  const started = clock.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof GrantError) || error.code !== 'unavailable') throw error;
      const delay = backoffDelay(policy, n, clock.random(), error.retryAfterMs);
      const elapsed = clock.now() - started;
      if (n >= policy.maxAttempts || elapsed + delay > policy.budgetMs) throw error.withAttempts(n);
      await clock.sleep(delay);
    }
  }
}
