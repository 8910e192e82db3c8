// The refresh engine: renews every account's token ahead of expiry, one renewal per account in flight.

import { err, type Result } from '../../../shared/result.js';
import { GrantError, type GrantErrorValue } from '../grants/grant-error.js';
import { backoffDelay, type RetryPolicy } from '../grants/retry.js';
import type { TokenRecord } from '../grants/token-record.js';
import { deriveState, type AccountState } from '../../../shared/account-state.js';
import type { Clock, TimerHandle } from './clock.js';
import { Limiter } from './limiter.js';
import { SingleFlight } from './single-flight.js';

/** Runs the actual renewal (refresh_token or client_credentials) and persists it before resolving. */
export type Renewer = (name: string) => Promise<Result<TokenRecord, GrantError>>;

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

export interface TrackedAccount {
  readonly record: TokenRecord | null;
  readonly canRenew: boolean;
  /** Why the account needs the person, when it does (a dead refresh token, never signed in...). */
  readonly needsSignIn?: string | null;
}

interface Entry {
  record: TokenRecord | null;
  canRenew: boolean;
  needsSignIn: string | null;
  failure: { error: GrantErrorValue; retryAt: number | null; attempts: number; since: number } | null;
  timer: TimerHandle | null;
  last: AccountState | null;
}

export type StateListener = (name: string, state: AccountState) => void;

const TEMPORARY = new Set(['unavailable', 'network', 'bad_response']);

