// When to renew and when to try again: pure functions of a token record, a failure and the settings.
import type { ErrorValue } from '../../../shared/errors.js';
import type { Failure } from '../accounts/account-session.js';
import { backoffDelay, type RetryPolicy } from '../grants/retry.js';
import type { TokenRecord } from '../grants/token-record.js';

export interface RefreshSettings {
  /** Renew this long before expiry (capped at half the token's lifetime). */
  readonly leadMs: number;
  /** Up to this much earlier again, at random, so many accounts don't fire together. */
  readonly jitterMs: number;
  /** Upstream renewals running at once, across all accounts. */
  readonly maxConcurrent: number;
  /** Backoff between background retries after `unavailable` or network trouble. */
  readonly retry: RetryPolicy;
}

export const DEFAULT_REFRESH_SETTINGS: RefreshSettings = {
  leadMs: 5 * 60_000,
  jitterMs: 30_000,
  maxConcurrent: 4,
  retry: { maxAttempts: Number.POSITIVE_INFINITY, budgetMs: Number.POSITIVE_INFINITY, baseDelayMs: 5_000, maxDelayMs: 5 * 60_000 },
};

/**
 * Failures worth retrying unattended: the provider was down or unreachable, or answered
 * something unreadable (a proxy's page). A refusal, a configuration problem, a storage or
 * internal failure is not retried: trying again would fail the same way, or make it worse.
 */
const TEMPORARY: ReadonlySet<ErrorValue['kind']> = new Set(['unavailable', 'network', 'bad_response']);

export const isTemporary = (error: ErrorValue): boolean => TEMPORARY.has(error.kind);

/** When to renew: `leadMs` before expiry (at most half the lifetime), minus up to `jitterMs` at random. */
export function renewAt(record: TokenRecord, settings: Pick<RefreshSettings, 'leadMs' | 'jitterMs'>, random: number): number {
  const expiresAt = record.expiresAt ?? Number.POSITIVE_INFINITY;
  const lifetime = Math.max(0, expiresAt - record.issuedAt);
  const lead = Math.min(settings.leadMs, lifetime / 2);
  const jitter = random * Math.min(settings.jitterMs, lifetime / 10);
  return expiresAt - lead - jitter;
}

/**
 * The failure after a renewal failed with `error`: counted onto the previous run of failures,
 * with a retry time when the error is temporary and the retry policy's bounds allow one.
 */
export function nextFailure(previous: Failure | null, error: ErrorValue, now: number, policy: RetryPolicy, random: number): Failure {
  const attempts = (previous?.origin === 'renewal' ? previous.attempts : 0) + 1;
  const since = previous?.origin === 'renewal' ? previous.since : now;
  let delay = isTemporary(error) ? backoffDelay(policy, attempts, random, error.retryAfterMs) : null;
  // The retry policy's bounds: no retry after maxAttempts, none starting past the time budget.
  if (delay !== null && (attempts >= policy.maxAttempts || now - since + delay > policy.budgetMs)) delay = null;
  return { error, retryAt: delay === null ? null : now + delay, attempts, since, origin: 'renewal' };
}
