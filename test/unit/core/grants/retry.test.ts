// Specifies retrying temporary failures: growing backoff with bounded jitter, Retry-After, 3 attempts, a 30 s budget, on a fake clock.

import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GrantError } from '../../../../electron/core/grants/grant-error.js';
import { backoffDelay, DEFAULT_RETRY, isRetryable, withRetry, type RetryClock } from '../../../../electron/core/grants/retry.js';
import { rejectionOf } from './support.js';

/** A clock that only moves when told: sleeping advances it, attempts may too. */
function fakeClock(random = 0.5): RetryClock & { time: number; sleeps: number[] } {
  const clock = {
    time: 1_000_000,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
    random: () => random,
  };
  return clock;
}

const unavailable = (retryAfterMs?: number): GrantError =>
  new GrantError('unavailable', 'The provider is unavailable (HTTP 503)', { status: 503, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

/** An attempt function failing with the given errors in turn, then answering 'ok'; counts its calls. */
function script(...failures: Error[]): ((n: number) => Promise<string>) & { calls: number[] } {
  const calls: number[] = [];
  const fn = async (n: number): Promise<string> => {
    calls.push(n);
    const failure = failures[calls.length - 1];
    if (failure !== undefined) throw failure;
    return 'ok';
  };
  return Object.assign(fn, { calls });
}

describe('DEFAULT_RETRY', () => {
  it('allows 3 attempts within 30 s', () => {
    expect({ maxAttempts: DEFAULT_RETRY.maxAttempts, budgetMs: DEFAULT_RETRY.budgetMs }).toEqual({ maxAttempts: 3, budgetMs: 30_000 });
  });
});

describe('backoffDelay()', () => {
  it('waits between half and all of the base delay before the second attempt', () => {
    expect([backoffDelay(DEFAULT_RETRY, 1, 0), backoffDelay(DEFAULT_RETRY, 1, 0.999_999)]).toEqual([250, 500]);
  });

  it('doubles the delay with each attempt', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(DEFAULT_RETRY, n, 0))).toEqual([250, 500, 1000, 2000]);
  });

  it('never waits longer than the maximum delay', () => {
    expect(backoffDelay(DEFAULT_RETRY, 30, 0.999_999)).toBe(DEFAULT_RETRY.maxDelayMs);
  });

  it('waits exactly as long as Retry-After says, whatever the jitter', () => {
    expect(backoffDelay(DEFAULT_RETRY, 1, 0.7, 7_000)).toBe(7_000);
  });

  it('keeps the jitter within [half, all] of the exponential delay for every attempt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const full = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (attempt - 1));
        const delay = backoffDelay(DEFAULT_RETRY, attempt, random);
        return delay >= Math.floor(full / 2) && delay <= full;
      }),
    );
  });

  it('never shrinks from one attempt to the next for the same jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) =>
        backoffDelay(DEFAULT_RETRY, attempt + 1, random) >= backoffDelay(DEFAULT_RETRY, attempt, random),
      ),
    );
  });
});

