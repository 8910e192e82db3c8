// One account's token state and its one owner: the stored account, the current token record, the renewal and
// the sign-in in flight, the last failure, and whether the account was removed (retired) while they ran.
import { deriveState, type AccountState } from '../../../shared/account-state.js';
import type { TokenView } from '../../../shared/accounts.js';
import type { ErrorValue } from '../../../shared/errors.js';
import type { Result } from '../../../shared/result.js';
import type { TokenRecord } from '../grants/token-record.js';
import type { Account, StoredTokenRecord } from './account-store.js';
import { tokenView } from './account-views.js';

/** Why the last attempt failed and, when it is worth trying again unattended, when. */
export interface Failure {
  readonly error: ErrorValue;
  /** When the engine tries again; null: not until someone asks. */
  readonly retryAt: number | null;
  /** Consecutive failed renewals (for backoff). */
  readonly attempts: number;
  /** When the run of failures began (for the retry budget). */
  readonly since: number;
  /** A failed sign-in speaks louder than an older "needs sign-in": it is what the person just did. */
  readonly origin: 'renewal' | 'sign_in';
}

/** How a renewal ended: the new record (durable), or why not. */
export type Renewal = Result<TokenRecord, ErrorValue>;

/** The facts the state is derived from besides the clock: a function of the session, never stored twice. */
export interface StateInputs {
  readonly now: number;
  readonly leadMs: number;
  readonly canRenew: boolean;
}

export class AccountSession {
  #account: Account;
  #stored: StoredTokenRecord;
  #failure: Failure | null = null;
  #renewal: Promise<Renewal> | null = null;
  #signIn: AbortController | null = null;
  #retired = false;
  #lastRenewedAt: number | null = null;
  #unsaved: TokenRecord | null = null;
  #view: { readonly record: TokenRecord; readonly view: TokenView } | null = null;

  constructor(account: Account, stored: StoredTokenRecord) {
    this.#account = account;
    this.#stored = stored;
  }

  get name(): string {
    return this.#account.name;
  }

  get account(): Account {
    return this.#account;
  }

  /** The current token record; null when there is none or the stored one cannot be used. */
  get record(): TokenRecord | null {
    return this.#stored.kind === 'ok' ? this.#stored.record : null;
  }

  /** Why the stored record cannot be used (damaged, or written by a newer Tokenry), or null. */
  get recordProblem(): ErrorValue | null {
    switch (this.#stored.kind) {
      case 'none':
      case 'ok':
        return null;
      case 'damaged':
        return {
          code: 'damaged_record',
          kind: 'storage',
          message: `The stored token of "${this.name}" is damaged and was not used; sign in again to replace it.`,
        };
      case 'newer':
        return {
          code: 'unsupported_version',
          kind: 'storage',
          message: `The stored token of "${this.name}" was written by a newer Tokenry (format ${this.#stored.version}); update Tokenry, or sign in again to replace it.`,
        };
    }
  }

  get failure(): Failure | null {
    return this.#failure;
  }

  /** Removed while something ran: whatever that returns belongs to no account. */
  get retired(): boolean {
    return this.#retired;
  }

  get renewing(): boolean {
    return this.#renewal !== null;
  }

  /** When a renewal last succeeded, so a token that is due the moment it arrives cannot cause a tight loop. */
  get lastRenewedAt(): number | null {
    return this.#lastRenewedAt;
  }

  /** The account's settings changed (and are on disk). */
  setAccount(account: Account): void {
    this.#account = account;
  }

  /** A new record is durably in the vault: it is now the current one. */
  adopt(record: TokenRecord): void {
    this.#stored = { kind: 'ok', record };
    if (this.#unsaved === record) this.#unsaved = null;
  }

  /**
   * A record the provider issued that could not be written (a full disk...). It may hold the only
   * refresh token the provider still accepts (it rotated the old one away), so it is kept here
   * until it is written, and nothing else is asked of the provider before that. It is not the
   * current record: nothing of it is handed out before it is durable.
   */
  holdUnsaved(record: TokenRecord): void {
    this.#unsaved = record;
  }

  /** The record waiting to be written, or null. */
  get unsaved(): TokenRecord | null {
    return this.#unsaved;
  }

  /** The record was removed from the vault (sign-out). */
  forgetRecord(): void {
    this.#stored = { kind: 'none' };
    this.#unsaved = null;
    this.#view = null;
  }

  setFailure(failure: Failure | null): void {
    this.#failure = failure;
  }

  renewed(at: number): void {
    this.#failure = null;
    this.#lastRenewedAt = at;
  }

  /**
   * Single flight: while a renewal runs, every caller gets its promise; `run` starts one only
   * when none is running. The flight ends before its waiters resume.
   */
  renew(run: () => Promise<Renewal>): Promise<Renewal> {
    if (this.#renewal !== null) return this.#renewal;
    let ended = false;
    const flight = (async () => {
      try {
        return await run();
      } finally {
        ended = true;
        this.#renewal = null;
      }
    })();
    // A `run` that throws before its first await has already ended: it is not in flight.
    if (!ended) this.#renewal = flight;
    return flight;
  }

  /** Resolves once the renewal in flight (if any) has settled, its writes included. */
  async idle(): Promise<void> {
    await this.#renewal?.catch(() => undefined);
  }

  /** Starts a sign-in; one that was still running is cancelled (the newest attempt wins). */
  beginSignIn(): AbortController {
    this.#signIn?.abort();
    const controller = new AbortController();
    this.#signIn = controller;
    this.#failure = null;
    return controller;
  }

  endSignIn(controller: AbortController): void {
    if (this.#signIn === controller) this.#signIn = null;
  }

  /** Cancels the sign-in in flight; whether there was one. */
  cancelSignIn(): boolean {
    const running = this.#signIn;
    this.#signIn = null;
    running?.abort();
    return running !== null;
  }

  /** The account is gone: stop what runs and drop what arrives later. */
  retire(): void {
    this.#retired = true;
    this.cancelSignIn();
  }

  /** The state a person sees, derived from this session's facts and the clock. */
  state({ now, leadMs, canRenew }: StateInputs): AccountState {
    const problem = this.recordProblem;
    if (problem !== null && this.#renewal === null && this.#failure === null) return { kind: 'error', error: problem, retryAt: null };
    const record = this.record;
    const signInFailed = this.#failure?.origin === 'sign_in';
    return deriveState({
      now,
      hasToken: record !== null,
      expiresAt: record?.expiresAt ?? null,
      leadMs: record === null ? leadMs : Math.min(leadMs, Math.max(0, (record.expiresAt ?? 0) - record.issuedAt) / 2),
      canRenew,
      refreshing: this.#renewal !== null,
      needsSignIn: signInFailed ? null : this.#account.needsSignIn,
      failure: this.#failure === null ? null : { error: this.#failure.error, retryAt: this.#failure.retryAt },
    });
  }

  /** The token as handed out, built once per record and second of `expires_in` (the loopback's hot path). */
  tokenView(now: number): TokenView | null {
    const record = this.record;
    if (record === null) return null;
    const last = this.#view;
    const expiresIn = record.expiresAt === null ? null : Math.max(0, Math.floor((record.expiresAt - now) / 1000));
    if (last !== null && last.record === record && last.view.expires_in === expiresIn) return last.view;
    const view = tokenView(record, now);
    this.#view = { record, view };
    return view;
  }
}
