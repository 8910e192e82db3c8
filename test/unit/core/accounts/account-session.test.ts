// Specifies AccountSession, the one owner of an account's token state: single flight, sign-in, retirement, state, the view memo.
import { describe, expect, it } from 'vitest';
import { AccountSession, type Renewal } from '../../../../electron/core/accounts/account-session.js';
import { ok } from '../../../../shared/result.js';
import { testAccount, testRecord } from '../../../fixtures/accounts.js';
import { deferred } from '../../../fixtures/deferred.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

const account = testAccount;
const record = testRecord;

const at = (now: number) => ({ now, leadMs: 5 * 60_000, canRenew: true });

describe('AccountSession.renew() (single flight)', () => {
  it('runs the renewal once for concurrent callers and gives each the same result', async () => {
    const session = new AccountSession(account(), { kind: 'ok', record: record() });
    const gate = deferred<Renewal>();
    let runs = 0;
    const run = (): Promise<Renewal> => {
      runs++;
      return gate.promise;
    };
    const callers = Array.from({ length: 50 }, () => session.renew(run));
    expect(runs).toBe(1);
    expect(session.renewing).toBe(true);
    const fresh = ok(record({ accessToken: 'at-2' }));
    gate.resolve(fresh);
    const results = await Promise.all(callers);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toBe(fresh);
    expect(session.renewing).toBe(false);
  });

  it('starts a fresh renewal once the previous one has settled', async () => {
    const session = new AccountSession(account(), { kind: 'none' });
    let runs = 0;
    const run = async (): Promise<Renewal> => ok(record({ accessToken: `at-${++runs}` }));
    expect(await session.renew(run)).toMatchObject({ value: { accessToken: 'at-1' } });
    expect(await session.renew(run)).toMatchObject({ value: { accessToken: 'at-2' } });
  });

  it('shares a rejection with every caller, then is free for the next renewal', async () => {
    const session = new AccountSession(account(), { kind: 'none' });
    const gate = deferred<Renewal>();
    const first = session.renew(() => gate.promise);
    const second = session.renew(() => Promise.resolve(ok(record())));
    gate.reject(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    await expect(second).rejects.toThrow('boom');
    expect(session.renewing).toBe(false);
    await expect(session.renew(() => Promise.resolve(ok(record())))).resolves.toMatchObject({ ok: true });
  });

  it('is not left "renewing" by a renewal that throws before its first await', async () => {
    const session = new AccountSession(account(), { kind: 'none' });
    const throwsAtOnce = (): Promise<Renewal> => {
      throw new Error('sync failure');
    };
    await expect(session.renew(throwsAtOnce)).rejects.toThrow('sync failure');
    expect(session.renewing).toBe(false);
  });

  it('idle() waits for the renewal in flight, whatever its outcome', async () => {
    const session = new AccountSession(account(), { kind: 'none' });
    const gate = deferred<Renewal>();
    void session.renew(() => gate.promise).catch(() => undefined);
    let idle = false;
    const waiting = session.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    gate.reject(new Error('down'));
    await waiting;
    expect(idle).toBe(true);
  });
});

describe('AccountSession sign-in and retirement', () => {
  it('beginSignIn() cancels a sign-in still running: the newest attempt wins', () => {
    const session = new AccountSession(account(), { kind: 'none' });
    const first = session.beginSignIn();
    const second = session.beginSignIn();
    expect(first.signal.aborted).toBe(true);
    expect(second.signal.aborted).toBe(false);
    expect(session.cancelSignIn()).toBe(true);
    expect(second.signal.aborted).toBe(true);
    expect(session.cancelSignIn()).toBe(false);
  });

  it('beginSignIn() clears the last failure: a new attempt starts clean', () => {
    const session = new AccountSession(account(), { kind: 'none' });
    session.setFailure({ error: { code: 'invalid_grant', kind: 'rejected', message: 'no' }, retryAt: null, attempts: 1, since: T0, origin: 'sign_in' });
    session.beginSignIn();
    expect(session.failure).toBeNull();
  });

  it('retire() marks the session removed and aborts its sign-in', () => {
    const session = new AccountSession(account(), { kind: 'none' });
    const signIn = session.beginSignIn();
    session.retire();
    expect(session.retired).toBe(true);
    expect(signIn.signal.aborted).toBe(true);
  });
});

describe('AccountSession.state()', () => {
  it('is signed_out without a token, valid with one, refreshing while a renewal runs', async () => {
    expect(new AccountSession(account(), { kind: 'none' }).state(at(T0))).toEqual({ kind: 'signed_out' });
    const session = new AccountSession(account(), { kind: 'ok', record: record() });
    expect(session.state(at(T0))).toEqual({ kind: 'valid', expiresAt: T0 + HOUR });
    const gate = deferred<Renewal>();
    const flight = session.renew(() => gate.promise);
    expect(session.state(at(T0))).toEqual({ kind: 'refreshing', expiresAt: T0 + HOUR });
    gate.resolve(ok(record()));
    await flight;
  });

  it('keeps a failed sign-in\'s error, even over an older "needs sign-in", until the next attempt', () => {
    const session = new AccountSession(account({ needsSignIn: 'The provider refused the refresh token.' }), { kind: 'none' });
    expect(session.state(at(T0))).toEqual({ kind: 'needs_sign_in', reason: 'The provider refused the refresh token.' });
    const error = { code: 'cancelled', kind: 'cancelled' as const, message: 'Signing in was cancelled.' };
    session.setFailure({ error, retryAt: null, attempts: 1, since: T0, origin: 'sign_in' });
    expect(session.state(at(T0))).toEqual({ kind: 'error', error, retryAt: null });
  });

  it('says so when the stored record is damaged or from a newer Tokenry, and holds no token then', () => {
    const damaged = new AccountSession(account(), { kind: 'damaged' });
    expect(damaged.record).toBeNull();
    expect(damaged.state(at(T0))).toMatchObject({ kind: 'error', error: { code: 'damaged_record', kind: 'storage' }, retryAt: null });
    const newer = new AccountSession(account(), { kind: 'newer', version: 7 });
    expect(newer.state(at(T0))).toMatchObject({ kind: 'error', error: { code: 'unsupported_version', kind: 'storage' } });
    expect(newer.recordProblem?.message).toContain('format 7');
  });
});

describe('AccountSession.tokenView()', () => {
  it('builds the view once per record and second of expires_in, and anew after a renewal', () => {
    const session = new AccountSession(account(), { kind: 'ok', record: record() });
    const first = session.tokenView(T0 + 100);
    expect(first).toEqual({ access_token: 'at-1', token_type: 'Bearer', expires_at: new Date(T0 + HOUR).toISOString(), expires_in: 3599, scope: 'read' });
    expect(session.tokenView(T0 + 900)).toBe(first);
    expect(session.tokenView(T0 + 1000)).toMatchObject({ expires_in: 3599 });
    expect(session.tokenView(T0 + 1100)).toMatchObject({ expires_in: 3598 });
    session.adopt(record({ accessToken: 'at-2', issuedAt: T0 + 1000, expiresAt: T0 + 1000 + HOUR }));
    expect(session.tokenView(T0 + 1000)).toMatchObject({ access_token: 'at-2', expires_in: 3600 });
    session.forgetRecord();
    expect(session.tokenView(T0 + 1000)).toBeNull();
  });
});
