// The data files beside the vault that grant access or name accounts (accounts, clients, settings): made with a new
// vault, opened authenticated and guarded by the owner, never read as empty when missing, checked and accepted by hand.
import type { z } from 'zod';
import { ACCOUNTS_VERSION, accountsFileSchema, EMPTY_ACCOUNTS } from './accounts/account-store.js';
import { CLIENTS_FILE, CLIENTS_VERSION, clientsFileSchema, EMPTY_CLIENTS } from './loopback/client-store.js';
import { DEFAULT_SETTINGS_FILE, SETTINGS_FILE, SETTINGS_VERSION, settingsFileSchema } from './settings/settings-store.js';
import { checkFormatVersion, parseJsonBytes, readFileIfExists, validateJson, writeFileAtomic } from './vault/atomic-file.js';
import { dataFileMac, dataFilePath, MAC_KEY, openDataStore, type DataStore, type StoreOpener } from './vault/data-store.js';
import { assertUnchanged, fingerprintOf } from './vault/file-fingerprint.js';
import { createVault, secretsPath, type Vault, type VaultOptions } from './vault/secret-store.js';
import { isVaultError, VaultError } from './vault/vault-error.js';
import { UNGUARDED, type WriteGuard } from './vault/write-guard.js';

/** What the data files' authentication key is derived for (Vault#deriveKey). */
export const DATA_FILES_MAC_PURPOSE = 'data-files-mac';

/** One data file: its name (`<name>.json`), schema, the value a new directory starts with, and the format it is written in. */
export interface DataFileSpec<T extends object = object> {
  readonly name: string;
  readonly schema: z.ZodType<T>;
  readonly defaults: T;
  readonly version: number;
  /** What the file holds, for `tokenry files`: "3 accounts". */
  describe(value: T): string;
}

const spec = <T extends object>(s: DataFileSpec<T>): DataFileSpec => s as unknown as DataFileSpec;
const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The files that grant access (clients), name accounts (accounts), or say where tokens are served (settings). */
export const DATA_FILES: readonly DataFileSpec[] = [
  spec({ name: 'accounts', schema: accountsFileSchema, defaults: EMPTY_ACCOUNTS, version: ACCOUNTS_VERSION, describe: (f) => plural(f.accounts.length, 'account') }),
  spec({ name: CLIENTS_FILE, schema: clientsFileSchema, defaults: EMPTY_CLIENTS, version: CLIENTS_VERSION, describe: (f) => plural(f.clients.length, 'loopback client') }),
  spec({
    name: SETTINGS_FILE,
    schema: settingsFileSchema,
    defaults: DEFAULT_SETTINGS_FILE,
    version: SETTINGS_VERSION,
    describe: (f) => `settings (loopback ${f.loopbackEnabled ? `port ${f.loopbackPort}` : 'off'})`,
  }),
];

/** The data file called `name` or `name.json`, or undefined. */
export function dataFileSpec(name: string): DataFileSpec | undefined {
  const bare = name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
  return DATA_FILES.find((f) => f.name === bare);
}

/** The data files present in `dataDir` (file names). */
export async function presentDataFiles(dataDir: string): Promise<string[]> {
  const present: string[] = [];
  for (const file of DATA_FILES) if ((await fingerprintOf(dataFilePath(dataDir, file.name))) !== null) present.push(`${file.name}.json`);
  return present;
}

/**
 * A new vault is made only in a new, empty data directory: with no secrets.json but accounts,
 * clients or settings beside it, the vault that held their secrets is missing, and a new empty
 * one would silently leave every account signed out and every client key dead. `vault_missing`
 * then, saying what is there and what to do. Resolves whether the directory is new.
 */
export async function assertVaultMayBeCreated(dataDir: string): Promise<boolean> {
  if ((await fingerprintOf(secretsPath(dataDir))) !== null) return false;
  const present = await presentDataFiles(dataDir);
  if (present.length === 0) return true;
  throw new VaultError(
    'vault_missing',
    `The vault (secrets.json) is missing from ${dataDir}, but ${present.join(', ')} ${present.length === 1 ? 'is' : 'are'} there: ` +
      'the tokens and secrets of those accounts were in it. Tokenry does not make a new, empty vault over them. ' +
      `Restore secrets.json from a backup; or, to start over, move ${dataDir} aside.`,
    { path: secretsPath(dataDir) },
  );
}

