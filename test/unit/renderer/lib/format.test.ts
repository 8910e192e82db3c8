// Specification of the scope comparison the account page shows.
import { describe, expect, it } from 'vitest';
import { compareScopes } from '../../../../renderer/src/lib/format.js';

describe('compareScopes()', () => {
  it('names what was requested and not granted, and what was granted unasked', () => {
    expect(compareScopes(['read', 'write'], ['read', 'admin'])).toEqual({ both: ['read'], missing: ['write'], extra: ['admin'] });
  });

  it('says nothing when the provider did not state the granted scope (RFC 6749 §5.1: as requested)', () => {
    expect(compareScopes(['read'], null)).toBeNull();
  });

  it('counts offline_access as granted once a refresh token arrived (Entra ID never lists it)', () => {
    expect(compareScopes(['openid', 'offline_access'], ['openid'], true)?.missing).toEqual([]);
  });

  it('keeps offline_access missing when no refresh token came', () => {
    expect(compareScopes(['openid', 'offline_access'], ['openid'], false)?.missing).toEqual(['offline_access']);
  });
});
