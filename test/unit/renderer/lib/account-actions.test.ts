import { describe, expect, it } from 'vitest';
import { actionChangesAt, canGetToken, primaryAction, usableUntil } from '../../../../renderer/src/lib/account-actions.js';
import { accountView, NOW } from './account-fixture.js';

const needsSignIn = { kind: 'needs_sign_in', reason: 'The refresh token was revoked.' } as const;
const failedFirst = { kind: 'error', error: { code: 'invalid_grant', kind: 'rejected', message: 'Wrong password.' }, retryAt: null } as const;

describe('primaryAction()', () => {
  it('is Copy for a working token and Sign in for a signed-out account', () => {
    expect(primaryAction(accountView(), NOW)).toBe('copy');
    expect(primaryAction(accountView({ state: { kind: 'expired', expiresAt: NOW - 1 }, expiresAt: NOW - 1 }), NOW)).toBe('copy');
    expect(primaryAction(accountView({ state: { kind: 'signed_out' }, issuedAt: null, expiresAt: null }), NOW)).toBe('sign-in');
  });

  it('keeps Copy while an account that needs sign-in still holds an unexpired token', () => {
    const account = accountView({ state: needsSignIn, expiresAt: NOW + 57 * 60_000 });
    expect(primaryAction(account, NOW)).toBe('copy');
    expect(usableUntil(account, NOW)).toBe(NOW + 57 * 60_000);
    expect(actionChangesAt(account, NOW)).toBe(NOW + 57 * 60_000);
    expect(primaryAction(account, NOW + 57 * 60_000)).toBe('sign-in');
  });

  it('is Sign in after a failed first sign-in (an error without a token)', () => {
    const account = accountView({ state: failedFirst, issuedAt: null, expiresAt: null });
    expect(canGetToken(account, NOW)).toBe(false);
    expect(primaryAction(account, NOW)).toBe('sign-in');
    expect(actionChangesAt(account, NOW)).toBeNull();
  });

  it('treats a held token without a stated expiry as usable', () => {
    const account = accountView({ state: needsSignIn, expiresAt: null });
    expect(usableUntil(account, NOW)).toBe(Number.POSITIVE_INFINITY);
    expect(primaryAction(account, NOW)).toBe('copy');
    expect(actionChangesAt(account, NOW)).toBeNull();
  });
});
