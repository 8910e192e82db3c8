// Specifies the refresh engine's pure policy: which failures are retried unattended, when the next try comes,
// and where the retry policy's bounds (attempts, time budget) stop it.
import { describe, expect, it } from 'vitest';
import type { ErrorKind, ErrorValue } from '../../../../shared/errors.js';
import type { Failure } from '../../../../electron/core/accounts/account-session.js';
import type { RetryPolicy } from '../../../../electron/core/grants/retry.js';
import { DEFAULT_REFRESH_SETTINGS, isTemporary, nextFailure } from '../../../../electron/core/refresh/renewal-policy.js';

const T0 = Date.UTC(2025, 0, 1);
const failed = (kind: ErrorKind, retryAfterMs?: number): ErrorValue => ({ code: kind, kind, message: 'x', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
const policy = (patch: Partial<RetryPolicy> = {}): RetryPolicy => ({ maxAttempts: Number.POSITIVE_INFINITY, budgetMs: Number.POSITIVE_INFINITY, baseDelayMs: 1_000, maxDelayMs: 60_000, ...patch });

describe('isTemporary()', () => {
  it.each(['unavailable', 'network', 'bad_response'] as const)('isTemporary() retries %s unattended: the provider may answer properly later', (kind) => {
    expect(isTemporary(failed(kind))).toBe(true);
  });

  it.each(['rejected', 'needs_sign_in', 'config', 'not_found', 'invalid_input', 'vault', 'storage', 'cancelled', 'internal'] as const)(
    'isTemporary() never retries %s: trying again would fail the same way',
    (kind) => {
      expect(isTemporary(failed(kind))).toBe(false);
    },
  );
});

describe('nextFailure()', () => {
  it('nextFailure() schedules a retry after a bad_response (a proxy page, say), as after an outage', () => {
    expect(nextFailure(null, failed('bad_response'), T0, policy(), 0)).toMatchObject({ retryAt: T0 + 500, attempts: 1, since: T0, origin: 'renewal' });
  });

  it('nextFailure() schedules no retry after a refusal', () => {
    expect(nextFailure(null, failed('rejected'), T0, policy(), 0)).toEqual({ error: failed('rejected'), retryAt: null, attempts: 1, since: T0, origin: 'renewal' });
  });

  it('nextFailure() counts onto a previous run of renewal failures and keeps when it began', () => {
    const previous: Failure = { error: failed('network'), retryAt: T0, attempts: 2, since: T0 - 5_000, origin: 'renewal' };
    // Third attempt: half of 4 s at random 0.
    expect(nextFailure(previous, failed('network'), T0, policy(), 0)).toMatchObject({ attempts: 3, since: T0 - 5_000, retryAt: T0 + 2_000 });
  });

  it('nextFailure() starts a new run after a failed sign-in: its attempts and start do not count', () => {
    const signIn: Failure = { error: failed('rejected'), retryAt: null, attempts: 4, since: T0 - 60_000, origin: 'sign_in' };
    expect(nextFailure(signIn, failed('unavailable'), T0, policy({ budgetMs: 10_000 }), 0)).toMatchObject({ attempts: 1, since: T0, retryAt: T0 + 500 });
  });

  it('nextFailure() honours the provider\'s Retry-After over the backoff', () => {
    expect(nextFailure(null, failed('unavailable', 42_000), T0, policy(), 0.9)).toMatchObject({ retryAt: T0 + 42_000 });
  });

  it('nextFailure() still retries when the next try lands exactly at the end of the time budget', () => {
    // 1 s since the run began, plus the 1 s wait of the second retry (half of 2 s): exactly the 2 s budget.
    const previous: Failure = { error: failed('unavailable'), retryAt: T0, attempts: 1, since: T0 - 1_000, origin: 'renewal' };
    expect(nextFailure(previous, failed('unavailable'), T0, policy({ budgetMs: 2_000 }), 0).retryAt).toBe(T0 + 1_000);
  });

  it('nextFailure() gives up when the next try would start a millisecond past the time budget', () => {
    const previous: Failure = { error: failed('unavailable'), retryAt: T0, attempts: 1, since: T0 - 1_001, origin: 'renewal' };
    expect(nextFailure(previous, failed('unavailable'), T0, policy({ budgetMs: 2_000 }), 0).retryAt).toBeNull();
  });

  it('nextFailure() retries until the attempt before maxAttempts, then gives up', () => {
    const after = (attempts: number): Failure => ({ error: failed('unavailable'), retryAt: T0, attempts, since: T0, origin: 'renewal' });
    expect(nextFailure(after(1), failed('unavailable'), T0, policy({ maxAttempts: 3 }), 0).retryAt).not.toBeNull();
    expect(nextFailure(after(2), failed('unavailable'), T0, policy({ maxAttempts: 3 }), 0).retryAt).toBeNull();
  });

  it('nextFailure() under the default settings backs off to at most five minutes, and never gives up', () => {
    const previous: Failure = { error: failed('network'), retryAt: T0, attempts: 1_000, since: T0 - 365 * 24 * 3_600_000, origin: 'renewal' };
    expect(nextFailure(previous, failed('network'), T0, DEFAULT_REFRESH_SETTINGS.retry, 0.999_999).retryAt).toBe(T0 + 5 * 60_000);
  });
});
