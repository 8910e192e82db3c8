// Specification of the scrypt head start: a derivation started ahead is used once, only for the same passphrase
// and parameters, and an unwrap without one derives as always.
import { afterEach, describe, expect, it } from 'vitest';
import { newDataKey } from '../../../../electron/core/vault/envelope.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../../electron/core/vault/protectors/passphrase.js';
import { deriveScryptKey, startScryptAhead, takeScryptAhead, type ScryptKdf } from '../../../../electron/core/vault/protectors/scrypt-head-start.js';

const KDF: ScryptKdf = { ...TEST_SCRYPT, salt: Buffer.alloc(16, 7).toString('base64') };

afterEach(() => {
  // Nothing started by one test is left for the next.
  takeScryptAhead('s', KDF);
});

describe('takeScryptAhead()', () => {
  it('gives the derivation started for the same passphrase and parameters, once', async () => {
    startScryptAhead('s', KDF);
    const first = takeScryptAhead('s', KDF);
    expect([first === null ? null : (await first).equals(await deriveScryptKey('s', KDF)), takeScryptAhead('s', KDF)]).toEqual([true, null]);
  });

  it('gives nothing for another passphrase', () => {
    startScryptAhead('s', KDF);
    expect(takeScryptAhead('other', KDF)).toBeNull();
  });

  it('gives nothing for another salt', () => {
    startScryptAhead('s', KDF);
    expect(takeScryptAhead('s', { ...KDF, salt: Buffer.alloc(16, 8).toString('base64') })).toBeNull();
  });

  it.each([
    ['N not a power of two', { ...KDF, N: 1000 }],
    ['N above 2^20', { ...KDF, N: 2 ** 21 }],
    ['r of 0', { ...KDF, r: 0 }],
    ['p above 16', { ...KDF, p: 17 }],
    ['more than 1 GiB of memory (N 2^20, r 16)', { ...KDF, N: 2 ** 20, r: 16 }],
    ['a salt too long to be one', { ...KDF, salt: 'x'.repeat(65) }],
  ])('starts nothing for %s', (_, kdf) => {
    startScryptAhead('s', kdf);
    expect(takeScryptAhead('s', kdf)).toBeNull();
  });
});

describe('passphraseProtector() with a head start', () => {
  it('opens a key wrapped under the same passphrase with the derivation started ahead', async () => {
    const dataKey = newDataKey();
    const wrapped = await passphraseProtector('right', { scrypt: TEST_SCRYPT }).wrap(dataKey);
    if (wrapped.kind !== 'passphrase') throw new Error('not a passphrase record');
    startScryptAhead('right', wrapped.kdf);
    expect((await passphraseProtector('right').unwrap(wrapped)).equals(dataKey)).toBe(true);
  });

  it('still refuses a wrong passphrase when a derivation for another one was started', async () => {
    const wrapped = await passphraseProtector('right', { scrypt: TEST_SCRYPT }).wrap(newDataKey());
    if (wrapped.kind !== 'passphrase') throw new Error('not a passphrase record');
    startScryptAhead('right', wrapped.kdf);
    await expect(passphraseProtector('wrong').unwrap(wrapped)).rejects.toMatchObject({ code: 'wrong_passphrase' });
    takeScryptAhead('right', wrapped.kdf);
  });
});
