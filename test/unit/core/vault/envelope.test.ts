// Specification of the envelope primitives: AES-256-GCM boxes bound to their entry's identity.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  base64Of,
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
  sealedBoxSchema,
  sealedBoxSchemaOf,
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

describe('isWellFormedText() on surrogates', () => {
  it.each([
    ['a lone high surrogate followed by a normal character', 'x\uD800y'],
    ['a lone high surrogate at the end', 'x\uD800'],
    ['a low surrogate before a high one', '\uDC00\uD800'],
    ['a lone surrogate after a valid pair', '🔑\uDBFF'],
  ])('refuses %s', (_, text) => {
    expect(isWellFormedText(text)).toBe(false);
  });

  it('accepts several astral characters in a row', () => {
    expect(isWellFormedText('🔑🔒\uDBFF\uDFFF')).toBe(true);
  });

  it('accepts text without surrogates', () => {
    expect(isWellFormedText('plain ascii and ü')).toBe(true);
  });
});

describe('the entry associated data', () => {
  it('is "tokenry-vault/v1/entry" and a newline, then the identity key: boxes written by another build open', () => {
    const key = newDataKey();
    const box = sealBox(key, Buffer.from('refresh-token'), Buffer.from('tokenry-vault/v1/entry\n["tokenry","work"]', 'utf8'));
    expect(openSecret(key, 'tokenry', 'work', box)).toBe('refresh-token');
  });

  it('names the entry, never the secret, when a box fails authentication', () => {
    const box = sealSecret(newDataKey(), 'tokenry', 'work', 'the-secret');
    expect(() => openSecret(newDataKey(), 'tokenry', 'work', box)).toThrow(
      'The stored secret for account "work" of service "tokenry" fails authentication: it was altered or moved from another entry',
    );
  });
});

describe('openBox() on malformed boxes', () => {
  const key = newDataKey();
  const box = sealBox(key, Buffer.from('x'), Buffer.alloc(0));

  it('opens a well-formed box', () => {
    expect(openBox(key, box, Buffer.alloc(0))?.toString()).toBe('x');
  });

  it('resolves null for an IV of 11 bytes', () => {
    expect(openBox(key, { ...box, iv: Buffer.alloc(11).toString('base64') }, Buffer.alloc(0))).toBeNull();
  });

  it('resolves null for a data key of 16 bytes', () => {
    expect(openBox(key.subarray(0, 16), box, Buffer.alloc(0))).toBeNull();
  });

  it('resolves null for a ciphertext altered by one bit', () => {
    const ct = Buffer.from(box.ct, 'base64');
    ct[0] = (ct[0] ?? 0) ^ 1;
    expect(openBox(key, { ...box, ct: ct.toString('base64') }, Buffer.alloc(0))).toBeNull();
  });

  it('resolves null for other associated data', () => {
    expect(openBox(key, box, Buffer.from('other'))).toBeNull();
  });
});

describe('entry identity keys', () => {
  it.each([
    ['three elements', '["s","a","x"]'],
    ['an object', '{"0":"s","1":"a"}'],
    ['a number as service', '[1,"a"]'],
    ['text that is not JSON', '[s,a]'],
  ])('parses %s as no identity', (_, key) => {
    expect(parseIdentityKey(key)).toBeNull();
  });
});

