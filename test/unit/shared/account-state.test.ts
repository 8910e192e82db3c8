// Specifies deriveState and describeState: each account's one state, derived from plain facts.

import { describe, expect, it } from 'vitest';
import { deriveState, describeState, type AccountState, type StateFacts } from '../../../shared/account-state.js';
import type { ErrorValue } from '../../../shared/errors.js';

const NOW = 1_700_000_000_000;
const LEAD = 60_000;
const UNAVAILABLE: ErrorValue = { code: 'unavailable', kind: 'unavailable', message: 'The provider is down (HTTP 503).', status: 503 };

const facts = (overrides: Partial<StateFacts> = {}): StateFacts => ({
  now: NOW,
  hasToken: true,
  expiresAt: NOW + 10 * 60_000,
  leadMs: LEAD,
  canRenew: true,
  refreshing: false,
  needsSignIn: null,
  failure: null,
  ...overrides,
});

describe('deriveState', () => {
  it('deriveState() is signed_out without a token', () => {
    expect(deriveState(facts({ hasToken: false, expiresAt: null }))).toEqual({ kind: 'signed_out' });
  });

  it('deriveState() shows a failed grant even before there is a token (client_credentials that cannot sign in)', () => {
    expect(deriveState(facts({ hasToken: false, expiresAt: null, failure: { error: UNAVAILABLE, retryAt: NOW + 5000 } }))).toEqual({
      kind: 'error',
      error: UNAVAILABLE,
      retryAt: NOW + 5000,
    });
  });

  it('deriveState() is valid while the token has more than the lead time left', () => {
    expect(deriveState(facts())).toEqual({ kind: 'valid', expiresAt: NOW + 10 * 60_000 });
  });

  it('deriveState() is valid, with no expiry, when the token does not say when it expires', () => {
    expect(deriveState(facts({ expiresAt: null }))).toEqual({ kind: 'valid', expiresAt: null });
  });

  it('deriveState() is expiring from exactly leadMs before expiry until expiry', () => {
    const expiresAt = NOW + LEAD;
    expect(deriveState(facts({ expiresAt }))).toEqual({ kind: 'expiring', expiresAt });
    expect(deriveState(facts({ expiresAt: expiresAt + 1 }))).toEqual({ kind: 'valid', expiresAt: expiresAt + 1 });
    expect(deriveState(facts({ expiresAt: NOW + 1 }))).toEqual({ kind: 'expiring', expiresAt: NOW + 1 });
  });

  it('deriveState() is expired from the expiry instant on, for an account that can renew', () => {
    expect(deriveState(facts({ expiresAt: NOW }))).toEqual({ kind: 'expired', expiresAt: NOW });
    expect(deriveState(facts({ expiresAt: NOW - 5_000 }))).toEqual({ kind: 'expired', expiresAt: NOW - 5_000 });
  });

  it('deriveState() is needs_sign_in once the token expires on an account that cannot renew', () => {
    const state = deriveState(facts({ expiresAt: NOW, canRenew: false }));
    expect(state.kind).toBe('needs_sign_in');
    expect(deriveState(facts({ expiresAt: NOW + 1, canRenew: false }))).toEqual({ kind: 'expiring', expiresAt: NOW + 1 });
  });

  it('deriveState() is needs_sign_in with the given reason whatever the token', () => {
    const reason = 'The provider refused the refresh token: sign in again.';
    expect(deriveState(facts({ needsSignIn: reason }))).toEqual({ kind: 'needs_sign_in', reason });
    expect(deriveState(facts({ needsSignIn: reason, hasToken: false, expiresAt: null }))).toEqual({ kind: 'needs_sign_in', reason });
    expect(deriveState(facts({ needsSignIn: reason, failure: { error: UNAVAILABLE, retryAt: NOW + 1 } }))).toEqual({
      kind: 'needs_sign_in',
      reason,
    });
  });

  it('deriveState() is refreshing while a renewal runs, ahead of every other fact', () => {
    expect(deriveState(facts({ refreshing: true }))).toEqual({ kind: 'refreshing', expiresAt: NOW + 10 * 60_000 });
    expect(
      deriveState(facts({ refreshing: true, needsSignIn: 'x', failure: { error: UNAVAILABLE, retryAt: null }, expiresAt: NOW - 1 })),
    ).toEqual({ kind: 'refreshing', expiresAt: NOW - 1 });
    expect(deriveState(facts({ refreshing: true, hasToken: false, expiresAt: null }))).toEqual({ kind: 'refreshing', expiresAt: null });
  });

  it('deriveState() is error with the failure and its retry time, ahead of expiry', () => {
    const failure = { error: UNAVAILABLE, retryAt: NOW + 1_000 };
    expect(deriveState(facts({ failure }))).toEqual({ kind: 'error', error: UNAVAILABLE, retryAt: NOW + 1_000 });
    expect(deriveState(facts({ failure: { error: UNAVAILABLE, retryAt: null }, expiresAt: NOW - 1 }))).toEqual({
      kind: 'error',
      error: UNAVAILABLE,
      retryAt: null,
    });
  });

  it('deriveState() returns each of the seven states for some facts', () => {
    const kinds = new Set(
      [
        facts({ hasToken: false, expiresAt: null }),
        facts(),
        facts({ expiresAt: NOW + 1 }),
        facts({ refreshing: true }),
        facts({ expiresAt: NOW - 1 }),
        facts({ needsSignIn: 'sign in' }),
        facts({ failure: { error: UNAVAILABLE, retryAt: null } }),
      ].map((f) => deriveState(f).kind),
    );
    expect([...kinds].sort()).toEqual(['error', 'expired', 'expiring', 'needs_sign_in', 'refreshing', 'signed_out', 'valid']);
  });
});

describe('describeState', () => {
  it.each<[AccountState, string]>([
    [{ kind: 'signed_out' }, 'signed out'],
    [{ kind: 'valid', expiresAt: null }, 'valid'],
    [{ kind: 'expiring', expiresAt: NOW }, 'expiring soon'],
    [{ kind: 'refreshing', expiresAt: NOW }, 'refreshing'],
    [{ kind: 'expired', expiresAt: NOW }, 'expired'],
    [{ kind: 'needs_sign_in', reason: 'r' }, 'needs sign-in'],
    [{ kind: 'error', error: UNAVAILABLE, retryAt: null }, 'error: The provider is down (HTTP 503).'],
  ])('describeState(%o) reads "%s"', (state, label) => {
    expect(describeState(state)).toBe(label);
  });
});
