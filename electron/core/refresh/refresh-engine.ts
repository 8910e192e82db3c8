// The refresh engine: schedules every account's renewal ahead of expiry and runs it through the account's
// session (single flight there), under a concurrency limit; it keeps timers, never a copy of a token.
import type { AccountState } from '../../../shared/account-state.js';
import type { ErrorValue } from '../../../shared/errors.js';
import { err, ok, type Result } from '../../../shared/result.js';
import type { AccountSession, Renewal } from '../accounts/account-session.js';
import { thrownToError } from '../failures.js';
import { tokenFitness } from '../grants/token-fitness.js';
import type { TokenRecord } from '../grants/token-record.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { Clock, TimerHandle } from './clock.js';
import { Limiter } from './limiter.js';
import { DEFAULT_REFRESH_SETTINGS, nextFailure, renewAt, type RefreshSettings } from './renewal-policy.js';

export { DEFAULT_REFRESH_SETTINGS, type RefreshSettings } from './renewal-policy.js';

/** What the engine asks of the service: whether an account can renew unattended, and the renewal itself (which persists before it resolves). */
export interface RenewalHost {
  canRenew(session: AccountSession): boolean;
  renew(session: AccountSession): Promise<Renewal>;
}

export type StateListener = (name: string, state: AccountState) => void;

/** A token handed to a caller, with a warning when it cannot last as long as they asked. */
export interface ValidToken {
  readonly record: TokenRecord;
  readonly warning: string | null;
}

interface Watched {
  readonly session: AccountSession;
  timer: TimerHandle | null;
  /** The last state announced, so listeners hear of changes only. */
  last: string | null;
}

