// Specifies RefreshEngine on a fake clock: single flight (through the account's session), renewal timing with lead and
// jitter, backoff, states, load. The engine keeps timers only; each account's token lives in its AccountSession.

import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../../../shared/result.js';
import type { AccountState } from '../../../../shared/account-state.js';
import { GrantError } from '../../../../electron/core/grants/grant-error.js';
import type { TokenRecord } from '../../../../electron/core/grants/token-record.js';
import { DEFAULT_REFRESH_SETTINGS, RefreshEngine, type RefreshSettings } from '../../../../electron/core/refresh/refresh-engine.js';
import { AccountSession } from '../../../../electron/core/accounts/account-session.js';
import type { Clock } from '../../../../electron/core/refresh/clock.js';
import { VaultError } from '../../../../electron/core/vault/vault-error.js';
import { testAccount } from '../../../fixtures/accounts.js';
import { FakeClock } from '../../../fixtures/fake-clock.js';
import { createLogger, type LogRecord } from '../../../../electron/core/log/logger.js';

const T0 = Date.UTC(2025, 0, 1);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

type Renewal = Result<TokenRecord, GrantError>;
/** What the service does for the engine, scripted by name: the renewal itself (which stores the new token on the session). */
type Renewer = (name: string) => Promise<Renewal>;

const account = (name: string, needsSignIn: string | null = null) => testAccount({ name, needsSignIn, createdAt: T0, updatedAt: T0 });

/**
 * The engine with a host standing in for the service: sessions by name, whether each can renew,
 * and the renewer's answer stored on the session (a refused refresh token marks the account as
 * needing sign-in, as the service does).
 */
class EngineUnderTest {
  readonly engine: RefreshEngine;
  private readonly sessions = new Map<string, AccountSession>();
  private readonly renewable = new Map<string, boolean>();

  constructor(clock: Clock, renewer: Renewer, s: RefreshSettings, random: () => number) {
    this.engine = new RefreshEngine(
      clock,
      {
        canRenew: (session) => this.renewable.get(session.name) ?? false,
        renew: async (session) => {
          const result = await renewer(session.name);
          if (result.ok) {
            session.adopt(result.value);
            return result;
          }
          if (result.error.code === 'invalid_grant' || result.error.code === 'needs_sign_in') {
            session.setAccount({ ...session.account, needsSignIn: result.error.message });
            return err({ ...result.error.toJSON(), code: 'needs_sign_in', kind: 'needs_sign_in' });
          }
          return err(result.error.toJSON());
        },
      },
      s,
      random,
    );
  }

  track(name: string, facts: { record: TokenRecord | null; canRenew: boolean; needsSignIn?: string }): AccountSession {
    this.renewable.set(name, facts.canRenew);
    let session = this.sessions.get(name);
    if (session === undefined) {
      session = new AccountSession(account(name, facts.needsSignIn ?? null), facts.record === null ? { kind: 'none' } : { kind: 'ok', record: facts.record });
      this.sessions.set(name, session);
      this.engine.watch(session);
    } else {
      if (facts.record !== null) session.adopt(facts.record);
      this.engine.reschedule(session);
    }
    return session;
  }

  untrack(name: string): void {
    this.sessions.delete(name);
    this.engine.forget(name);
  }

  state(name: string): AccountState {
    const session = this.sessions.get(name);
    return session === undefined ? { kind: 'signed_out' } : this.engine.state(session);
  }

  ensureValid(name: string, minValidMs: number) {
    const session = this.sessions.get(name);
    if (session === undefined) throw new Error(`no session ${name}`);
    return this.engine.ensureValid(session, minValidMs);
  }

  onState(listener: (name: string, state: AccountState) => void): () => void {
    return this.engine.onState(listener);
  }

  resume(): void {
    this.engine.resume();
  }

  stop(): void {
    this.engine.stop();
  }

  get concurrencyHighWater(): number {
    return this.engine.concurrencyHighWater;
  }
}

let serial = 0;
/** A token issued at `issuedAt` that lives `lifetimeMs` (null: the provider did not say). */
function token(issuedAt: number, lifetimeMs: number | null, accessToken = `at-${++serial}`): TokenRecord {
  return {
    accessToken,
    tokenType: 'Bearer',
    issuedAt,
    expiresAt: lifetimeMs === null ? null : issuedAt + lifetimeMs,
    expirySource: lifetimeMs === null ? 'unknown' : 'expires_in',
    refreshToken: 'rt',
    refreshExpiresAt: null,
    grantedScope: null,
    requestedScope: null,
    extra: {},
  };
}

/** Mulberry32: a small seeded generator, so every run is the same. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const fixed = (value: number) => (): number => value;

function settings(overrides: Partial<RefreshSettings> = {}): RefreshSettings {
  return { ...DEFAULT_REFRESH_SETTINGS, ...overrides };
}

/** A renewer that answers from a script (the last step repeats), taking `tookMs` of fake time, and logs each call's time. */
function scripted(clock: FakeClock, steps: ReadonlyArray<(now: number) => Renewal>, tookMs = 0) {
  const calls: number[] = [];
  const renewer: Renewer = async () => {
    const step = steps[Math.min(calls.length, steps.length - 1)];
    calls.push(clock.now());
    if (tookMs > 0) await clock.sleep(tookMs);
    if (step === undefined) throw new Error('empty script');
    return step(clock.now());
  };
  return { renewer, calls };
}

