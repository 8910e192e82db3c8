// The on-disk format of secrets.json: version, journal position, wrapped data keys (each with a checksum), sealed entries;
// strict parsing, canonical writing.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { damagedFile, parseJsonBytes, validateJson } from './atomic-file.js';
import { parseIdentityKey, type SealedBox, sealedBoxSchema } from './envelope.js';
import { type WrappedKey, wrappedKeySchema } from './protector.js';
import { VaultError } from './vault-error.js';

export const SECRETS_FILE = 'secrets.json';
/**
 * 2: `seq` (the last journal record folded in, see vault-journal.ts) and a checksum on each
 * wrapped key. Version 1 files (neither) are read, and written back as version 2.
 */
export const VAULT_FORMAT_VERSION = 2;

/**
 * secrets.json. `entries` maps an entry's identity key (JSON of [service, account]) to its
 * sealed secret. Names are not secret; every secret value is ciphertext.
 */
export interface VaultFile {
  readonly version: typeof VAULT_FORMAT_VERSION;
  /** Journal records up to this number are in `entries`; later ones are applied on top when the vault opens. */
  readonly seq: number;
  readonly protectors: readonly WrappedKey[];
  readonly entries: Readonly<Record<string, SealedBox>>;
}

const MAX_PROTECTORS = 16;
const CHECK = /^[0-9a-f]{32}$/;

const vaultFileSchema = z.strictObject({
  version: z.union([z.literal(1), z.literal(2)]),
  seq: z.number().int().nonnegative().optional(),
  protectors: z.array(wrappedKeySchema).min(1).max(MAX_PROTECTORS),
  entries: z.record(z.string(), sealedBoxSchema),
});

/**
 * A checksum of one wrapped key record (not a secret, not keyed): it tells a record damaged on
 * disk from a wrong passphrase, which both fail the record's authentication the same way.
 */
export function keyRecordCheck(record: WrappedKey): string {
  return createHash('sha256').update(`tokenry-vault/key-record\n${canonicalJson(record)}`, 'utf8').digest('hex').slice(0, 32);
}

/**
 * Parses secrets.json bytes. `damaged_file` for anything that is not a well-formed version 1 or
 * 2 file, a key record whose checksum does not match included; `unsupported_version` for a file
 * from a newer Tokenry, which must not be rewritten by this one.
 */
export function parseVaultFile(bytes: Uint8Array, path: string): VaultFile {
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
  const withoutChecks = { ...(raw as Record<string, unknown>), protectors: stripChecks((raw as Record<string, unknown>)['protectors'], version, path) };
  const file = validateJson(withoutChecks, vaultFileSchema, path);
  return { version: VAULT_FORMAT_VERSION, seq: file.seq ?? 0, protectors: file.protectors, entries: file.entries };
}

/** Verifies and removes each record's checksum (version 2 requires one; version 1 has none). */
function stripChecks(protectors: unknown, version: number, path: string): unknown {
  if (!Array.isArray(protectors)) return protectors;
  return protectors.map((record: unknown, index) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return record;
    const { check, ...rest } = record as Record<string, unknown>;
    if (version < 2) return check === undefined ? rest : record;
    const kind = typeof rest['kind'] === 'string' ? rest['kind'] : 'unknown';
    if (typeof check !== 'string' || !CHECK.test(check)) throw damagedFile(path, `key record ${index + 1} (${kind}) has no valid checksum`);
    const parsed = wrappedKeySchema.safeParse(rest);
    // A record that does not even parse is reported by the schema, naming where.
    if (!parsed.success) return rest;
    if (keyRecordCheck(parsed.data) !== check) {
      throw damagedFile(path, `key record ${index + 1} (${kind}) does not match its checksum: it was altered on disk, so no passphrase can open it`);
    }
    return rest;
  });
}

/** The bytes written for a vault file: compact JSON, one trailing newline, each key record with its checksum. */
export function serializeVaultFile(file: VaultFile): string {
  const protectors = file.protectors.map((record) => ({ ...record, check: keyRecordCheck(record) }));
  return `${JSON.stringify({ version: file.version, seq: file.seq, protectors, entries: file.entries })}\n`;
}
