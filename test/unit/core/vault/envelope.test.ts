// Specification of the envelope primitives: AES-256-GCM boxes bound to their entry's identity.
import { describe, expect, it } from 'vitest';
import {
  entryAad,
  identityKey,
  isSealedBox,
  isWellFormedText,
  newDataKey,
  openBox,
  openSecret,
  parseIdentityKey,
  sealBox,
  sealSecret,
} from '../../../../electron/core/vault/envelope.js';
import { thrownCode } from './vault-test-helpers.js';

describe('sealSecret() / openSecret()', () => {
  it('round-trips a secret for the same entry', () => {
    const key = newDataKey();
    const box = sealSecret(key, 'tokenry', 'work', 'refresh-token');
    expect(openSecret(key, 'tokenry', 'work', box)).toBe('refresh-token');
  });

  it('uses a fresh 96-bit IV every time, so equal secrets give different ciphertexts', () => {
    const key = newDataKey();
    const a = sealSecret(key, 's', 'a', 'same');
    const b = sealSecret(key, 's', 'a', 'same');
    expect(Buffer.from(a.iv, 'base64')).toHaveLength(12);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  it('refuses a box opened under another account with code tampered', () => {
    const key = newDataKey();
    const box = sealSecret(key, 'tokenry', 'alice', 'x');
    expect(thrownCode(() => openSecret(key, 'tokenry', 'mallory', box))).toBe('tampered');
  });

  it('refuses a box opened under another service with code tampered', () => {
    const key = newDataKey();
    const box = sealSecret(key, 'tokenry', 'alice', 'x');
    expect(thrownCode(() => openSecret(key, 'other', 'alice', box))).toBe('tampered');
  });

  it('refuses a box opened with another data key with code tampered', () => {
    const box = sealSecret(newDataKey(), 's', 'a', 'x');
    expect(thrownCode(() => openSecret(newDataKey(), 's', 'a', box))).toBe('tampered');
  });
});

describe('openBox()', () => {
  it('resolves null, never throws, for a truncated tag', () => {
    const key = newDataKey();
    const box = sealBox(key, Buffer.from('x'), Buffer.alloc(0));
    expect(openBox(key, { ...box, tag: Buffer.from(box.tag, 'base64').subarray(0, 8).toString('base64') }, Buffer.alloc(0))).toBeNull();
  });
});

describe('entry identity', () => {
  it('encodes (service, account) unambiguously', () => {
    expect(identityKey('a:b', 'c')).not.toBe(identityKey('a', 'b:c'));
    expect(identityKey('a"', 'b')).not.toBe(identityKey('a', '"b'));
    expect(entryAad('a\n', 'b').equals(entryAad('a', '\nb'))).toBe(false);
  });

  it('parses back only canonical keys', () => {
    expect(parseIdentityKey(identityKey('s', 'a'))).toEqual({ service: 's', account: 'a' });
    expect(parseIdentityKey('[ "s", "a" ]')).toBeNull();
    expect(parseIdentityKey('["s"]')).toBeNull();
    expect(parseIdentityKey('["s",1]')).toBeNull();
    expect(parseIdentityKey('__proto__')).toBeNull();
  });
});

describe('isWellFormedText()', () => {
  it('accepts astral characters and refuses lone surrogates', () => {
    expect(isWellFormedText('key 🔑')).toBe(true);
    expect(isWellFormedText('bad \uD800')).toBe(false);
    expect(isWellFormedText('bad \uDC00 too')).toBe(false);
  });
});

describe('isSealedBox()', () => {
  const good = sealSecret(newDataKey(), 's', 'a', 'secret');
  it('accepts a box as sealSecret() writes it', () => {
    expect(isSealedBox(good)).toBe(true);
  });
  const bad: Array<[string, unknown]> = [
    ['null', null],
    ['an array', [good.iv, good.ct, good.tag]],
    ['an extra field', { ...good, extra: 'x' }],
    ['a missing tag', { iv: good.iv, ct: good.ct }],
    ['an IV of the wrong length', { ...good, iv: 'AAAA' }],
    ['a tag of the wrong length', { ...good, tag: 'AAAA' }],
    ['a ciphertext with a non-base64 character', { ...good, ct: `${good.ct.slice(0, -4)}A*A=` }],
    ['a ciphertext with padding in the middle', { ...good, ct: `AA==${good.ct}` }],
    ['a numeric ciphertext', { ...good, ct: 12 }],
  ];
  for (const [what, value] of bad) {
    it(`refuses ${what}`, () => {
      expect(isSealedBox(value)).toBe(false);
    });
  }
});
