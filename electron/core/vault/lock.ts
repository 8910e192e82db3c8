// One process owns a data directory at a time: an exclusive lock file naming its owner, stale-lock takeover,
// a bounded wait for the owner to leave, and a check before every write that the lock is still ours.
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { createFileExclusive, ensurePrivateDir, fsyncDir, parseJsonBytes, readFileIfExists, validateJson } from './atomic-file.js';
import { ioError, isVaultError, nodeErrorCode, VaultError } from './vault-error.js';
import type { LockLostListener, WriteGuard } from './write-guard.js';

export const LOCK_FILE = 'tokenry.lock';

/** Who holds the lock; written into the lock file so that others can name them. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** ISO 8601; with pid and hostname, identifies this particular acquisition. */
  readonly startedAt: string;
  /** What the owner is, e.g. "desktop app", "tokenry serve". */
  readonly purpose: string;
}

export interface DataDirLock extends WriteGuard {
  readonly path: string;
  readonly owner: LockOwner;
  /**
   * Resolves while this process still holds the lock: the lock file is the very file it created
   * (same device and inode) and still carries its random token. Otherwise rejects with
   * `lock_lost`, now and on every later call (the lock is never trusted again), and tells the
   * `onLost` listeners once. Writers call this before every write.
   */
  verify(): Promise<void>;
  /** `verify`, synchronously (for the vault's journal append). */
  verifySync(): void;
  /** The `lock_lost` error once the lock was found lost, else null. */
  readonly lostError: VaultError | null;
  /** Calls `listener` once when the lock is found lost (by `verify` or the periodic check). Returns the unsubscribe. */
  onLost(listener: LockLostListener): () => void;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

/** Options of acquireLock. The names and meanings of `purpose` and `waitMs` are stable: other modules rely on them. */
export interface AcquireLockOptions {
  /** What the owner is, written into the lock file for a second process to name. */
  readonly purpose?: string;
  /**
   * How long to wait for a live owner to release the lock before giving up with
   * `locked_by_other` (default 0: give up at once). The lock is tried again every few tens of
   * milliseconds until it is free or the time is up.
   */
  readonly waitMs?: number;
  /**
   * How often the owner checks, besides before every write, that the lock is still its own
   * (default 5000 ms; 0: only before writes). A process that lost its lock then stops at once,
   * even while idle, instead of at its next write.
   */
  readonly watchMs?: number;
}

/** The lock file's format; lock files from before versions have none and read as 1. */
const LOCK_VERSION = 1;

const lockFileSchema = z.object({
  version: z.literal(LOCK_VERSION).optional(),
  pid: z.number().int().positive(),
  hostname: z.string(),
  startedAt: z.string(),
  purpose: z.string(),
  /** Random per acquisition: tells this acquisition's file from any other with the same pid and time. Absent in older lock files. */
  token: z.string().optional(),
});
type LockFile = z.infer<typeof lockFileSchema>;

const MAX_ATTEMPTS = 20;
const DEFAULT_WATCH_MS = 5_000;
/** Between tries while waiting: short at first, so that a queue of waiting commands moves quickly. */
const WAIT_POLL_MIN_MS = 10;
const WAIT_POLL_MAX_MS = 100;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes ownership of `dataDir` by creating `tokenry.lock` exclusively (it appears complete or
 * not at all). Rejects with `locked_by_other`, naming the owner's pid, while another live
 * process holds it (after waiting up to `waitMs` for it to leave). A lock left by a process
 * that is no longer running on this host is taken over; a lock from another host is never
 * presumed stale (its pid cannot be checked from here).
 */
export async function acquireLock(dataDir: string, options: AcquireLockOptions = {}): Promise<DataDirLock> {
  await ensurePrivateDir(dataDir);
  const waitMs = Math.max(0, options.waitMs ?? 0);
  const deadline = Date.now() + waitMs;
  let pause = WAIT_POLL_MIN_MS;
  for (;;) {
    try {
      return await tryAcquire(dataDir, options);
    } catch (error) {
      const left = deadline - Date.now();
      if (!isVaultError(error, 'locked_by_other') || left <= 0) throw error;
      // Jittered, so that many waiting processes do not all retry in the same millisecond.
      await sleep(Math.min(left, pause * (0.5 + Math.random())));
      pause = Math.min(WAIT_POLL_MAX_MS, pause * 2);
    }
  }
}

async function tryAcquire(dataDir: string, options: AcquireLockOptions): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    hostname: osHostname(),
    startedAt: new Date().toISOString(),
    purpose: options.purpose ?? 'tokenry',
  };
  const token = randomBytes(16).toString('hex');
  const text = `${JSON.stringify({ version: LOCK_VERSION, ...owner, token })}\n`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (await createFileExclusive(path, text)) return heldLock(path, owner, token, text, options.watchMs ?? DEFAULT_WATCH_MS);
    const current = await readOwnerFile(path);
    if (current === null) continue; // released between our attempt and our read
    if (!isStale(current)) throw lockedBy(current, dataDir, path);
    await removeStaleLock(path, current);
  }
  const current = await readOwnerFile(path);
  if (current !== null) throw lockedBy(current, dataDir, path);
  throw new VaultError('locked_by_other', `Could not lock ${dataDir}: other processes keep taking it`, { path });
}

