// What stands between the data key and the disk: the KeyProtector contract and the wrapped-key records it produces.
import { z } from 'zod';
import { base64Of, DATA_KEY_BYTES, type SealedBox, sealedBoxSchemaOf } from './envelope.js';
import { SCRYPT_LIMITS } from './protectors/scrypt-head-start.js';

export type ProtectorKind = 'passphrase' | 'keyring' | 'safe-storage';

/** scrypt parameters (RFC 7914), stored beside the wrapped key so they can change over time. */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  /** base64, random per wrap */
  readonly salt: string;
}

/** The data key encrypted under a key derived from a passphrase. */
export interface PassphraseWrappedKey {
  readonly kind: 'passphrase';
  readonly kdf: { readonly name: 'scrypt' } & ScryptParams;
  readonly box: SealedBox;
}

/** The data key encrypted under a random key-encryption key kept in the OS keyring. */
export interface KeyringWrappedKey {
  readonly kind: 'keyring';
  /** Where the key-encryption key lives in the OS keyring. */
  readonly service: string;
  readonly account: string;
  readonly box: SealedBox;
}

/** The data key encrypted by Electron safeStorage (OS-bound key). */
export interface SafeStorageWrappedKey {
  readonly kind: 'safe-storage';
  /** The safeStorage backend used, for diagnostics (e.g. gnome_libsecret, kwallet6, unknown). */
  readonly backend: string;
  /** base64 of safeStorage's ciphertext */
  readonly blob: string;
}

/** JSON-safe record of one wrapping of the data key; kept in secrets.json under `protectors`. */
export type WrappedKey = PassphraseWrappedKey | KeyringWrappedKey | SafeStorageWrappedKey;

/**
 * Protects the data key. Implementations never see secrets other than the data key, and
 * never write files: the vault stores what `wrap` returns.
 */
export interface KeyProtector {
  readonly kind: ProtectorKind;
  /** Encrypts the data key; each call produces a new record (fresh salt, IV or keyring key). */
  wrap(dataKey: Buffer): Promise<WrappedKey>;
  /** Recovers the data key, or rejects with a VaultError (wrong_passphrase, key_not_found, ...). */
  unwrap(wrapped: WrappedKey): Promise<Buffer>;
  /**
   * After a successful unwrap: true when the record should be rewrapped (e.g. safeStorage
   * reports its OS key rotated). The vault then replaces the record.
   */
  needsRewrap?(wrapped: WrappedKey): boolean;
  /** Cleans up what a record refers to outside the file (a keyring entry) once it is dropped. */
  discard?(wrapped: WrappedKey): Promise<void>;
}

/** Bounds on scrypt parameters read from a file (defined beside scrypt itself, which the head start also checks against). */
export { SCRYPT_LIMITS };

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;

export const scryptParamsSchema = z
  .strictObject({
    name: z.literal('scrypt'),
    N: z
      .number()
      .int()
      .min(2 ** SCRYPT_LIMITS.minLogN)
      .max(2 ** SCRYPT_LIMITS.maxLogN)
      .refine(isPowerOfTwo, 'N must be a power of two'),
    r: z.number().int().min(1).max(SCRYPT_LIMITS.maxR),
    p: z.number().int().min(1).max(SCRYPT_LIMITS.maxP),
    salt: base64Of(16),
  })
  .refine((k) => 128 * k.N * k.r <= SCRYPT_LIMITS.maxMemoryBytes, 'scrypt memory cost too high');

/** A data key box: the ciphertext is exactly one data key long. */
const dataKeyBoxSchema = sealedBoxSchemaOf(DATA_KEY_BYTES);

export const wrappedKeySchema: z.ZodType<WrappedKey> = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('passphrase'), kdf: scryptParamsSchema, box: dataKeyBoxSchema }),
  z.strictObject({
    kind: z.literal('keyring'),
    service: z.string().min(1).max(200),
    account: z.string().min(1).max(200),
    box: dataKeyBoxSchema,
  }),
  z.strictObject({ kind: z.literal('safe-storage'), backend: z.string().max(100), blob: base64Of() }),
]);