const renewedFor = (lifetimeMs: number) => (now: number): Renewal => ok(token(now, lifetimeMs));

function recordStates(engine: EngineUnderTest, name: string): AccountState[] {
  const states: AccountState[] = [];
  engine.onState((n, state) => {
    if (n === name) states.push(state);
  });
  return states;
}

describe('RefreshEngine.ensureValid()', () => {
  it('RefreshEngine.ensureValid() makes one upstream call for 200 concurrent callers on an expired token', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)], 200);
    const engine = new EngineUnderTest(clock, renewer, settings(), seeded(1));
    engine.track('acme', { record: token(T0 - 2 * HOUR, HOUR), canRenew: true });

    const callers = Array.from({ length: 200 }, () => engine.ensureValid('acme', 0));
    await clock.advance(200);
    const results = await Promise.all(callers);

    expect(calls).toHaveLength(1);
    const first = results[0];
    if (first === undefined || !first.ok) throw new Error('expected a renewed token');
    expect(first.value.record.expiresAt).toBe(T0 + 200 + HOUR);
    for (const result of results) expect(result.ok && result.value.record).toBe(first.value.record);
    expect(engine.state('acme')).toEqual({ kind: 'valid', expiresAt: T0 + 200 + HOUR });
  });

  it('RefreshEngine.ensureValid() returns the current token without an upstream call while it lasts minValidMs', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    const current = token(T0, HOUR);
    engine.track('acme', { record: current, canRenew: true });

    const result = await engine.ensureValid('acme', 30 * MINUTE);
    expect(result).toEqual({ ok: true, value: { record: current, warning: null } });
    expect(calls).toHaveLength(0);
  });

  it('RefreshEngine.ensureValid() renews first when the current token would not last minValidMs', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: token(T0 - 40 * MINUTE, HOUR), canRenew: true });

    const result = await engine.ensureValid('acme', 30 * MINUTE);
    expect(calls).toEqual([T0]);
    expect(result).toEqual({ ok: true, value: { record: expect.objectContaining({ expiresAt: T0 + HOUR }), warning: null } });
  });

  it('RefreshEngine.ensureValid() hands out, with a warning and without renewing, a token that even fresh could not last minValidMs', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(10 * MINUTE)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    const current = token(T0, 10 * MINUTE);
    engine.track('acme', { record: current, canRenew: true });

    const result = await engine.ensureValid('acme', HOUR);
    if (!result.ok) throw new Error('expected the token');
    expect(result.value.record).toBe(current);
    expect(result.value.warning).toMatch(/^warning: the token is valid for 600 s, less than the 3600 s asked for: the provider issues tokens for 600 s at most\.$/);
    expect(calls).toHaveLength(0);
  });

  it('RefreshEngine.ensureValid() renews such a token once its lead time comes, and warns that the fresh one cannot meet minValidMs either', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(10 * MINUTE)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: token(T0 - 6 * MINUTE, 10 * MINUTE), canRenew: true });

    const result = await engine.ensureValid('acme', HOUR);
    expect(calls).toEqual([T0]);
    if (!result.ok) throw new Error('expected the renewed token');
    expect(result.value.record.issuedAt).toBe(T0);
    expect(result.value.warning).toContain('less than the 3600 s asked for');
  });

  it('RefreshEngine.ensureValid() never hands out a token that arrives already expired: expired_on_arrival, kind unavailable', async () => {
    const clock = new FakeClock(T0);
    const { renewer } = scripted(clock, [renewedFor(0)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: token(T0 - 2 * HOUR, HOUR), canRenew: true });

    const result = await engine.ensureValid('acme', 0);
    expect(result).toMatchObject({ ok: false, error: { code: 'expired_on_arrival', kind: 'unavailable' } });
  });

  it('RefreshEngine.ensureValid() returns a token without an expiry as is', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    const forever = token(T0, null);
    engine.track('acme', { record: forever, canRenew: true });

    expect(await engine.ensureValid('acme', 365 * 24 * HOUR)).toEqual({ ok: true, value: { record: forever, warning: null } });
    expect(calls).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('RefreshEngine.ensureValid() joins a background renewal in flight and gets its new token, not the old one', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)], 500);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    const old = token(T0, HOUR);
    engine.track('acme', { record: old, canRenew: true });

    await clock.runUntil(T0 + 55 * MINUTE + 100); // the background renewal started at 55 min and is still running
    expect(calls).toEqual([T0 + 55 * MINUTE]);
    const waiting = engine.ensureValid('acme', 0);
    await clock.advance(400);
    const result = await waiting;
    expect(calls).toHaveLength(1);
    expect(result.ok && result.value.record).not.toBe(old);
    expect(result.ok && result.value.record.issuedAt).toBe(T0 + 55 * MINUTE + 500);
  });

  it('RefreshEngine.ensureValid() turns a renewer that throws something unexpected into an internal error, never retried', async () => {
    const clock = new FakeClock(T0);
    const engine = new EngineUnderTest(clock, () => Promise.reject(new Error('socket hang up')), settings(), fixed(0));
    engine.track('acme', { record: token(T0 - 2 * HOUR, HOUR), canRenew: true });

    const result = await engine.ensureValid('acme', 0);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'internal_error', kind: 'internal' });
    expect(result.error.message).not.toContain('socket hang up');
    expect(engine.state('acme')).toMatchObject({ kind: 'error', retryAt: null });
    expect(clock.pendingTimers).toBe(0);
  });

  it('RefreshEngine reports a failed vault write as the storage failure it is, naming the cause, and does not retry it as an outage', async () => {
    const clock = new FakeClock(T0);
    const diskFull = new VaultError('io', 'Could not write /data/secrets.json (ENOSPC)', { cause: Object.assign(new Error('no space'), { code: 'ENOSPC' }) });
    const engine = new EngineUnderTest(clock, () => Promise.reject(diskFull), settings(), fixed(0));
    engine.track('acme', { record: token(T0 - 2 * HOUR, HOUR), canRenew: true });

    const result = await engine.ensureValid('acme', 0);
    if (result.ok) throw new Error('expected a storage failure');
    expect(result.error).toMatchObject({ code: 'storage_failed', kind: 'storage' });
    expect(result.error.message).toContain('ENOSPC');
    expect(engine.state('acme')).toMatchObject({ kind: 'error', error: { kind: 'storage' }, retryAt: null });
    await clock.advance(HOUR);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('RefreshEngine background renewal', () => {
  it.each([
    // lifetime, leadMs, jitterMs, random, how long before expiry the renewal fires
    { lifetime: HOUR, lead: 5 * MINUTE, jitter: 30 * SECOND, random: 0, before: 5 * MINUTE },
    { lifetime: HOUR, lead: 5 * MINUTE, jitter: 30 * SECOND, random: 0.5, before: 5 * MINUTE + 15 * SECOND },
    { lifetime: HOUR, lead: 5 * MINUTE, jitter: 30 * SECOND, random: 0.9, before: 5 * MINUTE + 27 * SECOND },
    // lead capped at half the lifetime, jitter at a tenth of it
    { lifetime: MINUTE, lead: 5 * MINUTE, jitter: 30 * SECOND, random: 0, before: 30 * SECOND },
    { lifetime: MINUTE, lead: 5 * MINUTE, jitter: 30 * SECOND, random: 0.5, before: 33 * SECOND },
    { lifetime: 8 * MINUTE, lead: 5 * MINUTE, jitter: 30 * SECOND, random: 0.5, before: 4 * MINUTE + 15 * SECOND },
  ])(
    'RefreshEngine renews $lifetime ms tokens ahead of expiry by leadMs (at most half the lifetime) plus random x jitter: $before ms at random $random',
    async ({ lifetime, lead, jitter, random, before }) => {
      const clock = new FakeClock(T0);
      const { renewer, calls } = scripted(clock, [renewedFor(lifetime)]);
      const engine = new EngineUnderTest(clock, renewer, settings({ leadMs: lead, jitterMs: jitter }), fixed(random));
      engine.track('acme', { record: token(T0, lifetime), canRenew: true });

      const due = T0 + lifetime - before;
      await clock.runUntil(due - 1);
      expect(calls).toHaveLength(0);
      await clock.runUntil(due);
      expect(calls).toEqual([due]);
    },
  );

  it('RefreshEngine renews an already expired token as soon as it is tracked', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: token(T0 - 2 * HOUR, HOUR), canRenew: true });
    expect(engine.state('acme')).toEqual({ kind: 'expired', expiresAt: T0 - HOUR });

    await clock.advance(0);
    expect(calls).toEqual([T0]);
    expect(engine.state('acme')).toEqual({ kind: 'valid', expiresAt: T0 + HOUR });
  });

  it('RefreshEngine.resume() renews at once what fell due while the machine slept and timers stood still', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });
    // Suspended for two hours: the wall clock moves, the timers' monotonic clock does not.
    clock.suspend(2 * HOUR);
    await clock.advance(0);
    expect(calls).toEqual([]);
    expect(engine.state('acme').kind).toBe('expired');

    engine.resume();
    await clock.advance(0);
    expect(calls).toEqual([T0 + 2 * HOUR]);
    expect(engine.state('acme')).toEqual({ kind: 'valid', expiresAt: T0 + 3 * HOUR });
  });

  it('RefreshEngine emits valid -> refreshing -> valid to onState listeners around a renewal', async () => {
    const clock = new FakeClock(T0);
    const { renewer } = scripted(clock, [renewedFor(HOUR)], 200);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    const states = recordStates(engine, 'acme');
    const others: string[] = [];
    engine.onState((name) => {
      if (name !== 'acme') others.push(name);
    });
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });

    await clock.runUntil(T0 + 55 * MINUTE);
    expect(states).toEqual([
      { kind: 'valid', expiresAt: T0 + HOUR },
      { kind: 'refreshing', expiresAt: T0 + HOUR },
    ]);
    expect(engine.state('acme').kind).toBe('refreshing');
    await clock.advance(200);
    expect(states).toEqual([
      { kind: 'valid', expiresAt: T0 + HOUR },
      { kind: 'refreshing', expiresAt: T0 + HOUR },
      { kind: 'valid', expiresAt: T0 + 55 * MINUTE + 200 + HOUR },
    ]);
    expect(others).toEqual([]);
  });

  it('RefreshEngine.onState() returns an unsubscribe that stops further events', async () => {
    const clock = new FakeClock(T0);
    const { renewer } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    const seen: AccountState[] = [];
    const off = engine.onState((_, state) => seen.push(state));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });
    off();
    await clock.advance(2 * HOUR);
    expect(seen).toEqual([{ kind: 'valid', expiresAt: T0 + HOUR }]);
  });

  it('RefreshEngine keeps renewing, each renewal scheduled from the new token', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(10 * MINUTE)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: token(T0, 10 * MINUTE), canRenew: true });

    await clock.advance(30 * MINUTE);
    expect(calls).toEqual([T0 + 5 * MINUTE, T0 + 10 * MINUTE, T0 + 15 * MINUTE, T0 + 20 * MINUTE, T0 + 25 * MINUTE, T0 + 30 * MINUTE]);
  });

  it.each(['invalid_grant', 'needs_sign_in'] as const)(
    'RefreshEngine moves to needs_sign_in, and sets no further timers, when the renewer fails with %s',
    async (code) => {
      const clock = new FakeClock(T0);
      const { renewer, calls } = scripted(clock, [() => err(new GrantError(code, 'The provider refused the refresh token.'))], 200);
      const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
      const states = recordStates(engine, 'acme');
      engine.track('acme', { record: token(T0, HOUR), canRenew: true });

      await clock.runUntil(T0 + 55 * MINUTE + 200);
      expect(calls).toEqual([T0 + 55 * MINUTE]);
      expect(engine.state('acme')).toEqual({ kind: 'needs_sign_in', reason: 'The provider refused the refresh token.' });
      expect(states.map((s) => s.kind)).toEqual(['valid', 'refreshing', 'needs_sign_in']);
      expect(clock.pendingTimers).toBe(0);

      await clock.advance(24 * HOUR);
      expect(calls).toHaveLength(1);
      expect(states).toHaveLength(3);
    },
  );

  it('RefreshEngine retries unavailable (503) in the background after retryAfterMs, going error -> valid', async () => {
    const clock = new FakeClock(T0);
    const unavailable = new GrantError('unavailable', 'x', { status: 503, retryAfterMs: 1000 });
    const { renewer, calls } = scripted(clock, [() => err(unavailable), renewedFor(HOUR)], 200);
    // The state carries the plain error value, never the exception.
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    const states = recordStates(engine, 'acme');
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });

    const first = T0 + 55 * MINUTE;
    await clock.runUntil(first + 200);
    expect(engine.state('acme')).toEqual({ kind: 'error', error: unavailable.toJSON(), retryAt: first + 200 + 1000 });
    expect(clock.nextTimerAt()).toBe(first + 1200);

    await clock.runUntil(first + 1200 + 200);
    expect(calls).toEqual([first, first + 1200]);
    expect(engine.state('acme')).toEqual({ kind: 'valid', expiresAt: first + 1400 + HOUR });
    expect(states.map((s) => s.kind)).toEqual(['valid', 'refreshing', 'error', 'refreshing', 'valid']);
  });

  it('RefreshEngine backs off exponentially (with equal jitter) between background retries when no Retry-After is given', async () => {
    const clock = new FakeClock(T0);
    const down = (): Renewal => err(new GrantError('unavailable', 'x', { status: 503 }));
    const { renewer, calls } = scripted(clock, [down, down, down, renewedFor(HOUR)]);
    const retry = { maxAttempts: Number.POSITIVE_INFINITY, budgetMs: Number.POSITIVE_INFINITY, baseDelayMs: 1000, maxDelayMs: 60_000 };
    const engine = new EngineUnderTest(clock, renewer, settings({ retry }), fixed(0));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });

    const first = T0 + 55 * MINUTE;
    await clock.runUntil(first + MINUTE);
    // random 0: half of 1 s, 2 s, 4 s
    expect(calls).toEqual([first, first + 500, first + 1500, first + 3500]);
    expect(engine.state('acme').kind).toBe('valid');
  });

  it('RefreshEngine caps the backoff at maxDelayMs and keeps retrying network trouble past expiry', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [() => err(new GrantError('network', 'ECONNRESET'))]);
    const retry = { maxAttempts: Number.POSITIVE_INFINITY, budgetMs: Number.POSITIVE_INFINITY, baseDelayMs: 1000, maxDelayMs: 8000 };
    const engine = new EngineUnderTest(clock, renewer, settings({ retry }), fixed(0));
    engine.track('acme', { record: token(T0, 10 * MINUTE), canRenew: true });

    await clock.advance(HOUR);
    const gaps = calls.slice(1).map((t, i) => t - (calls[i] ?? 0));
    // random 0: half of 1 s, 2 s, 4 s, then of the 8 s cap
    expect(gaps.slice(0, 6)).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(Math.max(...gaps)).toBe(4000);
    expect(calls.length).toBeGreaterThan(600);
    expect(engine.state('acme').kind).toBe('error');
  });

  it('RefreshEngine stops retrying after retry.maxAttempts background attempts', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [() => err(new GrantError('unavailable', 'x', { retryAfterMs: 1000 }))]);
    const retry = { maxAttempts: 3, budgetMs: Number.POSITIVE_INFINITY, baseDelayMs: 1000, maxDelayMs: 8000 };
    const engine = new EngineUnderTest(clock, renewer, settings({ retry }), fixed(0));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });

    await clock.advance(2 * HOUR);
    const first = T0 + 55 * MINUTE;
    expect(calls).toEqual([first, first + 1000, first + 2000]);
    expect(engine.state('acme')).toMatchObject({ kind: 'error', retryAt: null });
    expect(clock.pendingTimers).toBe(0);
  });

  it('RefreshEngine starts no background retry past retry.budgetMs', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [() => err(new GrantError('unavailable', 'x'))]);
    const retry = { maxAttempts: Number.POSITIVE_INFINITY, budgetMs: 6000, baseDelayMs: 1000, maxDelayMs: 60_000 };
    const engine = new EngineUnderTest(clock, renewer, settings({ retry }), fixed(0));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });

    await clock.advance(2 * HOUR);
    const first = T0 + 55 * MINUTE;
    // Waits of 0.5 s, 1 s and 2 s fit in 6 s; the next (4 s, at 3.5 s since the first failure) would not.
    expect(calls).toEqual([first, first + 500, first + 1500, first + 3500]);
    expect(engine.state('acme')).toMatchObject({ kind: 'error', retryAt: null });
  });

  it('RefreshEngine does not retry a permanent error (invalid_client) in the background', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [() => err(new GrantError('invalid_client', 'Client authentication failed.'))]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });

    await clock.advance(3 * HOUR);
    expect(calls).toHaveLength(1);
    expect(engine.state('acme')).toMatchObject({ kind: 'error', error: { code: 'invalid_client', kind: 'rejected' }, retryAt: null });
    expect(clock.pendingTimers).toBe(0);
  });

  it('RefreshEngine does not renew in a tight loop when the provider hands out tokens that are already expired', async () => {
    const clock = new FakeClock(T0);
    clock.maxTimersPerRun = 10_000;
    const { renewer, calls } = scripted(clock, [renewedFor(0)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });

    await clock.runUntil(T0 + 55 * MINUTE + MINUTE);
    // At most one renewal per retry.baseDelayMs (5 s) once the provider answers expires_in: 0.
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.length).toBeLessThanOrEqual(1 + MINUTE / DEFAULT_REFRESH_SETTINGS.retry.baseDelayMs);
  });

  it('RefreshEngine emits needs_sign_in when the token of an account that cannot renew expires, without calling the renewer', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    const states = recordStates(engine, 'password-account');
    engine.track('password-account', { record: token(T0, HOUR), canRenew: false });

    await clock.runUntil(T0 + HOUR - 1);
    expect(engine.state('password-account')).toEqual({ kind: 'expiring', expiresAt: T0 + HOUR });
    expect(states.map((s) => s.kind)).toEqual(['valid']);

    await clock.runUntil(T0 + HOUR);
    expect(states.map((s) => s.kind)).toEqual(['valid', 'needs_sign_in']);
    expect(engine.state('password-account').kind).toBe('needs_sign_in');
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(24 * HOUR);
    expect(calls).toHaveLength(0);
  });

  it('RefreshEngine reports needs_sign_in from track() for an account marked as needing sign-in, and sets no timer', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true, needsSignIn: 'Signed out by the provider.' });
    expect(engine.state('acme')).toEqual({ kind: 'needs_sign_in', reason: 'Signed out by the provider.' });
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(2 * HOUR);
    expect(calls).toHaveLength(0);
  });

  it('RefreshEngine.state() is signed_out for an account it does not track, or one without a token', () => {
    const clock = new FakeClock(T0);
    const engine = new EngineUnderTest(clock, scripted(clock, [renewedFor(HOUR)]).renewer, settings(), fixed(0));
    expect(engine.state('nobody')).toEqual({ kind: 'signed_out' });
    engine.track('empty', { record: null, canRenew: true });
    expect(engine.state('empty')).toEqual({ kind: 'signed_out' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('RefreshEngine.track() with a new token replaces the scheduled renewal', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });
    await clock.advance(10 * MINUTE);
    engine.track('acme', { record: token(clock.now(), HOUR), canRenew: true });
    expect(clock.pendingTimers).toBe(1);
    await clock.runUntil(T0 + HOUR);
    expect(calls).toEqual([]);
    await clock.runUntil(T0 + 10 * MINUTE + 55 * MINUTE);
    expect(calls).toEqual([T0 + 65 * MINUTE]);
  });

  it('RefreshEngine.untrack() and stop() cancel scheduled renewals', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('a', { record: token(T0, HOUR), canRenew: true });
    engine.track('b', { record: token(T0, HOUR), canRenew: true });
    engine.untrack('a');
    expect(engine.state('a')).toEqual({ kind: 'signed_out' });
    expect(clock.pendingTimers).toBe(1);
    engine.stop();
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(3 * HOUR);
    expect(calls).toHaveLength(0);
  });

  it('RefreshEngine after stop() still renews on demand but schedules nothing', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.stop();
    engine.track('acme', { record: token(T0 - 2 * HOUR, HOUR), canRenew: true });
    const result = await engine.ensureValid('acme', 0);
    expect(result.ok).toBe(true);
    expect(calls).toEqual([T0]);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('RefreshEngine bookkeeping', () => {
  it('RefreshEngine.watch() of the same session twice keeps one timer and announces its state once', async () => {
    const clock = new FakeClock(T0);
    const engine = new EngineUnderTest(clock, scripted(clock, [renewedFor(HOUR)]).renewer, settings(), fixed(0));
    const states = recordStates(engine, 'acme');
    const session = engine.track('acme', { record: token(T0, HOUR), canRenew: true });
    engine.engine.watch(session);
    expect({ timers: clock.pendingTimers, states: states.map((s) => s.kind) }).toEqual({ timers: 1, states: ['valid'] });
  });

  it('RefreshEngine.watch() of a new session under a watched name (the account was added again) replaces the old one', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });
    const again = new AccountSession(account('acme'), { kind: 'ok', record: token(T0, 2 * HOUR) });
    engine.engine.watch(again);
    expect(clock.pendingTimers).toBe(1);
    await clock.runUntil(T0 + HOUR);
    expect(calls).toEqual([]);
    await clock.runUntil(T0 + 2 * HOUR - 5 * MINUTE);
    expect(calls).toEqual([T0 + 2 * HOUR - 5 * MINUTE]);
    expect(again.record?.issuedAt).toBe(T0 + 2 * HOUR - 5 * MINUTE);
  });

  it('RefreshEngine.forget() of a name it does not watch, or of an account without a timer, does nothing', () => {
    const clock = new FakeClock(T0);
    const engine = new EngineUnderTest(clock, scripted(clock, [renewedFor(HOUR)]).renewer, settings(), fixed(0));
    engine.track('empty', { record: null, canRenew: true });
    expect(() => {
      engine.engine.forget('nobody');
      engine.untrack('empty');
    }).not.toThrow();
  });

  it('RefreshEngine.stop() with an account that has no timer stops the others', () => {
    const clock = new FakeClock(T0);
    const engine = new EngineUnderTest(clock, scripted(clock, [renewedFor(HOUR)]).renewer, settings(), fixed(0));
    engine.track('empty', { record: null, canRenew: true });
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });
    engine.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('RefreshEngine.reschedule() ignores a session it does not watch, and a stale session under a watched name', () => {
    const clock = new FakeClock(T0);
    const engine = new EngineUnderTest(clock, scripted(clock, [renewedFor(HOUR)]).renewer, settings(), fixed(0));
    const seen: string[] = [];
    engine.onState((name, state) => seen.push(`${name}:${state.kind}`));
    engine.engine.reschedule(new AccountSession(account('stranger'), { kind: 'ok', record: token(T0, HOUR) }));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });
    engine.engine.reschedule(new AccountSession(account('acme'), { kind: 'ok', record: token(T0 - 2 * HOUR, HOUR) }));
    expect({ timers: clock.pendingTimers, nextAt: clock.nextTimerAt(), seen }).toEqual({ timers: 1, nextAt: T0 + 55 * MINUTE, seen: ['acme:valid'] });
  });

  it('RefreshEngine.reschedule() of a stale session under a watched name leaves the watched one\'s timer as it was', () => {
    const clock = new FakeClock(T0);
    let draws = 0;
    // Each draw of jitter differs, so re-arming the timer would move it.
    const engine = new EngineUnderTest(clock, scripted(clock, [renewedFor(HOUR)]).renewer, settings(), () => (draws++ % 2 === 0 ? 0 : 0.5));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });
    const armed = clock.nextTimerAt();
    engine.engine.reschedule(new AccountSession(account('acme'), { kind: 'ok', record: token(T0, HOUR) }));
    expect(clock.nextTimerAt()).toBe(armed);
  });

  it('RefreshEngine.renew() of a stale session announces nothing for the watched one, even when its state has moved on', async () => {
    const clock = new FakeClock(T0);
    const engine = new EngineUnderTest(clock, scripted(clock, [renewedFor(HOUR)]).renewer, settings(), fixed(0));
    const states = recordStates(engine, 'acme');
    // Cannot renew: its only timer is at expiry, so nothing announces the moment it enters the lead time.
    engine.track('acme', { record: token(T0, HOUR), canRenew: false });
    await clock.advance(57 * MINUTE);
    await engine.engine.renew(new AccountSession(account('acme'), { kind: 'ok', record: token(T0, HOUR) }));
    expect(states.map((s) => s.kind)).toEqual(['valid']);
  });

  it('RefreshEngine.renew() of a session it does not watch renews it without announcing anything', async () => {
    const clock = new FakeClock(T0);
    const engine = new EngineUnderTest(clock, scripted(clock, [renewedFor(HOUR)]).renewer, settings(), fixed(0));
    const seen: string[] = [];
    engine.onState((name, state) => seen.push(`${name}:${state.kind}`));
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });
    const stale = new AccountSession(account('acme'), { kind: 'ok', record: token(T0 - 2 * HOUR, HOUR) });
    const result = await engine.engine.renew(stale);
    expect({ ok: result.ok, seen }).toEqual({ ok: true, seen: ['acme:valid'] });
  });

  it('RefreshEngine tells a listener each state once, even when every account is announced again (resume, new settings)', async () => {
    const clock = new FakeClock(T0);
    const engine = new EngineUnderTest(clock, scripted(clock, [renewedFor(HOUR)]).renewer, settings(), fixed(0));
    const states = recordStates(engine, 'acme');
    engine.track('acme', { record: token(T0, HOUR), canRenew: true });
    engine.resume();
    engine.engine.configure({ jitterMs: 0 });
    expect(states).toEqual([{ kind: 'valid', expiresAt: T0 + HOUR }]);
  });

  it('RefreshEngine keeps renewing for the other listeners when one listener throws, and logs that it did', async () => {
    const clock = new FakeClock(T0);
    const records: LogRecord[] = [];
    const engine = new RefreshEngine(
      clock,
      {
        canRenew: () => true,
        renew: async (session) => {
          const fresh = token(clock.now(), HOUR);
          session.adopt(fresh);
          return ok(fresh);
        },
      },
      settings(),
      fixed(0),
      createLogger({ sinks: [(r) => records.push(r)] }),
    );
    const heard: string[] = [];
    engine.onState(() => {
      throw new Error('window closed');
    });
    engine.onState((name, state) => heard.push(`${name}:${state.kind}`));
    engine.watch(new AccountSession(account('acme'), { kind: 'ok', record: token(T0, HOUR) }));
    await clock.runUntil(T0 + 55 * MINUTE);
    expect(heard).toEqual(['acme:valid', 'acme:refreshing', 'acme:valid']);
    expect(records.filter((r) => r.level === 'warn').map((r) => r.fields.account)).toEqual(['acme', 'acme', 'acme']);
  });

  it('RefreshEngine logs a renewal that threw with the account, the kind and the code of what it became', async () => {
    const clock = new FakeClock(T0);
    const records: LogRecord[] = [];
    const engine = new RefreshEngine(clock, { canRenew: () => true, renew: () => Promise.reject(new Error('boom')) }, settings(), fixed(0), createLogger({ sinks: [(r) => records.push(r)] }));
    const session = new AccountSession(account('acme'), { kind: 'ok', record: token(T0 - 2 * HOUR, HOUR) });
    await engine.renew(session);
    expect(records.filter((r) => r.level === 'error').map((r) => r.fields)).toEqual([expect.objectContaining({ account: 'acme', kind: 'internal', code: 'internal_error' })]);
  });

  it('RefreshEngine.ensureValid() renews an account that has no token yet (a client_credentials grant needs nobody)', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(HOUR)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    engine.track('acme', { record: null, canRenew: true });
    const result = await engine.ensureValid('acme', 0);
    expect({ calls, expiresAt: result.ok ? result.value.record.expiresAt : null }).toEqual({ calls: [T0], expiresAt: T0 + HOUR });
  });

  it('RefreshEngine.ensureValid() hands out with a warning a fresh token that a slow renewal left too short for minValidMs', async () => {
    const clock = new FakeClock(T0);
    // The provider took 50 s to answer a token that lives 60 s from when it was issued.
    const engine = new EngineUnderTest(clock, async () => {
      const issued = clock.now();
      await clock.sleep(50 * SECOND);
      return ok(token(issued, MINUTE));
    }, settings(), fixed(0));
    engine.track('acme', { record: token(T0 - 2 * HOUR, HOUR), canRenew: true });
    const waiting = engine.ensureValid('acme', 30 * SECOND);
    await clock.advance(50 * SECOND);
    const result = await waiting;
    expect(result.ok && result.value.warning).toBe('warning: the token is valid for 10 s, less than the 30 s asked for: the provider issues tokens for 60 s at most.');
  });

  it('RefreshEngine.ensureValid() keeps handing out a short-lived token that cannot meet minValidMs until half its lifetime is left', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [renewedFor(4 * MINUTE)]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    // Lives 4 minutes (so the engine's lead is 2 minutes, not 5); 3 minutes are left.
    engine.track('acme', { record: token(T0 - MINUTE, 4 * MINUTE), canRenew: true });
    const result = await engine.ensureValid('acme', HOUR);
    expect({ calls, issuedAt: result.ok ? result.value.record.issuedAt : null }).toEqual({ calls: [], issuedAt: T0 - MINUTE });
  });

  it.each([
    { source: 'jwt_exp' as const, says: 'its JWT exp is in the past' },
    { source: 'expires_in' as const, says: 'expires_in: 0' },
  ])('RefreshEngine.ensureValid() says why a token arrived expired ($source) and for which account', async ({ source, says }) => {
    const clock = new FakeClock(T0);
    const engine = new EngineUnderTest(clock, async () => ok({ ...token(clock.now(), 0), expirySource: source }), settings(), fixed(0));
    engine.track('acme', { record: token(T0 - 2 * HOUR, HOUR), canRenew: true });
    const result = await engine.ensureValid('acme', 0);
    expect(result.ok ? null : result.error.message).toBe(
      `The provider issued a token for "acme" that had already expired (${says}): is this machine's clock right?`,
    );
  });

  it('RefreshEngine drops the outcome of a renewal that ends after its account was removed', async () => {
    const clock = new FakeClock(T0);
    const { renewer } = scripted(clock, [() => err(new GrantError('unavailable', 'x', { status: 503 }))], 200);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    const session = engine.track('acme', { record: token(T0 - 2 * HOUR, HOUR), canRenew: true });
    const renewal = engine.ensureValid('acme', 0);
    session.retire();
    await clock.advance(200);
    await renewal;
    expect(session.failure).toBeNull();
  });

  it('RefreshEngine leaves a renewal that found the account needing sign-in without a failure of its own, so the sign-in request shows', async () => {
    const clock = new FakeClock(T0);
    const { renewer } = scripted(clock, [() => err(new GrantError('invalid_grant', 'Refresh token revoked.'))]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    const session = engine.track('acme', { record: token(T0 - 2 * HOUR, HOUR), canRenew: true });
    await engine.ensureValid('acme', 0);
    expect(session.failure).toBeNull();
  });

  it('RefreshEngine does not retry in the background an account whose stored token is damaged, even after a temporary failure', async () => {
    const clock = new FakeClock(T0);
    const { renewer, calls } = scripted(clock, [() => err(new GrantError('unavailable', 'x', { status: 503 }))]);
    const engine = new EngineUnderTest(clock, renewer, settings(), fixed(0));
    const damaged = new AccountSession(account('acme'), { kind: 'damaged' });
    engine.engine.watch(damaged);
    await engine.engine.renew(damaged);
    await clock.advance(HOUR);
    expect({ calls: calls.length, timers: clock.pendingTimers }).toEqual({ calls: 1, timers: 0 });
  });
});

