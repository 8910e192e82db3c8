// Specifies scope parsing (RFC 6749 §3.3) and the effective scope of a token record.

import { describe, expect, it } from 'vitest';
import { effectiveScope, parseScope, type TokenRecord } from '../../../../electron/core/grants/token-record.js';

const record = (grantedScope: readonly string[] | null, requestedScope: readonly string[] | null): TokenRecord => ({
  accessToken: 'at',
  tokenType: 'Bearer',
  issuedAt: 0,
  expiresAt: null,
  expirySource: 'unknown',
  refreshToken: null,
  refreshExpiresAt: null,
  grantedScope,
  requestedScope,
  extra: {},
});

describe('parseScope()', () => {
  it.each([
    [null, null],
    [undefined, null],
    ['', []],
    ['read', ['read']],
    ['read write', ['read', 'write']],
    ['  read \t write\nread ', ['read', 'write']],
    [['read', ' write ', '', 'read'], ['read', 'write']],
    ['Read read', ['Read', 'read']],
  ] as const)('reads %j as %j', (wire, list) => {
    expect(parseScope(wire)).toEqual(list);
  });
});

describe('effectiveScope()', () => {
  it('is the granted scope when the provider stated one', () => {
    expect(effectiveScope(record(['read'], ['read', 'write']))).toEqual(['read']);
  });

  it('is the requested scope when the provider said nothing (RFC 6749 §5.1)', () => {
    expect(effectiveScope(record(null, ['read', 'write']))).toEqual(['read', 'write']);
  });

  it('is unknown when neither is known', () => {
    expect(effectiveScope(record(null, null))).toBeNull();
  });
});
