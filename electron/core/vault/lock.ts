// One process owns a data directory at a time: an exclusive lock file naming its owner, with stale-lock takeover.
import { readFileSync, unlinkSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { createFileExclusive, ensurePrivateDir, fsyncDir, parseJsonBytes, readFileIfExists, validateJson } from './atomic-file.js';
import { ioError, nodeErrorCode, VaultError } from './vault-error.js';

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

export interface DataDirLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  readonly purpose?: string;
  /** While another live process holds the lock, retry until it is released or this long has passed (default 0: refuse at once). */
  readonly waitMs?: number;
}

/** How often a waiting acquireLock looks again: short, since owners hold the lock for one command. */
const WAIT_STEP_MS = 25;

/** The lock file's format; lock files from before versions have none and read as 1. */
const LOCK_VERSION = 1;

const lockOwnerSchema: z.ZodType<LockOwner> = z
  .object({
    version: z.literal(LOCK_VERSION).optional(),
    pid: z.number().int().positive(),
    hostname: z.string(),
    startedAt: z.string(),
    purpose: z.string(),
  })
  .transform(({ pid, hostname, startedAt, purpose }): LockOwner => ({ pid, hostname, startedAt, purpose }));

const MAX_ATTEMPTS = 20;

/**
 * Takes ownership of `dataDir` by creating `tokenry.lock` exclusively (it appears complete or
 * not at all). Rejects with `locked_by_other`, naming the owner's pid, while another live
 * process holds it. A lock left by a process that is no longer running on this host is taken
 * over; a lock from another host is never presumed stale (its pid cannot be checked from here).
 */
export async function acquireLock(dataDir: string, options: AcquireLockOptions = {}): Promise<DataDirLock> {
  const deadline = Date.now() + Math.max(0, options.waitMs ?? 0);
  for (;;) {
    try {
      return await acquireLockOnce(dataDir, options);
    } catch (error) {
      const left = deadline - Date.now();
      if (!(error instanceof VaultError && error.code === 'locked_by_other') || left <= 0) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_STEP_MS, left)));
    }
  }
}

async function acquireLockOnce(dataDir: string, options: AcquireLockOptions): Promise<DataDirLock> {
  await ensurePrivateDir(dataDir);
  const path = join(dataDir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    hostname: osHostname(),
    startedAt: new Date().toISOString(),
    purpose: options.purpose ?? 'tokenry',
  };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (await createFileExclusive(path, `${JSON.stringify({ version: LOCK_VERSION, ...owner })}\n`)) return heldLock(path, owner);
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
  return readOwnerFile(join(dataDir, LOCK_FILE));
}

async function readOwnerFile(path: string): Promise<LockOwner | null> {
  const bytes = await readFileIfExists(path);
  if (bytes === null) return null;
  try {
    return validateJson(parseJsonBytes(bytes, path), lockOwnerSchema, path, LOCK_VERSION);
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

function parseOwnerOrNull(bytes: Uint8Array, path: string): LockOwner | null {
  try {
    return validateJson(parseJsonBytes(bytes, path), lockOwnerSchema, path, LOCK_VERSION);
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
    else await new Promise((resolve) => setTimeout(resolve, 20));
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

function heldLock(path: string, owner: LockOwner): DataDirLock {
  let released = false;
  // A CLI may end with process.exit(): remove our lock then too (synchronously, all 'exit' allows).
  const onExit = (): void => {
    if (released) return;
    try {
      const current = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
      if (sameOwner(current, owner)) unlinkSync(path);
    } catch {
      // Nothing more can be done while exiting; a leftover lock is taken over as stale.
    }
  };
  process.once('exit', onExit);
  return {
    path,
    owner,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      const current = await readOwnerFile(path).catch(() => null);
      if (current === null || !sameOwner(current, owner)) return;
      try {
        await unlink(path);
      } catch (error) {
        if (nodeErrorCode(error) !== 'ENOENT') throw ioError('remove the lock', path, error);
      }
      await fsyncDir(dirname(path));
    },
  };
}
