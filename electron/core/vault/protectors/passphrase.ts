// Passphrase protector: the data key wrapped under a scrypt-derived key, for headless machines, CI and tests.
import { randomBytes } from 'node:crypto';
import { openBox, sealBox } from '../envelope.js';
import {
  type KeyProtector,
  type PassphraseWrappedKey,
  scryptParamsSchema,
  type WrappedKey,
  wrappedKeySchema,
} from '../protector.js';
import { VaultError } from '../vault-error.js';
import { deriveScryptKey, takeScryptAhead } from './scrypt-head-start.js';

/** Cost parameters without the salt, which is fresh on every wrap. */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * Production cost: N=2^17, r=8, p=1, the OWASP Password Storage Cheat Sheet recommendation
 * for scrypt (128 MiB, a few hundred milliseconds once per unlock).
 */
export const DEFAULT_SCRYPT: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

/** Cheap cost for tests only: the same code path in milliseconds. Never use for real data. */
export const TEST_SCRYPT: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

const SALT_BYTES = 16;

export interface PassphraseProtectorOptions {
  /** scrypt cost for new wraps; unwrap always uses the cost stored with the wrapped key. */
  readonly scrypt?: ScryptCost;
}

/**
 * A protector deriving a key-encryption key from `passphrase` with scrypt. The passphrase is
 * NFC-normalised so the same text typed on different systems yields the same key. A wrong
 * passphrase is detected by AES-GCM authentication failure and reported as `wrong_passphrase`.
 */
export function passphraseProtector(passphrase: string, options: PassphraseProtectorOptions = {}): KeyProtector {
  if (passphrase.length === 0) {
    throw new VaultError('passphrase_required', 'An empty passphrase cannot protect the vault');
  }
  const secret = passphrase.normalize('NFC');
  const cost = options.scrypt ?? DEFAULT_SCRYPT;

  return {
    kind: 'passphrase',

    async wrap(dataKey: Buffer): Promise<WrappedKey> {
      const parsed = scryptParamsSchema.safeParse({ name: 'scrypt', ...cost, salt: randomBytes(SALT_BYTES).toString('base64') });
      if (!parsed.success) {
        throw new VaultError('invalid_argument', 'scrypt parameters out of range (N a power of two up to 2^20, r up to 32, p up to 16)');
      }
      const kdf = parsed.data;
      const kek = await deriveKey(secret, kdf);
      try {
        return { kind: 'passphrase', kdf, box: sealBox(kek, dataKey, wrapAad(kdf)) };
      } finally {
        kek.fill(0);
      }
    },

    async unwrap(wrapped: WrappedKey): Promise<Buffer> {
      const record = checkRecord(wrapped);
      const kek = await deriveKey(secret, record.kdf);
      try {
        const dataKey = openBox(kek, record.box, wrapAad(record.kdf));
        if (dataKey === null) {
          throw new VaultError('wrong_passphrase', 'The passphrase does not open this vault');
        }
        return dataKey;
      } finally {
        kek.fill(0);
      }
    },
  };
}

function checkRecord(wrapped: WrappedKey): PassphraseWrappedKey {
  const parsed = wrappedKeySchema.safeParse(wrapped);
  if (!parsed.success || parsed.data.kind !== 'passphrase') {
    throw new VaultError('invalid_argument', 'The passphrase protector was given a key wrapped by another kind of protector');
  }
  return parsed.data;
}

/**
 * The KDF parameters are authenticated with the wrapped key, so lowering them in the file
 * (to make guessing cheaper for whoever re-wraps) makes the unwrap fail instead.
 */
function wrapAad(kdf: PassphraseWrappedKey['kdf']): Buffer {
  const canonical = JSON.stringify([kdf.name, kdf.N, kdf.r, kdf.p, kdf.salt]);
  return Buffer.from(`tokenry-vault/v1/key-wrap/passphrase\n${canonical}`, 'utf8');
}

/** The key-encryption key: derived now, or taken from a derivation a command started ahead (scrypt-head-start.ts). */
function deriveKey(secret: string, kdf: PassphraseWrappedKey['kdf']): Promise<Buffer> {
  return takeScryptAhead(secret, kdf) ?? deriveScryptKey(secret, kdf);
}
