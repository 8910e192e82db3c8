// Specifies the accounts:update patch's `reset`: which settings an edit may take back, and what it refuses.
import { describe, expect, it } from 'vitest';
import { RESETTABLE_SETTINGS } from '../../../shared/accounts.js';
import { accountPatchSchema } from '../../../shared/ipc.js';

describe('accountPatchSchema reset', () => {
  it('accepts every resettable setting', () => {
    expect(accountPatchSchema.safeParse({ reset: [...RESETTABLE_SETTINGS] }).success).toBe(true);
  });

  it('accepts a reset beside changes to other settings', () => {
    expect(accountPatchSchema.safeParse({ overrides: { baseUrl: 'https://a.example' }, reset: ['timeoutSeconds'] }).success).toBe(true);
  });

  it('refuses a setting that has no default to go back to (the base URL)', () => {
    expect(accountPatchSchema.safeParse({ reset: ['baseUrl'] }).success).toBe(false);
  });

  it('refuses a name that is no setting', () => {
    expect(accountPatchSchema.safeParse({ reset: ['__proto__'] }).success).toBe(false);
  });

  it('refuses a setting both changed and reset', () => {
    const parsed = accountPatchSchema.safeParse({ overrides: { timeoutSeconds: 60 }, reset: ['timeoutSeconds'] });
    expect(parsed.error?.issues[0]?.message).toBe('A setting cannot be both changed and reset in one edit.');
  });

  it('refuses more entries than there are settings to reset', () => {
    expect(accountPatchSchema.safeParse({ reset: [...RESETTABLE_SETTINGS, 'issuer'] }).success).toBe(false);
  });
});