/** The current owner of `dataDir`'s lock, or `null` when it is not locked. */
export async function readLockOwner(dataDir: string): Promise<LockOwner | null> {
  const file = await readOwnerFile(join(dataDir, LOCK_FILE));
  return file === null ? null : ownerOf(file);
}

const ownerOf = ({ pid, hostname, startedAt, purpose }: LockFile): LockOwner => ({ pid, hostname, startedAt, purpose });

async function readOwnerFile(path: string): Promise<LockFile | null> {
  const bytes = await readFileIfExists(path);
  if (bytes === null) return null;
  try {
    return validateJson(parseJsonBytes(bytes, path), lockFileSchema, path, LOCK_VERSION);
  } catch (error) {
    // A newer Tokenry holds (or held) the directory: say so rather than "damaged".
    if (error instanceof VaultError && error.code === 'unsupported_version') throw error;
    // Lock files are written whole (temp + link), so this is not a half-written lock.
    throw new VaultError(
      'damaged_file',
      `The lock file ${path} is damaged. If no Tokenry is running on this data directory, delete it`,
      { path, cause: error },
    );
  }
}

function parseOwnerOrNull(bytes: Uint8Array, path: string): LockFile | null {
  try {
    return validateJson(parseJsonBytes(bytes, path), lockFileSchema, path, LOCK_VERSION);
  } catch {
    return null;
  }
}

function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return a.pid === b.pid && a.hostname === b.hostname && a.startedAt === b.startedAt;
}

function isStale(owner: LockOwner): boolean {
  return owner.hostname === osHostname() && !isProcessAlive(owner.pid);
}

/** Signal 0 checks existence without signalling. EPERM: it exists but belongs to another user. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return nodeErrorCode(error) === 'EPERM';
  }
}

function lockedBy(owner: LockOwner, dataDir: string, path: string): VaultError {
  const where =
    owner.hostname === osHostname()
      ? `process ${owner.pid}`
      : `process ${owner.pid} on ${owner.hostname} (another machine: if it is not running there, delete ${path})`;
  return new VaultError(
    'locked_by_other',
    `The data directory ${dataDir} is in use by ${where}, ${owner.purpose}, since ${owner.startedAt}`,
    { path },
  );
}

/**
 * Removes a stale lock. Several processes may find the same stale lock at once; a takeover
 * guard file makes them do it one at a time, and the lock is removed only if it still holds
 * the stale owner, so a fresh lock taken meanwhile by someone else is never removed.
 */