/**
 * The owner's opener for the data files: each one authenticated with `macKey` (derived from the
 * vault's data key), every write checked against `guard` (the lock), and a missing file an error
 * (a directory with a vault has all of them: they are made with it).
 */
export function protectedOpener(base: StoreOpener, guard: WriteGuard, macKey: Buffer): StoreOpener {
  return (options) => base({ ...options, guard, macKey, ifMissing: 'error' });
}

/** Writes every data file with its defaults (a new directory, right after its vault was made). */
export async function createDataFiles(dataDir: string, base: StoreOpener, guard: WriteGuard, macKey: Buffer): Promise<void> {
  for (const file of DATA_FILES) {
    if ((await fingerprintOf(dataFilePath(dataDir, file.name))) !== null) continue;
    await base({ dataDir, name: file.name, schema: file.schema, defaults: file.defaults, guard, macKey, ifMissing: 'create' });
  }
}

/**
 * Makes a new data directory whole: its vault and, authenticated with the vault's key, its data
 * files. Refuses (`vault_missing`, `vault_exists`) anything but a new, empty directory.
 */
export async function initDataDir(options: VaultOptions & { readonly openStore?: StoreOpener }): Promise<Vault> {
  await assertVaultMayBeCreated(options.dataDir);
  const vault = await createVault(options);
  try {
    await createDataFiles(options.dataDir, options.openStore ?? openDataStore, options.guard ?? UNGUARDED, vault.deriveKey(DATA_FILES_MAC_PURPOSE));
  } catch (error) {
    await vault.close();
    throw error;
  }
  return vault;
}

/** How a data file stands, for `tokenry files`. */
export type DataFileStatus =
  | { readonly kind: 'ok'; readonly name: string; readonly path: string; readonly summary: string }
  | { readonly kind: 'missing'; readonly name: string; readonly path: string; readonly message: string }
  | { readonly kind: 'refused'; readonly name: string; readonly path: string; readonly code: string; readonly message: string };

/** Opens each data file read-only with the vault's key and says how it stands. Writes nothing. */
export async function checkDataFiles(dataDir: string, macKey: Buffer): Promise<DataFileStatus[]> {
  const statuses: DataFileStatus[] = [];
  for (const file of DATA_FILES) {
    const path = dataFilePath(dataDir, file.name);
    const name = `${file.name}.json`;
    try {
      const store: DataStore<object> = await openDataStore({ dataDir, name: file.name, schema: file.schema, defaults: file.defaults, macKey, ifMissing: 'error' });
      statuses.push({ kind: 'ok', name, path, summary: file.describe(store.get()) });
    } catch (error) {
      if (!isVaultError(error)) throw error;
      if (error.code === 'missing_file') statuses.push({ kind: 'missing', name, path, message: error.message });
      else statuses.push({ kind: 'refused', name, path, code: error.code, message: error.message });
    }
  }
  return statuses;
}

/**
 * Authenticates a data file as it is, once a person has checked it (`tokenry files accept`): a
 * file from an older Tokenry (format 1, no MAC) or one they changed by hand. A missing file is
 * started empty. Its content must still be valid: a damaged file stays refused. Resolves what it
 * now holds. The caller owns the directory (`guard`).
 */
export async function acceptDataFile(dataDir: string, file: DataFileSpec, guard: WriteGuard, macKey: Buffer, base: StoreOpener = openDataStore): Promise<string> {
  const path = dataFilePath(dataDir, file.name);
  const fingerprint = await fingerprintOf(path);
  const bytes = await readFileIfExists(path);
  if (bytes === null) {
    await base({ dataDir, name: file.name, schema: file.schema, defaults: file.defaults, guard, macKey, ifMissing: 'create' });
    return `${file.describe(file.defaults)} (new, empty)`;
  }
  const raw = parseJsonBytes(bytes, path);
  checkFormatVersion(raw, file.version, path);
  const { [MAC_KEY]: _mac, __internal__: _internal, ...content } = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  // Older formats differ from the current one only in their version and their missing MAC.
  const value = validateJson({ ...content, version: file.version }, file.schema, path);
  await guard.verify();
  await assertUnchanged(path, fingerprint);
  // conf's and electron-store's format (tab-indented JSON), with the MAC the stores check.
  await writeFileAtomic(path, JSON.stringify({ ...value, [MAC_KEY]: dataFileMac(macKey, file.name, value) }, undefined, '\t'));
  return file.describe(value);
}
