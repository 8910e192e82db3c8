// Loopback client keys: 256 random bits behind a scannable prefix, kept only as a SHA-256 hash, compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Secret scanners (and people) recognise a leaked key by this prefix. */
export const CLIENT_KEY_PREFIX = 'tkr_';

/** `tkr_` and 32 random bytes in base64url (43 characters, no padding). */
export const CLIENT_KEY_PATTERN = /^tkr_[A-Za-z0-9_-]{43}$/;

/** How a stored key hash looks: SHA-256, lower-case hex. */
export const KEY_HASH_PATTERN = /^[0-9a-f]{64}$/;

/** A new key: 256 bits from the OS CSPRNG. Shown once; only its hash is stored. */
export function newClientKey(): string {
  return `${CLIENT_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * The stored form of a key. A plain SHA-256 suffices: the key is 256 random bits, so there is
 * nothing for a slow, salted hash to protect against (no dictionary to try).
 */
export function hashClientKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Whether two hex hashes are equal, in time that does not depend on where they differ. */
export function sameKeyHash(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The key of an `Authorization: Bearer <key>` header (RFC 6750 §2.1: the scheme is
 * case-insensitive), or `null` when the header is missing or carries something else.
 */
export function bearerKey(authorization: string | undefined): string | null {
  if (authorization === undefined || authorization.length < 8) return null;
  if (authorization.slice(0, 7).toLowerCase() !== 'bearer ') return null;
  const key = authorization.slice(7).trim();
  return key === '' ? null : key;
}