export class RefreshEngine {
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new SingleFlight<string, Result<TokenRecord, GrantError>>();
  private readonly limiter: Limiter;
  private readonly listeners = new Set<StateListener>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly renewer: Renewer,
    private settings: RefreshSettings = DEFAULT_REFRESH_SETTINGS,
    private readonly random: () => number = Math.random,
  ) {
    this.limiter = new Limiter(settings.maxConcurrent);
  }

  /** Starts (or updates) watching an account: schedules its next renewal. */
  track(name: string, account: TrackedAccount): void {
    const entry = this.entries.get(name) ?? { record: null, canRenew: false, needsSignIn: null, failure: null, timer: null, last: null };
    entry.record = account.record;
    entry.canRenew = account.canRenew;
    entry.needsSignIn = account.needsSignIn ?? null;
    entry.failure = null;
    this.entries.set(name, entry);
    this.schedule(name, entry);
    this.emit(name, entry);
  }

  untrack(name: string): void {
    this.entries.get(name)?.timer?.cancel();
    this.entries.delete(name);
  }

  state(name: string): AccountState {
    const entry = this.entries.get(name);
    if (entry === undefined) return { kind: 'signed_out' };
    return this.derive(name, entry);
  }

  /** Whether a renewal of this account is in flight (cheap: for hot paths). */
  isRefreshing(name: string): boolean {
    return this.flights.isRunning(name);
  }

  onState(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The most upstream renewals that ever ran at once. */
  get concurrencyHighWater(): number {
    return this.limiter.highWater;
  }

  /**
   * Renews now. At most one renewal per account is in flight: every caller waiting for that
   * account gets the same result.
   */
  renew(name: string): Promise<Result<TokenRecord, GrantError>> {
    return this.flights.run(name, async () => {
      const entry = this.entries.get(name);
      if (entry) this.emit(name, entry, true);
      let result: Result<TokenRecord, GrantError>;
      try {
        result = await this.limiter.run(() => this.renewer(name));
      } catch (error) {
        result = err(
          error instanceof GrantError ? error : new GrantError('bad_response', 'Renewal failed unexpectedly.', { cause: error }),
        );
      }
      // Settled before any waiter resumes, so a caller never sees the old token after the renewal.
      this.settle(name, result);
      return result;
    });
  }

  /** A token valid for at least `minValidMs`, renewing first when the current one would not last. */
  async ensureValid(name: string, minValidMs: number): Promise<Result<TokenRecord, GrantError>> {
    const entry = this.entries.get(name);
    const record = entry?.record ?? null;
    if (record !== null && !this.flights.isRunning(name)) {
      if (record.expiresAt === null || record.expiresAt - this.clock.now() > minValidMs) return { ok: true, value: record };
    }
    return this.renew(name);
  }

  /** New settings (lead time, jitter) apply at once: every account is rescheduled. */
  configure(settings: Partial<RefreshSettings>): void {
    this.settings = { ...this.settings, ...settings, maxConcurrent: this.settings.maxConcurrent };
    for (const [name, entry] of this.entries) {
      this.schedule(name, entry);
      this.emit(name, entry);
    }
  }

  /**
   * After the machine wakes from sleep: timers run on a monotonic clock that stood still, so they
   * would fire late. Puts every account back on the wall-clock schedule; whatever is due renews now.
   */
  resume(): void {
    this.configure({});
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) entry.timer?.cancel();
  }

  private settle(name: string, result: Result<TokenRecord, GrantError>): void {
    const entry = this.entries.get(name);
    if (entry === undefined) return;
    let notBefore = Number.NEGATIVE_INFINITY;
    if (result.ok) {
      entry.record = result.value;
      entry.failure = null;
      entry.needsSignIn = null;
      // A token that is due again the moment it arrives (expires_in: 0, a JWT exp in the past) must not
      // make the engine renew in a tight loop: wait at least the base retry delay between renewals.
      notBefore = this.clock.now() + this.settings.retry.baseDelayMs;
    } else {
      const error = result.error;
      if (error.code === 'needs_sign_in' || error.code === 'invalid_grant') {
        entry.needsSignIn = error.message;
        entry.failure = null;
      } else {
        const attempts = (entry.failure?.attempts ?? 0) + 1;
        const now = this.clock.now();
        const since = entry.failure?.since ?? now;
        const { maxAttempts, budgetMs } = this.settings.retry;
        const temporary = TEMPORARY.has(error.code);
        let delay = temporary ? backoffDelay(this.settings.retry, attempts, this.random(), error.retryAfterMs) : null;
        // The retry policy's bounds: no retry after maxAttempts, none starting past the time budget.
        if (delay !== null && (attempts >= maxAttempts || now - since + delay > budgetMs)) delay = null;
        entry.failure = { error: error.toJSON(), retryAt: delay === null ? null : now + delay, attempts, since };
      }
    }
    this.schedule(name, entry, notBefore);
    this.emit(name, entry, false);
  }

  private schedule(name: string, entry: Entry, notBefore = Number.NEGATIVE_INFINITY): void {
    entry.timer?.cancel();
    entry.timer = null;
    if (this.stopped || entry.needsSignIn !== null) return;
    const now = this.clock.now();
    if (entry.failure !== null) {
      if (entry.failure.retryAt !== null) entry.timer = this.clock.setTimer(() => void this.renew(name), entry.failure.retryAt - now);
      return;
    }
    const record = entry.record;
    if (record === null || record.expiresAt === null) return;
    if (!entry.canRenew) {
      // Nothing to renew with: tell listeners when the token dies so the person can sign in.
      entry.timer = this.clock.setTimer(() => this.emit(name, entry), record.expiresAt - now);
      return;
    }
    entry.timer = this.clock.setTimer(() => void this.renew(name), Math.max(this.renewAt(record), notBefore) - now);
  }

  /** When to renew: `leadMs` before expiry (at most half the lifetime), minus up to `jitterMs` at random. */
  private renewAt(record: TokenRecord): number {
    const expiresAt = record.expiresAt ?? Number.POSITIVE_INFINITY;
    const lifetime = Math.max(0, expiresAt - record.issuedAt);
    const lead = Math.min(this.settings.leadMs, lifetime / 2);
    const jitter = this.random() * Math.min(this.settings.jitterMs, lifetime / 10);
    return expiresAt - lead - jitter;
  }

  private derive(name: string, entry: Entry, refreshing = this.flights.isRunning(name)): AccountState {
    const record = entry.record;
    return deriveState({
      now: this.clock.now(),
      hasToken: record !== null,
      expiresAt: record?.expiresAt ?? null,
      leadMs: record === null ? this.settings.leadMs : Math.min(this.settings.leadMs, Math.max(0, (record.expiresAt ?? 0) - record.issuedAt) / 2),
      canRenew: entry.canRenew,
      refreshing,
      needsSignIn: entry.needsSignIn,
      failure: entry.failure === null ? null : { error: entry.failure.error, retryAt: entry.failure.retryAt },
    });
  }

  private emit(name: string, entry: Entry, refreshing?: boolean): void {
    const state = this.derive(name, entry, refreshing);
    if (entry.last !== null && JSON.stringify(entry.last) === JSON.stringify(state)) return;
    entry.last = state;
    for (const listener of this.listeners) {
      // A failing listener (a closed window, say) must never break renewals.
      try {
        listener(name, state);
      } catch {
        /* the listener's own problem */
      }
    }
  }
}