export class RefreshEngine {
  private readonly watched = new Map<string, Watched>();
  private readonly limiter: Limiter;
  private readonly listeners = new Set<StateListener>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly host: RenewalHost,
    private settings: RefreshSettings = DEFAULT_REFRESH_SETTINGS,
    private readonly random: () => number = Math.random,
    private readonly log: Logger = silentLogger,
  ) {
    this.limiter = new Limiter(settings.maxConcurrent);
  }

  /** Starts (or resumes) watching a session: schedules its next renewal and announces its state. */
  watch(session: AccountSession): void {
    const watched = this.watched.get(session.name);
    if (watched !== undefined && watched.session !== session) this.forget(session.name);
    if (!this.watched.has(session.name)) this.watched.set(session.name, { session, timer: null, last: null });
    this.reschedule(session);
  }

  forget(name: string): void {
    this.watched.get(name)?.timer?.cancel();
    this.watched.delete(name);
  }

  /**
   * Something about the session changed (a sign-in, new settings, a new record): schedule again
   * and announce, unless a renewal is running (its end announces the outcome once).
   */
  reschedule(session: AccountSession): void {
    const watched = this.watched.get(session.name);
    if (watched === undefined || watched.session !== session) return;
    this.schedule(watched);
    if (!session.renewing) this.emit(watched);
  }

  private announce(session: AccountSession): void {
    const watched = this.watched.get(session.name);
    if (watched !== undefined && watched.session === session) this.emit(watched);
  }

  state(session: AccountSession): AccountState {
    return session.state({ now: this.clock.now(), leadMs: this.settings.leadMs, canRenew: this.host.canRenew(session) });
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
   * Renews now. At most one renewal per account is in flight (the session's single flight):
   * every caller waiting for that account gets the same result.
   */
  renew(session: AccountSession): Promise<Renewal> {
    const joining = session.renewing;
    const flight = session.renew(async () => {
      let result: Renewal;
      try {
        result = await this.limiter.run(() => this.host.renew(session));
      } catch (error) {
        // Not a provider's answer: a failed write (storage) or a defect of ours (internal), never retried as an outage.
        const value = thrownToError(error);
        this.log.error('renewal failed', { account: session.name, kind: value.kind, code: value.code, cause: error });
        result = err(value);
      }
      this.settle(session, result.ok ? null : result.error);
      return result;
    });
    if (!joining) {
      // Announced once the flight is registered, so the state reads `refreshing`; and again once it
      // has ended (before any caller of this flight resumes, as this reaction is registered first).
      this.announce(session);
      void flight.then(() => this.announce(session));
    }
    return flight;
  }

  /**
   * A token for a caller that needs it valid for at least `minValidMs`: the current one when it
   * lasts, else renewed first (joining a renewal in flight). A token that even fresh cannot last
   * that long is handed out with a warning, and not renewed before the normal lead time (renewing
   * would not help and would call the provider on every request); an expired one never is.
   */
  async ensureValid(session: AccountSession, minValidMs: number): Promise<Result<ValidToken, ErrorValue>> {
    const record = session.record;
    if (record !== null && !session.renewing) {
      const fit = tokenFitness({ record, now: this.clock.now(), minValidMs, leadMs: this.leadFor(record), canRenew: this.host.canRenew(session) });
      if (fit.kind === 'usable') return ok({ record, warning: null });
      if (fit.kind === 'cannot_meet') return ok({ record, warning: fit.warning });
    }
    const renewed = await this.renew(session);
    if (!renewed.ok) return renewed;
    const fresh = renewed.value;
    const fit = tokenFitness({ record: fresh, now: this.clock.now(), minValidMs, leadMs: this.leadFor(fresh), justRenewed: true });
    if (fit.kind === 'expired') {
      return err({
        code: 'expired_on_arrival',
        kind: 'unavailable',
        message: `The provider issued a token for "${session.name}" that had already expired (${fresh.expirySource === 'jwt_exp' ? 'its JWT exp is in the past' : 'expires_in: 0'}): is this machine's clock right?`,
      });
    }
    return ok({ record: fresh, warning: fit.kind === 'cannot_meet' ? fit.warning : null });
  }

  /** The lead time the engine renews a record with: `leadMs`, at most half its lifetime. */
  private leadFor(record: TokenRecord): number {
    return Math.min(this.settings.leadMs, Math.max(0, (record.expiresAt ?? 0) - record.issuedAt) / 2);
  }

  /** New settings (lead time, jitter) apply at once: every account is rescheduled. */
  configure(settings: Partial<RefreshSettings>): void {
    this.settings = { ...this.settings, ...settings, maxConcurrent: this.settings.maxConcurrent };
    for (const watched of this.watched.values()) {
      this.schedule(watched);
      this.emit(watched);
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
    for (const watched of this.watched.values()) {
      watched.timer?.cancel();
      watched.timer = null;
    }
  }

  /** Records how a renewal ended on the session (success, or a failure with its retry time) and schedules what follows. */
  private settle(session: AccountSession, error: ErrorValue | null): void {
    if (session.retired) return;
    const now = this.clock.now();
    if (error === null) session.renewed(now);
    // The service has recorded on the account that the person must sign in: nothing to retry.
    else if (error.kind === 'needs_sign_in') session.setFailure(null);
    else session.setFailure(nextFailure(session.failure, error, now, this.settings.retry, this.random()));
    this.reschedule(session);
  }

  private schedule(watched: Watched): void {
    const { session } = watched;
    watched.timer?.cancel();
    watched.timer = null;
    if (this.stopped || session.account.needsSignIn !== null || session.recordProblem !== null) return;
    const now = this.clock.now();
    const failure = session.failure;
    if (failure !== null) {
      if (failure.retryAt !== null) watched.timer = this.clock.setTimer(() => void this.renew(session), failure.retryAt - now);
      return;
    }
    const record = session.record;
    if (record === null || record.expiresAt === null) return;
    if (!this.host.canRenew(session)) {
      // Nothing to renew with: tell listeners when the token dies so the person can sign in.
      watched.timer = this.clock.setTimer(() => this.emit(watched), record.expiresAt - now);
      return;
    }
    // A token that is due again the moment it arrives (expires_in: 0, a JWT exp in the past) must not
    // make the engine renew in a tight loop: wait at least the base retry delay between renewals.
    const notBefore = session.lastRenewedAt === null ? Number.NEGATIVE_INFINITY : session.lastRenewedAt + this.settings.retry.baseDelayMs;
    watched.timer = this.clock.setTimer(() => void this.renew(session), Math.max(renewAt(record, this.settings, this.random()), notBefore) - now);
  }

  private emit(watched: Watched): void {
    const state = this.state(watched.session);
    const key = JSON.stringify(state);
    if (watched.last === key) return;
    watched.last = key;
    for (const listener of this.listeners) {
      // A failing listener (a closed window, say) must never break renewals.
      try {
        listener(watched.session.name, state);
      } catch (error) {
        this.log.warn('a state listener failed', { account: watched.session.name, cause: error });
      }
    }
  }
}
