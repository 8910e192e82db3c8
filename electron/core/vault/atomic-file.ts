// Durable, private file persistence: atomic replace with fsync, strict JSON reads that never repair.
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { chmod, link, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';
import type { z } from 'zod';
import { ioError, nodeErrorCode, VaultError } from './vault-error.js';

/** Files hold ciphertext or account data: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** The data directory: owner only, so other users cannot even list account names. */
export const PRIVATE_DIR_MODE = 0o700;

const isWindows = process.platform === 'win32';

/**
 * Creates `dir` (and parents) with mode 0700, or tightens an existing directory to 0700.
 * Tightening is deliberate: a data directory readable by others leaks account names and
 * lets them copy the encrypted vault for offline guessing.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const info = await stat(dir);
    if (!info.isDirectory()) {
      throw new VaultError('io', `Expected a directory at ${dir}, found a file`, { path: dir });
    }
    // Windows has no POSIX modes; its ACLs follow the user profile.
    if (!isWindows && (info.mode & 0o077) !== 0) {
      await chmod(dir, PRIVATE_DIR_MODE);
    }
  } catch (error) {
    if (error instanceof VaultError) throw error;
    throw ioError('create the private directory', dir, error);
  }
}

/**
 * fsync a directory so that a rename or link inside it survives a power cut, not just a crash.
 * Some platforms and filesystems cannot fsync directories; there the rename is as durable as
 * the OS makes it, which is the best available.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (isWindows) return;
  let handle;
  try {
    handle = await open(dir, fsConstants.O_RDONLY);
    await handle.sync();
  } catch (error) {
    const code = nodeErrorCode(error);
    if (code === 'EINVAL' || code === 'ENOTSUP' || code === 'EISDIR' || code === 'EPERM') return;
    throw ioError('flush the directory', dir, error);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Replaces `path` atomically: temp file beside it (mode 0600), fsync, rename, fsync of the
 * directory. A reader, or a restart after a crash at any point, sees the old or the new
 * content, never a mix. Resolves only once the new content is durable.
 */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  try {
    await writeFileAtomicLib(path, data, { mode: PRIVATE_FILE_MODE, fsync: true });
  } catch (error) {
    throw ioError('write', path, error);
  }
  await fsyncDir(dirname(path));
}

/**
 * Creates `path` with `data` only if nothing exists there, atomically: the file appears
 * complete or not at all (temp file + fsync + hard link, which fails if the target exists).
 * Resolves `false`, writing nothing, when `path` already exists.
 */
export async function createFileExclusive(path: string, data: string | Buffer): Promise<boolean> {
  const temp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    await writeNewFileDurably(temp, data);
    try {
      await link(temp, path);
    } catch (error) {
      const code = nodeErrorCode(error);
      if (code === 'EEXIST') return false;
      // Filesystems without hard links (FAT, some network mounts): O_EXCL create instead.
      // A crash mid-write could then leave a partial file, which reads as damaged_file.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EXDEV') {
        return await createWithExclusiveOpen(path, data);
      }
      throw ioError('create', path, error);
    }
    await fsyncDir(dirname(path));
    return true;
  } catch (error) {
    if (error instanceof VaultError) throw error;
    throw ioError('create', path, error);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function createWithExclusiveOpen(path: string, data: string | Buffer): Promise<boolean> {
  try {
    await writeNewFileDurably(path, data);
  } catch (error) {
    if (nodeErrorCode(error) === 'EEXIST') return false;
    throw ioError('create', path, error);
  }
  await fsyncDir(dirname(path));
  return true;
}

async function writeNewFileDurably(path: string, data: string | Buffer): Promise<void> {
  const handle = await open(path, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The bytes of `path`, or `null` when it does not exist. */
export async function readFileIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return null;
    throw ioError('read', path, error);
  }
}

/** A `damaged_file` error naming the file and what is wrong with it, never its contents. */
export function damagedFile(path: string, reason: string): VaultError {
  return new VaultError(
    'damaged_file',
    `${path} is damaged (${reason}). It was left untouched: move it aside or restore a backup.`,
    { path },
  );
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses file bytes as JSON; anything else is `damaged_file`. Parser messages are dropped: they quote content. */
export function parseJsonBytes(bytes: Uint8Array, path: string): unknown {
  if (bytes.length === 0) throw damagedFile(path, 'empty file');
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw damagedFile(path, 'not UTF-8 text');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw damagedFile(path, 'not valid JSON');
  }
}

/**
 * A file whose `version` is newer than this Tokenry reads: `unsupported_version`, so that it is
 * neither misread nor rewritten in an older format (every file Tokenry writes carries a version).
 */
export function checkFormatVersion(value: unknown, supported: number, path: string): void {
  const version = typeof value === 'object' && value !== null ? (value as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > supported) {
    throw new VaultError(
      'unsupported_version',
      `${path} was written by a newer Tokenry (format ${version}; this one reads up to ${supported}). It was left untouched: update Tokenry`,
      { path },
    );
  }
}

/**
 * Validates parsed JSON with `schema`; a mismatch is `damaged_file` naming where, not what. With
 * `version`, a file from a newer format is `unsupported_version` instead.
 */
export function validateJson<T>(value: unknown, schema: z.ZodType<T>, path: string, version?: number): T {
  if (version !== undefined) checkFormatVersion(value, version, path);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined ? '' : describeIssuePath(issue.path);
  const what = issue === undefined ? 'invalid' : issue.code;
  throw damagedFile(path, `unexpected content${where} (${what})`);
}

function describeIssuePath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return ' at the top level';
  const joined = path.map((part) => (typeof part === 'symbol' ? '?' : String(part))).join('.');
  // Keys are names (accounts, services), not secrets, but keep messages one readable line.
  return ` at ${joined.length > 80 ? `${joined.slice(0, 77)}...` : joined}`;
}

/**
 * Reads and validates a JSON file. Resolves `null` when the file does not exist; rejects with
 * `damaged_file` when it exists but is not valid, and never writes to it.
 */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>, version?: number): Promise<T | null> {
  const bytes = await readFileIfExists(path);
  if (bytes === null) return null;
  return validateJson(parseJsonBytes(bytes, path), schema, path, version);
}

/**
 * Removes temp files left beside `path` by writers that were killed mid-write (write-file-atomic
 * names them `<file>.<digits>`, createFileExclusive `<file>.<hex>.tmp`). Call only while holding
 * the data directory lock: another live writer's temp file would otherwise be removed under it.
 * Resolves the names removed.
 */
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const base = basename(path);
  const isTemp = (name: string): boolean => {
    if (!name.startsWith(`${base}.`)) return false;
    const rest = name.slice(base.length + 1);
    return /^\d+$/.test(rest) || /^[0-9a-f]{16}\.tmp$/.test(rest);
  };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return [];
    throw ioError('list', dir, error);
  }
  const removed: string[] = [];
  for (const name of names.filter(isTemp)) {
    try {
      await unlink(join(dir, name));
      removed.push(name);
    } catch (error) {
      if (nodeErrorCode(error) !== 'ENOENT') throw ioError('remove', join(dir, name), error);
    }
  }
  return removed;
}

/** Removes killed writers' temp files beside every JSON file of a data directory; call right after taking its lock. */
export async function removeStaleTempFilesIn(dataDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dataDir);
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return [];
    throw ioError('list', dataDir, error);
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) removed.push(...(await removeStaleTempFiles(join(dataDir, name))));
  return removed;
}