describe('RefreshEngine under load', () => {
  it('RefreshEngine renews 1,000 accounts with staggered expiries before each token expires, over 2 hours, within maxConcurrent', async () => {
    const clock = new FakeClock(T0);
    const rng = seeded(0x70ce);
    const s = settings(); // lead 5 min, jitter 30 s, 4 at once
    const RENEW_MS = 200;

    interface Account {
      readonly lifetime: number;
      current: TokenRecord;
      renewals: number;
    }
    const accounts = new Map<string, Account>();
    const cohort: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const name = `acct-${i}`;
      let lifetime: number;
      let issuedAt: number;
      if (i < 40) {
        // A cohort signed in together with the same lifetime: only jitter keeps them apart.
        lifetime = HOUR;
        issuedAt = T0 - 20 * MINUTE;
        cohort.push(name);
      } else {
        lifetime = (60 + Math.floor(rng() * (3600 - 60 + 1))) * SECOND;
        // Issued at a random moment, but not so long ago that the first renewal is already due.
        const window = lifetime - Math.min(s.leadMs, lifetime / 2) - Math.min(s.jitterMs, lifetime / 10);
        issuedAt = T0 - Math.floor(rng() * window);
      }
      accounts.set(name, { lifetime, current: token(issuedAt, lifetime), renewals: 0 });
    }

    let active = 0;
    let peak = 0;
    const lateRenewals: string[] = [];
    const firstRenewalAt = new Map<string, number>();
    const renewer: Renewer = async (name) => {
      const account = accounts.get(name);
      if (account === undefined) return err(new GrantError('invalid_config', `no ${name}`));
      if (!firstRenewalAt.has(name)) firstRenewalAt.set(name, clock.now());
      active++;
      peak = Math.max(peak, active);
      await clock.sleep(RENEW_MS);
      active--;
      const expiresAt = account.current.expiresAt ?? Number.POSITIVE_INFINITY;
      if (clock.now() >= expiresAt) lateRenewals.push(`${name} renewed at ${clock.now() - T0} ms, token expired at ${expiresAt - T0} ms`);
      account.current = token(clock.now(), account.lifetime);
      account.renewals++;
      return ok(account.current);
    };

    const engine = new EngineUnderTest(clock, renewer, s, rng);
    for (const [name, account] of accounts) engine.track(name, { record: account.current, canRenew: true });

    const end = T0 + 2 * HOUR;
    await clock.runUntil(end);

    expect(lateRenewals).toEqual([]);
    let total = 0;
    for (const [name, account] of accounts) {
      total += account.renewals;
      // Every token alive at the end, so none lapsed without a renewal.
      expect(account.current.expiresAt, name).toBeGreaterThan(end);
      expect(engine.state(name).kind, name).toBe('valid');
    }
    expect(total).toBeGreaterThan(5_000);

    expect(peak).toBeLessThanOrEqual(s.maxConcurrent);
    expect(engine.concurrencyHighWater).toBeLessThanOrEqual(s.maxConcurrent);
    expect(engine.concurrencyHighWater).toBe(peak);
    expect(peak).toBeGreaterThan(1);

    // Jitter: the cohort (same expiry) starts its renewals at many different instants across the jitter window.
    const starts = cohort.map((name) => firstRenewalAt.get(name) ?? Number.NaN);
    const due = T0 + 40 * MINUTE - s.leadMs;
    for (const t of starts) {
      expect(t).toBeGreaterThanOrEqual(due - s.jitterMs);
      expect(t).toBeLessThanOrEqual(due + 40 * RENEW_MS);
    }
    expect(new Set(starts).size).toBeGreaterThanOrEqual(cohort.length * 0.9);
    expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThan(s.jitterMs / 2);
    // Thousands of timers on the fake clock: seconds under a mutation run's coverage on a busy machine, where the
    // area's 5 s per test would fail the dry run.
  }, 60_000);
});
