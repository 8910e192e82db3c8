// Non-secret data (accounts, clients, settings) as JSON through conf/electron-store: validated, authenticated, durable,
// never reset, never written over a change made behind its back.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { dirname, join } from 'node:path';
import Conf from 'conf';
import type { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { checkFormatVersion, damagedFile, ensurePrivateDir, fsyncDir, PRIVATE_FILE_MODE, validateJson } from './atomic-file.js';
import { changedOnDisk, fingerprintOfSync, sameFingerprint, type Fingerprint } from './file-fingerprint.js';
import { SerialQueue } from './serial-queue.js';
import { ioError, nodeErrorCode, VaultError } from './vault-error.js';
import { UNGUARDED, type WriteGuard } from './write-guard.js';

/**
 * One JSON document. `get` returns the last value durably written (frozen: change it through
 * `set` or `update`). Writes are serialized and resolve once the file and its directory entry
 * are fsynced.
 */
export interface DataStore<T> {
  /** The file behind the store. */
  readonly path: string;
  get(): T;
  set(next: T): Promise<void>;
  /** Applies `change` to the value current when the write runs, so concurrent updates do not lose each other. */
  update(change: (current: T) => T): Promise<void>;
}

/**
 * The part of conf and electron-store (which extends conf) this module needs: both expose the
 * file path and the whole document as `store`.
 */
export interface ConfLike {
  readonly path: string;
  store: object;
}

class NotAnObjectError extends Error {}

/**
 * conf turns a file holding JSON null, a number or a string into {} (Object.assign) and would
 * then overwrite it on the next write; this refuses such files instead.
 */
function strictDeserialize(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new NotAnObjectError();
  return value as Record<string, unknown>;
}

/**
 * Options conf and electron-store must be built with for our guarantees: a damaged file throws
 * instead of being silently emptied (`clearInvalidConfig: false`, strict deserialize), files
 * are 0600, keys are literal, no watcher. conf writes through `atomically` (temp file, fsync,
 * rename); the directory fsync it lacks is added by this module after each write.
 */
export const STRICT_CONF_OPTIONS = {
  clearInvalidConfig: false,
  configFileMode: PRIVATE_FILE_MODE,
  accessPropertiesByDotNotation: false,
  watch: false,
  deserialize: strictDeserialize,
} as const;

/** conf keeps its migration bookkeeping under this key; it is not part of our documents. */
const CONF_INTERNAL_KEY = '__internal__';

/** What a missing file means when a store opens. */
export type IfMissing =
  /** Read as `defaults`; nothing is written until the first change (a store of its own, a test). */
  | 'defaults'
  /** Written now with `defaults` (a new data directory's files are made with its vault). */
  | 'create'
  /** `missing_file`: a data directory that has a vault must have this file; a missing one is not "empty". */
  | 'error';

/** How the owner of a data directory protects its data files: the lock checked before each write, and their authentication key. */
export interface DataFileProtection {
  /** Asked before every write (the owner's lock, see write-guard.ts). */
  readonly guard?: WriteGuard;
  /**
   * Authenticates the file: an HMAC-SHA256 under this key (derived from the vault's data key)
   * over the file's name and canonical content, stored as its `mac`. A file without a valid one
   * is refused (`unauthenticated_file`), never used and never overwritten. Absent: no MAC.
   */
  readonly macKey?: Buffer;
  /** Default 'defaults'. */
  readonly ifMissing?: IfMissing;
}

export interface DataStoreOptions<T> extends DataFileProtection {
  /** Directory of the file; created (or tightened) to 0700. */
  readonly dataDir: string;
  /** File name without extension: `accounts` -> accounts.json. */
  readonly name: string;
  readonly schema: z.ZodType<T>;
  /**
   * The value while the file does not exist yet. Its `version` is the format this build
   * writes: a file with a newer one is refused, untouched.
   */
  readonly defaults: T;
}

/** Opens one JSON document of a data directory: conf under plain Node, electron-store in the app (same file format). */
export type StoreOpener = <T extends object>(options: DataStoreOptions<T>) => Promise<DataStore<T>>;

/** The path of a data directory's `<name>.json`. */
export const dataFilePath = (dataDir: string, name: string): string => join(dataDir, `${name}.json`);

/**
 * Opens `<dataDir>/<name>.json` through conf. Rejects with `damaged_file` when the file is not
 * a JSON object or does not match `schema`, `unauthenticated_file` when it fails its MAC,
 * `missing_file` when it must exist and does not; the file is then left exactly as it was.
 */
export async function openDataStore<T extends object>(options: DataStoreOptions<T>): Promise<DataStore<T>> {
  // conf would create a missing directory with the default mode; make it private first.
  await ensurePrivateDir(options.dataDir);
  return openConfDataStore(
    () =>
      new Conf<Record<string, unknown>>({
        ...STRICT_CONF_OPTIONS,
        cwd: options.dataDir,
        configName: options.name,
        fileExtension: 'json',
      }),
    options,
  );
}

/**
 * Builds a store over the conf or electron-store instance `create` returns (the desktop shell
 * passes `() => new ElectronStore({ ...STRICT_CONF_OPTIONS, name, cwd })`). Their constructors
 * read the file, so errors thrown while creating are mapped too: `damaged_file` or `io`.
 * Validation is done here with zod; conf's own schema support (ajv) is not used.
 */
export async function openConfDataStore<T extends object>(create: () => ConfLike, options: DataStoreOptions<T>): Promise<DataStore<T>> {
  const path = dataFilePath(options.dataDir, options.name);
  // Taken before conf reads the file: any change after this one is seen as a change.
  const fingerprint = fingerprintOfSync(path);
  if (fingerprint === null && options.ifMissing === 'error') throw missingFile(path, options.name);
  let conf: ConfLike;
  try {
    conf = create();
  } catch (error) {
    throw confReadError(error, path);
  }
  const store = new ConfDataStore(conf, options, fingerprint);
  if (fingerprint === null && options.ifMissing === 'create') await store.set(options.defaults);
  return store;
}

/** A data file that must be there is not: say which and what to do, never read it as empty. */
function missingFile(path: string, name: string): VaultError {
  return new VaultError(
    'missing_file',
    `${path} is missing, though this data directory has a vault. Tokenry does not read a missing ${name}.json as empty: ` +
      `restore it from a backup, or run \`tokenry files accept ${name}.json\` to start it empty`,
    { path },
  );
}

class ConfDataStore<T extends object> implements DataStore<T> {
  readonly path: string;
  readonly #conf: ConfLike;
  readonly #schema: z.ZodType<T>;
  readonly #name: string;
  readonly #version: number | undefined;
  readonly #guard: WriteGuard;
  readonly #macKey: Buffer | undefined;
  #current: T;
  /** The file as this store last read or wrote it (null: there was none). */
  #fingerprint: Fingerprint;
  readonly #writes = new SerialQueue();

  constructor(conf: ConfLike, options: DataStoreOptions<T>, fingerprint: Fingerprint) {
    this.path = conf.path;
    this.#conf = conf;
    this.#schema = options.schema;
    this.#name = options.name;
    this.#guard = options.guard ?? UNGUARDED;
    this.#macKey = options.macKey;
    this.#fingerprint = fingerprint;
    const version = (options.defaults as { version?: unknown }).version;
    this.#version = typeof version === 'number' ? version : undefined;
    this.#current = deepFreeze(fingerprint !== null ? this.#read() : this.#check(options.defaults, 'defaults'));
  }

  get(): T {
    return this.#current;
  }

  set(next: T): Promise<void> {
    return this.update(() => next);
  }

  update(change: (current: T) => T): Promise<void> {
    const run = async (): Promise<void> => {
      const next = this.#check(change(this.#current), 'the new value');
      await this.#guard.verify();
      // Never a whole file rewritten from memory over someone else's change.
      const now = fingerprintOfSync(this.path);
      if (!sameFingerprint(now, this.#fingerprint)) throw changedOnDisk(this.path, now);
      const document: Record<string, unknown> = { ...(next as Record<string, unknown>) };
      if (this.#macKey !== undefined) document[MAC_KEY] = dataFileMac(this.#macKey, this.#name, next);
      try {
        // A copy: conf adds its bookkeeping key to the object it is given.
        this.#conf.store = document;
      } catch (error) {
        throw ioError('write', this.path, error);
      }
      this.#fingerprint = fingerprintOfSync(this.path);
      await fsyncDir(dirname(this.path));
      this.#current = deepFreeze(next);
    };
    // One write at a time, in call order; a failed write does not block later ones.
    return this.#writes.run(run);
  }

  #read(): T {
    let raw: object;
    try {
      raw = this.#conf.store;
    } catch (error) {
      throw confReadError(error, this.path);
    }
    const document: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
    delete document[CONF_INTERNAL_KEY];
    if (this.#version !== undefined) checkFormatVersion(document, this.#version, this.path);
    if (this.#macKey !== undefined) {
      const mac = document[MAC_KEY];
      delete document[MAC_KEY];
      verifyDataFileMac(this.#macKey, this.#name, document, mac, this.path);
    }
    return validateJson(document, this.#schema, this.path, this.#version);
  }

  /** Validates a value we are about to write: a mismatch is the caller's bug, not a damaged file. */
  #check(value: T, what: string): T {
    const result = this.#schema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.map(String).join('.')}`;
      throw new VaultError('invalid_argument', `Refusing to write ${what} to ${this.path}: it does not match the schema${where}`, {
        path: this.path,
      });
    }
    return result.data;
  }
}

/** Where a data file keeps its authentication code. */
export const MAC_KEY = 'mac';
const MAC_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The authentication code of a data file's content: HMAC-SHA256 under the key derived from the
 * vault's data key, over the file's name and its canonical JSON (so layout and key order do not
 * matter, and one file's content cannot pass as another's).
 */
export function dataFileMac(key: Buffer, name: string, document: object): string {
  return createHmac('sha256', key).update(`tokenry-data-file/v1\n${name}\n${canonicalJson(document)}`, 'utf8').digest('hex');
}

/** `unauthenticated_file` unless `mac` is the authentication code of `document`; says what to do. */
export function verifyDataFileMac(key: Buffer, name: string, document: object, mac: unknown, path: string): void {
  if (mac === undefined) {
    throw new VaultError(
      'unauthenticated_file',
      `${path} carries no authentication code: it was written by an older Tokenry, or by someone else. Tokenry does not use it and leaves it as it is. ` +
        `If you know where it comes from, check its content and run \`tokenry files accept ${name}.json\`; otherwise restore it from a backup`,
      { path },
    );
  }
  const expected = Buffer.from(dataFileMac(key, name, document), 'hex');
  const actual = typeof mac === 'string' && MAC_PATTERN.test(mac) ? Buffer.from(mac, 'hex') : Buffer.alloc(expected.length);
  if (!timingSafeEqual(expected, actual) || typeof mac !== 'string' || !MAC_PATTERN.test(mac)) {
    throw new VaultError(
      'unauthenticated_file',
      `${path} fails its authentication code: it was changed outside Tokenry (edited, damaged, or planted). Tokenry does not use it and leaves it as it is. ` +
        `Restore it from a backup; or, if you changed it yourself, check its content and run \`tokenry files accept ${name}.json\``,
      { path },
    );
  }
}

/** Maps what conf throws while reading: filesystem errors are `io`; anything else means the content is bad. */
function confReadError(error: unknown, path: string): VaultError {
  if (nodeErrorCode(error) !== undefined) return ioError('read', path, error);
  // JSON.parse messages quote the file's content, so only the kind of problem is kept.
  return damagedFile(path, error instanceof NotAnObjectError ? 'not a JSON object' : 'not valid JSON');
}

function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