describe('withRetry()', () => {
  it('returns the first success without waiting', async () => {
    const clock = fakeClock();
    await withRetry(DEFAULT_RETRY, clock, script());
    expect(clock.sleeps).toEqual([]);
  });

  it('retries unavailable twice and returns the third attempt\'s success', async () => {
    const attempt = script(unavailable(), unavailable());
    expect(await withRetry(DEFAULT_RETRY, fakeClock(), attempt)).toBe('ok');
  });

  it('numbers the attempts 1, 2, 3', async () => {
    const attempt = script(unavailable(), unavailable());
    await withRetry(DEFAULT_RETRY, fakeClock(), attempt);
    expect(attempt.calls).toEqual([1, 2, 3]);
  });

  it('waits a growing backoff between attempts', async () => {
    const clock = fakeClock(0.5);
    await withRetry(DEFAULT_RETRY, clock, script(unavailable(), unavailable()));
    expect(clock.sleeps).toEqual([375, 750]);
  });

  it('stops after 3 attempts', async () => {
    const attempt = script(unavailable(), unavailable(), unavailable(), unavailable());
    await rejectionOf(withRetry(DEFAULT_RETRY, fakeClock(), attempt));
    expect(attempt.calls).toEqual([1, 2, 3]);
  });

  it('gives up with the last unavailable error, counting its attempts', async () => {
    const error = await rejectionOf(withRetry(DEFAULT_RETRY, fakeClock(), script(unavailable(), unavailable(), unavailable())));
    expect({ code: error.code, attempts: error.attempts }).toEqual({ code: 'unavailable', attempts: 3 });
  });

  it('does not wait after the last attempt', async () => {
    const clock = fakeClock();
    await rejectionOf(withRetry(DEFAULT_RETRY, clock, script(unavailable(), unavailable(), unavailable())));
    expect(clock.sleeps).toHaveLength(2);
  });

  it('honours Retry-After', async () => {
    const clock = fakeClock();
    await withRetry(DEFAULT_RETRY, clock, script(unavailable(7_000), unavailable(0)));
    expect(clock.sleeps).toEqual([7_000, 0]);
  });

  it('gives up at once when Retry-After asks for more than the 30 s budget', async () => {
    const clock = fakeClock();
    const attempt = script(unavailable(31_000));
    const error = await rejectionOf(withRetry(DEFAULT_RETRY, clock, attempt));
    expect({ calls: attempt.calls, sleeps: clock.sleeps, retryAfterMs: error.retryAfterMs }).toEqual({
      calls: [1],
      sleeps: [],
      retryAfterMs: 31_000,
    });
  });

  it('retries when the wait ends exactly at the budget', async () => {
    const clock = fakeClock();
    const attempt = script(unavailable(30_000));
    await withRetry(DEFAULT_RETRY, clock, attempt);
    expect(attempt.calls).toEqual([1, 2]);
  });

  it('stops when slow attempts leave no room in the budget for the next wait', async () => {
    const clock = fakeClock(0.5);
    const calls: number[] = [];
    const error = await rejectionOf(
      withRetry(DEFAULT_RETRY, clock, async (n) => {
        calls.push(n);
        clock.time += 15_000; // each attempt takes 15 s before failing
        throw unavailable();
      }),
    );
    // 15 s + 375 ms wait fits; 30.375 s + 750 ms does not.
    expect({ calls, sleeps: clock.sleeps, attempts: error.attempts }).toEqual({ calls: [1, 2], sleeps: [375], attempts: 2 });
  });

  it.each(['invalid_grant', 'invalid_client', 'bad_response', 'network', 'tls', 'needs_sign_in'] as const)('does not retry %s', async (code) => {
    const attempt = script(new GrantError(code, code));
    await rejectionOf(withRetry(DEFAULT_RETRY, fakeClock(), attempt));
    expect(attempt.calls).toEqual([1]);
  });

  it('passes a non-retried error through unchanged', async () => {
    const refused = new GrantError('invalid_grant', 'no');
    expect(await rejectionOf(withRetry(DEFAULT_RETRY, fakeClock(), script(refused)))).toBe(refused);
  });

  it('does not retry an error that is not a GrantError', async () => {
    const attempt = script(new TypeError('boom'));
    await expect(withRetry(DEFAULT_RETRY, fakeClock(), attempt)).rejects.toThrow('boom');
  });

  it('follows a custom policy\'s attempt count', async () => {
    const attempt = script(unavailable(), unavailable(), unavailable(), unavailable());
    await withRetry({ ...DEFAULT_RETRY, maxAttempts: 5 }, fakeClock(), attempt);
    expect(attempt.calls).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps the status and Retry-After on the final error', async () => {
    const error = await rejectionOf(withRetry(DEFAULT_RETRY, fakeClock(), script(unavailable(100), unavailable(100), unavailable(100))));
    expect({ status: error.status, retryAfterMs: error.retryAfterMs }).toEqual({ status: 503, retryAfterMs: 100 });
  });
});

