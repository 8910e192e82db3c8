// Specification of the passphrase protector: scrypt-derived key, parameters stored, wrong passphrase detected.
import { describe, expect, it } from 'vitest';
import { newDataKey } from '../../../../electron/core/vault/envelope.js';
import type { PassphraseWrappedKey, WrappedKey } from '../../../../electron/core/vault/protector.js';
import { DEFAULT_SCRYPT, passphraseProtector, TEST_SCRYPT } from '../../../../electron/core/vault/protectors/passphrase.js';
import { rejectionCode, thrownCode } from './vault-test-helpers.js';

const cheap = { scrypt: TEST_SCRYPT };

describe('passphraseProtector()', () => {
  it('unwraps what it wrapped', async () => {
    const key = newDataKey();
    const protector = passphraseProtector('pw', cheap);
    expect((await protector.unwrap(await protector.wrap(key))).equals(key)).toBe(true);
  });

  it('defaults to the OWASP scrypt cost N=2^17, r=8, p=1', () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 131072, r: 8, p: 1 });
  });

  it('records scrypt N, r, p and a fresh 16-byte salt with each wrapped key', async () => {
    const protector = passphraseProtector('pw', cheap);
    const a = (await protector.wrap(newDataKey())) as PassphraseWrappedKey;
    const b = (await protector.wrap(newDataKey())) as PassphraseWrappedKey;
    expect(a.kdf).toMatchObject({ name: 'scrypt', N: 1024, r: 8, p: 1 });
    expect(Buffer.from(a.kdf.salt, 'base64')).toHaveLength(16);
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
  });

  it('refuses a wrong passphrase with code wrong_passphrase', async () => {
    const wrapped = await passphraseProtector('right', cheap).wrap(newDataKey());
    expect(await rejectionCode(passphraseProtector('wrong', cheap).unwrap(wrapped))).toBe('wrong_passphrase');
  });

  it('treats canonically equivalent Unicode spellings as the same passphrase', async () => {
    const key = newDataKey();
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    const wrapped = await passphraseProtector(composed, cheap).wrap(key);
    expect((await passphraseProtector(decomposed, cheap).unwrap(wrapped)).equals(key)).toBe(true);
  });

  it('refuses an empty passphrase with code passphrase_required', () => {
    expect(thrownCode(() => passphraseProtector(''))).toBe('passphrase_required');
  });

  it('refuses out-of-range scrypt cost with code invalid_argument', async () => {
    const protector = passphraseProtector('pw', { scrypt: { N: 1000, r: 8, p: 1 } });
    expect(await rejectionCode(protector.wrap(newDataKey()))).toBe('invalid_argument');
  });

  it('refuses a record of another kind with code invalid_argument', async () => {
    const foreign: WrappedKey = { kind: 'safe-storage', backend: 'unknown', blob: 'AAAA' };
    expect(await rejectionCode(passphraseProtector('pw', cheap).unwrap(foreign))).toBe('invalid_argument');
  });

  it('refuses a record whose scrypt memory cost exceeds 1 GiB with code invalid_argument, without running scrypt', async () => {
    const wrapped = (await passphraseProtector('pw', cheap).wrap(newDataKey())) as PassphraseWrappedKey;
    const hostile: WrappedKey = { ...wrapped, kdf: { ...wrapped.kdf, N: 2 ** 20, r: 32 } };
    expect(await rejectionCode(passphraseProtector('pw', cheap).unwrap(hostile))).toBe('invalid_argument');
  });
});
