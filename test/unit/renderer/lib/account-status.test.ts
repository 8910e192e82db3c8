import { describe, expect, it } from 'vitest';
import { accountStatus, statusOf } from '../../../../renderer/src/lib/account-status.js';
import { accountView, NOW } from './account-fixture.js';

describe('accountStatus()', () => {
  it('says until when a still-valid token lasts on an account that needs sign-in', () => {
    const status = accountStatus(accountView({ state: { kind: 'needs_sign_in', reason: 'The refresh token was revoked' }, expiresAt: NOW + 3_600_000 }), NOW);
    expect(status.label).toBe('Needs sign-in');
    expect(status.detail).toMatch(/^The refresh token was revoked\. The current token still works until .+\.$/);
  });

  it('keeps the error of a failed first sign-in, and asks the person to act', () => {
    const status = accountStatus(
      accountView({ state: { kind: 'error', error: { code: 'cancelled', kind: 'cancelled', message: 'Sign-in cancelled' }, retryAt: null }, issuedAt: null, expiresAt: null }),
      NOW,
    );
    expect(status.detail).toBe('Sign-in cancelled.');
    expect(status.needsPerson).toBe(true);
  });

  it('does not ask the person to act on an error the engine retries', () => {
    expect(statusOf({ kind: 'error', error: { code: 'x', kind: 'unavailable', message: 'HTTP 503' }, retryAt: NOW }).needsPerson).toBe(false);
  });
});