describe('isRetryable(): only what is safe to send again', () => {
  const cases: ReadonlyArray<readonly [string, GrantError, 'password' | 'client_credentials' | 'refresh_token', boolean]> = [
    ['a 503 on a refresh', unavailable(), 'refresh_token', true],
    ['a refused connection on a refresh (nothing sent)', new GrantError('network', 'refused', { unsent: true }), 'refresh_token', true],
    ['a timeout on a refresh (it may have rotated)', new GrantError('timeout', 'slow'), 'refresh_token', false],
    ['a timeout on a password grant (lockout)', new GrantError('timeout', 'slow'), 'password', false],
    ['a timeout on client_credentials (idempotent)', new GrantError('timeout', 'slow'), 'client_credentials', true],
    ['a reset connection on a refresh', new GrantError('network', 'reset'), 'refresh_token', false],
    ['a reset connection on client_credentials', new GrantError('network', 'reset'), 'client_credentials', true],
    ['a cancellation, even of client_credentials', new GrantError('cancelled', 'stop'), 'client_credentials', false],
    ['a refusal', new GrantError('invalid_grant', 'no', { status: 400 }), 'client_credentials', false],
    ['a TLS failure', new GrantError('tls', 'cert'), 'client_credentials', false],
  ];

  it.each(cases)('%s', (_, error, grant, expected) => {
    expect(isRetryable(error, grant)).toBe(expected);
  });
});

describe('withRetry() with a retryable predicate that accepts everything', () => {
  const always = { retryable: () => true };

  it('still never retries a cancelled grant', async () => {
    const attempt = script(new GrantError('cancelled', 'stop'));
    await rejectionOf(withRetry(DEFAULT_RETRY, fakeClock(), attempt, always));
    expect(attempt.calls).toEqual([1]);
  });

  it('still never retries an error that is not a GrantError', async () => {
    const attempt = script(new TypeError('boom'));
    await expect(withRetry(DEFAULT_RETRY, fakeClock(), attempt, always)).rejects.toThrow('boom');
    expect(attempt.calls).toEqual([1]);
  });
});

describe('withRetry() ending on an error it does not retry', () => {
  it('counts every attempt made on that error', async () => {
    const error = await rejectionOf(withRetry(DEFAULT_RETRY, fakeClock(), script(unavailable(), new GrantError('invalid_grant', 'no'))));
    expect({ code: error.code, attempts: error.attempts }).toEqual({ code: 'invalid_grant', attempts: 2 });
  });
});

describe('withRetry() cancelled between attempts', () => {
  it('fails with cancelled, without waiting or trying again, when the signal was aborted before the wait', async () => {
    const controller = new AbortController();
    const clock = fakeClock();
    const calls: number[] = [];
    const error = await rejectionOf(
      withRetry(
        DEFAULT_RETRY,
        clock,
        async (n) => {
          calls.push(n);
          controller.abort();
          throw unavailable();
        },
        { signal: controller.signal },
      ),
    );
    expect({ code: error.code, message: error.message, calls, sleeps: clock.sleeps }).toEqual({
      code: 'cancelled',
      message: 'The token request was cancelled while waiting to retry.',
      calls: [1],
      sleeps: [],
    });
  });

  it('fails with cancelled when the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const clock = { ...fakeClock(), sleep: () => new Promise<void>(() => undefined) };
    const attempt = script(unavailable());
    const pending = rejectionOf(withRetry(DEFAULT_RETRY, clock, attempt, { signal: controller.signal }));
    await new Promise<void>((resolve) => setImmediate(resolve));
    controller.abort();
    expect({ code: (await pending).code, calls: attempt.calls }).toEqual({ code: 'cancelled', calls: [1] });
  });

  it('leaves no abort listener on the signal once the wait is over', async () => {
    const controller = new AbortController();
    await withRetry(DEFAULT_RETRY, fakeClock(), script(unavailable(), unavailable()), { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
