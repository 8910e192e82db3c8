// Envelope encryption primitives: the data key, AES-256-GCM boxes, and entry identities as associated data.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { VaultError } from './vault-error.js';

export const DATA_KEY_BYTES = 32;
/** 96-bit IVs: the size GCM is specified for (NIST SP 800-38D 8.2); random per encryption. */
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

/** One AES-256-GCM ciphertext, JSON-safe: base64 fields. */
export interface SealedBox {
  readonly iv: string;
  readonly ct: string;
  readonly tag: string;
}

/** A base64 string that decodes to exactly `bytes` bytes (or any length when omitted). */
export function base64Of(bytes?: number): z.ZodType<string> {
  const schema = z.base64();
  if (bytes === undefined) return schema;
  const chars = Math.ceil(bytes / 3) * 4;
  return schema.length(chars).refine((s) => Buffer.from(s, 'base64').length === bytes);
}

/** Schema of a box; `plaintextBytes` pins the ciphertext length (GCM adds no padding). */
export function sealedBoxSchemaOf(plaintextBytes?: number): z.ZodType<SealedBox> {
  return z.strictObject({ iv: base64Of(IV_BYTES), ct: base64Of(plaintextBytes), tag: base64Of(TAG_BYTES) });
}

/** A search for one bad character: several times faster on long strings than an anchored full-match pattern. */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

/** Padded base64 as Buffer#toString('base64') writes it: '=' only as the last one or two characters. */
function isBase64(s: string): boolean {
  if (s.length % 4 !== 0 || NOT_BASE64.test(s)) return false;
  const pad = s.indexOf('=');
  return pad === -1 || (pad >= s.length - 2 && /^=+$/.test(s.slice(pad)));
}

/**
 * Same rules as sealedBoxSchemaOf(), checked by hand: a vault holds thousands of boxes and
 * this keeps opening one several times faster than per-field schema parsing.
 */
export function isSealedBox(value: unknown): value is SealedBox {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 3) return false;
  const { iv, ct, tag } = value as Record<string, unknown>;
  return (
    typeof iv === 'string' &&
    iv.length === 16 &&
    isBase64(iv) &&
    typeof tag === 'string' &&
    tag.length === 24 &&
    tag.endsWith('==') &&
    isBase64(tag) &&
    typeof ct === 'string' &&
    isBase64(ct)
  );
}

export const sealedBoxSchema: z.ZodType<SealedBox> = z.custom<SealedBox>(isSealedBox, 'not a sealed box');

/** A fresh random 256-bit data key. */
export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

/** Encrypts `plaintext` under `key` with a fresh random IV, authenticating `aad` alongside. */
export function sealBox(key: Buffer, plaintext: Buffer, aad: Buffer): SealedBox {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/**
 * Decrypts a box. Resolves `null` when authentication fails (wrong key, altered bytes, other
 * associated data): callers know which of wrong_passphrase or tampered that means.
 */
export function openBox(key: Buffer, box: SealedBox, aad: Buffer): Buffer | null {
  const iv = Buffer.from(box.iv, 'base64');
  const tag = Buffer.from(box.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES || key.length !== DATA_KEY_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(box.ct, 'base64')), decipher.final()]);
  } catch {
    return null;
  }
}

/**
 * The canonical key of an entry: JSON of `[service, account]`. JSON string encoding is
 * injective, so ('a:b', 'c') and ('a', 'b:c') can never collide, and it can never be
 * `__proto__` or another name with meaning to JavaScript objects.
 */
export function identityKey(service: string, account: string): string {
  return JSON.stringify([service, account]);
}

/** The inverse of identityKey, or `null` when `key` is not one (a damaged file). */
export function parseIdentityKey(key: string): { service: string; account: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [service, account] = parsed as unknown[];
  if (typeof service !== 'string' || typeof account !== 'string') return null;
  // Only the canonical spelling is accepted, so one identity has exactly one key in the file.
  return identityKey(service, account) === key ? { service, account } : null;
}

const ENTRY_AAD_PREFIX = 'tokenry-vault/v1/entry\n';

/** Associated data binding a secret to its entry: a ciphertext moved to another entry fails. */
export function entryAad(service: string, account: string): Buffer {
  return Buffer.from(ENTRY_AAD_PREFIX + identityKey(service, account), 'utf8');
}

/** Encrypts one secret for the entry (service, account). */
export function sealSecret(dataKey: Buffer, service: string, account: string, secret: string): SealedBox {
  return sealBox(dataKey, Buffer.from(secret, 'utf8'), entryAad(service, account));
}

/** Decrypts one secret; `tampered` when it was altered or belongs to another entry. */
export function openSecret(dataKey: Buffer, service: string, account: string, box: SealedBox): string {
  const plain = openBox(dataKey, box, entryAad(service, account));
  if (plain === null) {
    throw new VaultError(
      'tampered',
      `The stored secret for account "${account}" of service "${service}" fails authentication: it was altered or moved from another entry`,
    );
  }
  const text = plain.toString('utf8');
  plain.fill(0);
  return text;
}

/** True when `s` survives a UTF-8 round trip (no lone surrogates), so what is stored is what comes back. */
export function isWellFormedText(s: string): boolean {
  return !/\p{Surrogate}/u.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}
