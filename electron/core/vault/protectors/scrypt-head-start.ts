// scrypt for the passphrase protector, and a head start for it: a one-shot command that opens a passphrase vault
// itself spends most of its time in scrypt, which runs on libuv's thread pool; started before the vault module
// and its schemas load, it overlaps them instead of following them (docs/technical/control-channel.md).
import { scrypt } from 'node:crypto';
import { VaultError } from '../vault-error.js';

/** scrypt's parameters as a passphrase key record stores them (validated by the caller). */
export interface ScryptKdf {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  /** base64 */
  readonly salt: string;
}

const KEY_BYTES = 32;

/** Bounds on scrypt parameters read from a file: a damaged or hostile file must not exhaust memory. */
export const SCRYPT_LIMITS = {
  minLogN: 1,
  maxLogN: 20,
  maxR: 32,
  maxP: 16,
  /** 128 * N * r bytes of memory: 1 GiB at most. */
  maxMemoryBytes: 1024 * 1024 * 1024,
} as const;

/** Derives the key-encryption key; the caller zeroes it after use. */
export function deriveScryptKey(secret: string, kdf: ScryptKdf): Promise<Buffer> {
  const salt = Buffer.from(kdf.salt, 'base64');
  // Node refuses scrypt above maxmem (32 MiB by default); allow what the parameters need.
  const maxmem = 128 * kdf.N * kdf.r * 2 + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_BYTES, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem }, (error, key) => {
      if (error) {
        reject(new VaultError('io', 'Could not derive a key from the passphrase (scrypt failed: not enough memory?)', { cause: error }));
      } else {
        resolve(key);
      }
    });
  });
}

/** One derivation started ahead, for exactly this passphrase and these parameters. */
let ahead: { readonly secret: string; readonly kdf: ScryptKdf; readonly key: Promise<Buffer> } | null = null;

const sameKdf = (a: ScryptKdf, b: ScryptKdf): boolean => a.N === b.N && a.r === b.r && a.p === b.p && a.salt === b.salt;

/**
 * Starts deriving now what an unwrap with `secret` and `kdf` will need. Parameters outside what a vault may
 * hold are ignored: the unwrap then validates the record and derives (or refuses) as always.
 */
export function startScryptAhead(secret: string, kdf: ScryptKdf): void {
  // The vault file's schema (protector.ts) holds the same bounds; this runs before it, so the memory bound matters here too.
  const plausible =
    Number.isInteger(kdf.N) && kdf.N >= 2 ** SCRYPT_LIMITS.minLogN && kdf.N <= 2 ** SCRYPT_LIMITS.maxLogN && (kdf.N & (kdf.N - 1)) === 0 &&
    Number.isInteger(kdf.r) && kdf.r >= 1 && kdf.r <= SCRYPT_LIMITS.maxR &&
    Number.isInteger(kdf.p) && kdf.p >= 1 && kdf.p <= SCRYPT_LIMITS.maxP &&
    128 * kdf.N * kdf.r <= SCRYPT_LIMITS.maxMemoryBytes &&
    typeof kdf.salt === 'string' && kdf.salt.length <= 64;
  if (!plausible) return;
  const key = deriveScryptKey(secret, kdf);
  key.catch(() => undefined);
  ahead = { secret, kdf: { N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt }, key };
}

/** The derivation started ahead for exactly this passphrase and these parameters, once; else null. */
export function takeScryptAhead(secret: string, kdf: ScryptKdf): Promise<Buffer> | null {
  const found = ahead;
  if (found === null || found.secret !== secret || !sameKdf(found.kdf, kdf)) return null;
  ahead = null;
  return found.key;
}