async function removeStaleLock(path: string, stale: LockOwner): Promise<void> {
  const guard = `${path}.takeover`;
  const me = { pid: process.pid, hostname: osHostname(), startedAt: new Date().toISOString(), purpose: 'lock takeover' };
  if (!(await createFileExclusive(guard, JSON.stringify(me)))) {
    const holder = await readFileIfExists(guard);
    if (holder === null) return; // that takeover just finished: look at the lock again
    const guardOwner = parseOwnerOrNull(holder, guard);
    // A guard left by a takeover that crashed; otherwise give the other process a moment.
    if (guardOwner === null || isStale(guardOwner)) await unlink(guard).catch(() => undefined);
    else await sleep(20);
    return;
  }
  try {
    const current = await readOwnerFile(path);
    if (current !== null && sameOwner(current, stale)) {
      await unlink(path).catch((error: unknown) => {
        if (nodeErrorCode(error) !== 'ENOENT') throw ioError('remove the stale lock', path, error);
      });
    }
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** Identity of a file: a file put in its place (even with the same bytes) has another inode. */
interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

async function identityOf(path: string): Promise<FileIdentity> {
  const info = await stat(path);
  return { dev: info.dev, ino: info.ino };
}

async function heldLock(path: string, owner: LockOwner, token: string, text: string, watchMs: number): Promise<DataDirLock> {
  const identity = await identityOf(path);
  const content = Buffer.from(text, 'utf8');
  let released = false;
  let lostError: VaultError | null = null;
  let checking: Promise<void> | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  const listeners = new Set<LockLostListener>();

  const lose = (how: string): VaultError => {
    if (lostError !== null) return lostError;
    const error = new VaultError(
      'lock_lost',
      `This process no longer owns ${dirname(path)}: its lock file ${how}. It stopped writing there, so as not to overwrite the files of whoever took the directory`,
      { path },
    );
    lostError = error;
    stopWatching();
    for (const listener of [...listeners]) {
      try {
        listener(error);
      } catch {
        // A listener's failure must not hide the loss from the others or from the writer.
      }
    }
    return error;
  };

  /** One stat and one small read; concurrent writers share a check in flight. */
  const check = async (): Promise<void> => {
    let now: FileIdentity;
    try {
      now = await identityOf(path);
    } catch (error) {
      if (nodeErrorCode(error) === 'ENOENT') throw lose('was removed');
      throw ioError('check the lock', path, error);
    }
    if (now.dev !== identity.dev || now.ino !== identity.ino) throw lose(await replacedBy(path));
    const bytes = await readFileIfExists(path);
    if (bytes === null) throw lose('was removed');
    // The very bytes written (their token included): no parsing on a path taken before every write.
    if (!bytes.equals(content)) throw lose(await replacedBy(path));
  };

  /** The same check as `check`, synchronous. */
  const checkSync = (): void => {
    let bytes: Buffer;
    try {
      const info = statSync(path);
      if (info.dev !== identity.dev || info.ino !== identity.ino) throw lose('was replaced by another file');
      bytes = readFileSync(path);
    } catch (error) {
      if (error instanceof VaultError) throw error;
      if (nodeErrorCode(error) === 'ENOENT') throw lose('was removed');
      throw ioError('check the lock', path, error);
    }
    if (!bytes.equals(content)) throw lose('was overwritten');
  };

  const verifySync = (): void => {
    if (lostError !== null) throw lostError;
    if (released) throw new VaultError('lock_lost', `The lock on ${dirname(path)} was released: nothing more is written there`, { path });
    checkSync();
  };

  const verify = (): Promise<void> => {
    if (lostError !== null) return Promise.reject(lostError);
    if (released) return Promise.reject(new VaultError('lock_lost', `The lock on ${dirname(path)} was released: nothing more is written there`, { path }));
    checking ??= check().finally(() => {
      checking = null;
    });
    return checking;
  };

  const stopWatching = (): void => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };
  if (watchMs > 0) {
    // Never keeps the process alive; a failed check has already told the listeners.
    timer = setInterval(() => void verify().catch(() => undefined), watchMs);
    timer.unref();
  }

  // A CLI may end with process.exit(): remove our lock then too (synchronously, all 'exit' allows).
  const onExit = (): void => {
    if (released || lostError !== null) return;
    try {
      const current = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockFile>;
      if (current.token === token) unlinkSync(path);
    } catch {
      // Nothing more can be done while exiting; a leftover lock is taken over as stale.
    }
  };
  process.once('exit', onExit);
  return {
    path,
    owner,
    verify,
    verifySync,
    get lostError() {
      return lostError;
    },
    onLost(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      stopWatching();
      process.removeListener('exit', onExit);
      // A lost lock belongs to someone else now: never remove it.
      if (lostError !== null) return;
      const current = await readOwnerFile(path).catch(() => null);
      if (current === null || current.token !== token || !sameOwner(current, owner)) return;
      try {
        await unlink(path);
      } catch (error) {
        if (nodeErrorCode(error) !== 'ENOENT') throw ioError('remove the lock', path, error);
      }
      await fsyncDir(dirname(path));
    },
  };
}

/** How the lock file was replaced, naming the new owner when it can be read. */
async function replacedBy(path: string): Promise<string> {
  const current = await readOwnerFile(path).catch(() => null);
  return current === null ? 'was replaced' : `was replaced by process ${current.pid}, ${current.purpose}`;
}
