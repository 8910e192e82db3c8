// The on-disk format of secrets.json: version, wrapped data keys, sealed entries; strict parsing, canonical writing.
import { z } from 'zod';
import { damagedFile, parseJsonBytes, validateJson } from './atomic-file.js';
import { parseIdentityKey, type SealedBox, sealedBoxSchema } from './envelope.js';
import { type WrappedKey, wrappedKeySchema } from './protector.js';
import { VaultError } from './vault-error.js';

export const SECRETS_FILE = 'secrets.json';
export const VAULT_FORMAT_VERSION = 1;

/**
 * secrets.json, version 1. `entries` maps an entry's identity key (JSON of [service, account])
 * to its sealed secret. Names are not secret; every secret value is ciphertext.
 */
export interface VaultFileV1 {
  readonly version: 1;
  readonly protectors: readonly WrappedKey[];
  readonly entries: Readonly<Record<string, SealedBox>>;
}

const MAX_PROTECTORS = 16;

const vaultFileSchema: z.ZodType<VaultFileV1> = z.strictObject({
  version: z.literal(VAULT_FORMAT_VERSION),
  protectors: z.array(wrappedKeySchema).min(1).max(MAX_PROTECTORS),
  entries: z.record(z.string(), sealedBoxSchema),
});

/**
 * Parses secrets.json bytes. `damaged_file` for anything that is not a well-formed version 1
 * file; `unsupported_version` for a file from a newer Tokenry, which must not be rewritten
 * by this one.
 */
export function parseVaultFile(bytes: Uint8Array, path: string): VaultFileV1 {
  const raw = parseJsonBytes(bytes, path);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw damagedFile(path, 'not a vault file');
  }
  const version: unknown = (raw as Record<string, unknown>)['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw damagedFile(path, 'no format version');
  }
  if (version > VAULT_FORMAT_VERSION) {
    throw new VaultError(
      'unsupported_version',
      `${path} has format version ${version}, newer than this Tokenry understands (${VAULT_FORMAT_VERSION}): update Tokenry`,
      { path },
    );
  }
  // Keys are checked on the raw object: schema parsing would silently drop a "__proto__" key.
  const entries: unknown = (raw as Record<string, unknown>)['entries'];
  if (typeof entries === 'object' && entries !== null && !Array.isArray(entries)) {
    for (const key of Object.keys(entries)) {
      if (parseIdentityKey(key) === null) throw damagedFile(path, 'an entry has a malformed name');
    }
  }
  return validateJson(raw, vaultFileSchema, path);
}

/** The bytes written for a vault file: compact JSON, one trailing newline. */
export function serializeVaultFile(file: VaultFileV1): string {
  return `${JSON.stringify({ version: file.version, protectors: file.protectors, entries: file.entries })}\n`;
}