describe('isSealedBox() field by field', () => {
  const good = sealSecret(newDataKey(), 's', 'a', 'secret');
  const cases: Array<[string, unknown]> = [
    ['a numeric IV', { ...good, iv: 12 }],
    ['an IV with a non-base64 character', { ...good, iv: `${good.iv.slice(0, -1)}*` }],
    ['a numeric tag', { ...good, tag: 16 }],
    ['a tag of 24 characters without padding', { ...good, tag: Buffer.alloc(18).toString('base64') }],
    ['a tag with a non-base64 character', { ...good, tag: `*${good.tag.slice(1)}` }],
    ['a ciphertext of a length not a multiple of four', { ...good, ct: 'AAAAA' }],
    ['a ciphertext with a character after its padding', { ...good, ct: 'AA=A' }],
    ['a ciphertext padded three times', { ...good, ct: 'A===' }],
    ['three fields with a wrong name', { iv: good.iv, ct: good.ct, mac: good.tag }],
  ];
  it.each(cases)('refuses %s', (_, value) => {
    expect(isSealedBox(value)).toBe(false);
  });

  it.each(['', 'AAAA', 'AAA=', 'AA=='])('accepts the ciphertext %j', (ct) => {
    expect(isSealedBox({ ...good, ct })).toBe(true);
  });
});

describe('sealedBoxSchemaOf() and base64Of()', () => {
  const good = sealSecret(newDataKey(), 's', 'a', 'secret');

  it('accepts a box whose ciphertext is as long as the plaintext', () => {
    expect(sealedBoxSchemaOf(6).safeParse(good).success).toBe(true);
  });

  it('refuses a box whose ciphertext is longer than the plaintext it pins', () => {
    expect(sealedBoxSchemaOf(5).safeParse(good).success).toBe(false);
  });

  it('refuses a box with an extra field', () => {
    expect(sealedBoxSchemaOf().safeParse({ ...good, extra: 'x' }).success).toBe(false);
  });

  it('refuses base64 of the right length in characters that decodes to fewer bytes', () => {
    expect(base64Of(12).safeParse('AAAAAAAAAAAAAA==').success).toBe(false);
  });

  it('accepts base64 of exactly the bytes asked for', () => {
    expect(base64Of(12).safeParse(Buffer.alloc(12).toString('base64')).success).toBe(true);
  });

  it('accepts base64 of any length when no length is asked for', () => {
    expect(base64Of().safeParse(Buffer.alloc(5).toString('base64')).success).toBe(true);
  });

  it('refuses text that is not base64', () => {
    expect(base64Of().safeParse('not base64!').success).toBe(false);
  });
});

describe('openBox() on authentic boxes of another shape', () => {
  const key = newDataKey();

  /** A box that authenticates under `key` but was sealed with an IV of `ivBytes` bytes. */
  function sealWithIv(ivBytes: number): { iv: string; ct: string; tag: string } {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    const ct = Buffer.concat([cipher.update('x'), cipher.final()]);
    return { iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  it('resolves null for an authentic box sealed with a 128-bit IV: only 96-bit IVs are opened', () => {
    expect(openBox(key, sealWithIv(16), Buffer.alloc(0))).toBeNull();
  });

  it('resolves null for an authentic box sealed with a 64-bit IV', () => {
    expect(openBox(key, sealWithIv(8), Buffer.alloc(0))).toBeNull();
  });
});

describe('isSealedBox() on values JSON never gives', () => {
  const good = sealSecret(newDataKey(), 's', 'a', 'secret');

  it('refuses a function carrying the three fields', () => {
    expect(isSealedBox(Object.assign(() => undefined, good))).toBe(false);
  });

  it('refuses a ciphertext that is an empty array', () => {
    expect(isSealedBox({ ...good, ct: [] })).toBe(false);
  });

  it('refuses a padded tag of 20 characters (13 bytes)', () => {
    expect(isSealedBox({ ...good, tag: Buffer.alloc(13).toString('base64') })).toBe(false);
  });
});

describe('sealedBoxSchema', () => {
  it('says "not a sealed box" for a value that is not one', () => {
    expect(sealedBoxSchema.safeParse({ iv: 'x' }).error?.issues[0]?.message).toBe('not a sealed box');
  });
});

describe('parseIdentityKey() on array-like objects', () => {
  it('parses an object with a length of 2 as no identity, without throwing', () => {
    expect(parseIdentityKey('{"length":2,"0":"s","1":"a"}')).toBeNull();
  });
});
