// Non-secret data (accounts, profiles, settings) as JSON through conf/electron-store: validated, durable, never reset.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Conf from 'conf';
import type { z } from 'zod';
import { damagedFile, ensurePrivateDir, fsyncDir, PRIVATE_FILE_MODE, validateJson } from './atomic-file.js';
import { SerialQueue } from './serial-queue.js';
import { ioError, nodeErrorCode, VaultError } from './vault-error.js';

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

export interface DataStoreOptions<T> {
  /** Directory of the file; created (or tightened) to 0700. */
  readonly dataDir: string;
  /** File name without extension: `accounts` -> accounts.json. */
  readonly name: string;
  readonly schema: z.ZodType<T>;
  /**
   * The value while the file does not exist yet; nothing is written until the first set. Its
   * `version` is the format this build writes: a file with a newer one is refused, untouched.
   */
  readonly defaults: T;
}

/** Opens one JSON document of a data directory: conf under plain Node, electron-store in the app (same file format). */
export type StoreOpener = <T extends object>(options: DataStoreOptions<T>) => Promise<DataStore<T>>;

/**
 * Opens `<dataDir>/<name>.json` through conf. Rejects with `damaged_file` when the file is not
 * a JSON object or does not match `schema`; the file is then left exactly as it was.
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
    options.schema,
    options.defaults,
    join(options.dataDir, `${options.name}.json`),
  );
}

/**
 * Builds a store over the conf or electron-store instance `create` returns (the desktop shell
 * passes `() => new ElectronStore({ ...STRICT_CONF_OPTIONS, name, cwd })`). Their constructors
 * read the file, so errors thrown while creating are mapped too: `damaged_file` or `io`.
 * `defaults` is the value while the file does not exist; `path` names the file in errors
 * raised before the instance exists. Validation is done here with zod; conf's own schema
 * support (ajv) is not used.
 */
export function openConfDataStore<T extends object>(
  create: () => ConfLike,
  schema: z.ZodType<T>,
  defaults: T,
  path = 'the data file',
): DataStore<T> {
  let conf: ConfLike;
  try {
    conf = create();
  } catch (error) {
    throw confReadError(error, path);
  }
  return new ConfDataStore(conf, schema, defaults);
}

class ConfDataStore<T extends object> implements DataStore<T> {
  readonly path: string;
  readonly #conf: ConfLike;
  readonly #schema: z.ZodType<T>;
  readonly #version: number | undefined;
  #current: T;
  readonly #writes = new SerialQueue();

  constructor(conf: ConfLike, schema: z.ZodType<T>, defaults: T) {
    this.path = conf.path;
    this.#conf = conf;
    this.#schema = schema;
    const version = (defaults as { version?: unknown }).version;
    this.#version = typeof version === 'number' ? version : undefined;
    this.#current = deepFreeze(fileExists(this.path) ? this.#read() : this.#check(defaults, 'defaults'));
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
      try {
        // A copy: conf adds its bookkeeping key to the object it is given.
        this.#conf.store = { ...next };
      } catch (error) {
        throw ioError('write', this.path, error);
      }
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

/** Maps what conf throws while reading: filesystem errors are `io`; anything else means the content is bad. */
function confReadError(error: unknown, path: string): VaultError {
  if (nodeErrorCode(error) !== undefined) return ioError('read', path, error);
  // JSON.parse messages quote the file's content, so only the kind of problem is kept.
  return damagedFile(path, error instanceof NotAnObjectError ? 'not a JSON object' : 'not valid JSON');
}

/** Sync on purpose: conf reads synchronously too. Errors other than absence must not read as "use the defaults". */
function fileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return false;
    throw ioError('read', path, error);
  }
}

function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
