// Client keys: scannable prefix, 256 random bits, hashed for storage, compared in constant time, read from Bearer headers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerKey, CLIENT_KEY_PATTERN, hashClientKey, KEY_HASH_PATTERN, newClientKey, sameKeyHash } from '../../../../electron/core/loopback/client-keys.js';

describe('client keys', () => {
  it('carry the tkr_ prefix so secret scanners find leaked ones', () => {
    expect(newClientKey().startsWith('tkr_')).toBe(true);
  });

  it('hold 256 random bits after the prefix', () => {
    expect(Buffer.from(newClientKey().slice(4), 'base64url').length).toBe(32);
  });

  it('match the documented pattern', () => {
    expect(CLIENT_KEY_PATTERN.test(newClientKey())).toBe(true);
  });

  it('are never the same twice', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => newClientKey()));
    expect(keys.size).toBe(1000);
  });

  it('are stored as a SHA-256 hex hash that does not contain the key', () => {
    const key = newClientKey();
    const hash = hashClientKey(key);
    expect([KEY_HASH_PATTERN.test(hash), hash.includes(key.slice(4))]).toEqual([true, false]);
  });

  it('compare equal only when their hashes are equal', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => sameKeyHash(hashClientKey(a), hashClientKey(b)) === (a === b)),
    );
  });

  it('compare unequal when hash lengths differ, without throwing', () => {
    expect(sameKeyHash('ab', 'abc')).toBe(false);
  });
});

describe('reading a Bearer header', () => {
  it('takes the key after a case-insensitive Bearer scheme', () => {
    expect(bearerKey('bEaReR tkr_abc')).toBe('tkr_abc');
  });

  it('finds nothing in a missing header', () => {
    expect(bearerKey(undefined)).toBeNull();
  });

  it('finds nothing in another scheme', () => {
    expect(bearerKey('Basic dG9rZW5yeQ==')).toBeNull();
  });

  it('finds nothing after a bare scheme', () => {
    expect(bearerKey('Bearer   ')).toBeNull();
  });

  it('takes a one-character key, which authentication then refuses as invalid rather than missing', () => {
    expect(bearerKey('Bearer x')).toBe('x');
  });

  it('finds nothing in a header shorter than the scheme', () => {
    expect(bearerKey('Bear')).toBeNull();
  });
});
