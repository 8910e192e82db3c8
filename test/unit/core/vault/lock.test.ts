// Specification of the data directory lock: one owner at a time, named when refusing, stale locks taken over.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, LOCK_FILE, readLockOwner, type DataDirLock } from '../../../../electron/core/vault/lock.js';
import type { VaultError } from '../../../../electron/core/vault/vault-error.js';
import { deferred } from '../../../fixtures/deferred.js';
import { isVaultError } from '../../../../electron/core/vault/vault-error.js';
import { makeTempDir, modeOf, REPO_ROOT, rejectionCode } from './vault-test-helpers.js';

let dataDir: string;
let cleanup: () => Promise<void>;
const children: ChildProcess[] = [];
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await cleanup();
});

interface ChildReport {
  locked: boolean;
  pid?: number;
  code?: string;
  message?: string;
}

/**
 * Tests that start Node children with tsx: seconds each on a loaded machine, so they keep a timeout of their own
 * when a run (the mutation areas) sets a tight default for in-process tests.
 */
const CHILD_TEST_TIMEOUT_MS = 30_000;

/** Starts fixtures/hold-lock.ts on `dataDir` and resolves its first report line. */
async function lockInChild(): Promise<{ child: ChildProcess; report: ChildReport }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'hold-lock.ts'), dataDir], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  return { child, report: JSON.parse(line) as ChildReport };
}

/** The pid of a process that has certainly exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

describe('acquireLock()', () => {
  it('writes tokenry.lock (0600) naming pid, hostname, start time and purpose', async () => {
    const lock = await acquireLock(dataDir, { purpose: 'desktop app' });
    const content = JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
    expect(content).toMatchObject({ version: 1, pid: process.pid, hostname: hostname(), purpose: 'desktop app' });
    expect(Number.isNaN(Date.parse(String(content['startedAt'])))).toBe(false);
    expect(await modeOf(join(dataDir, LOCK_FILE))).toBe(0o600);
    await lock.release();
  });

  it('release() removes the lock so that it can be taken again', async () => {
    const lock = await acquireLock(dataDir);
    await lock.release();
    expect(await readLockOwner(dataDir)).toBeNull();
    await (await acquireLock(dataDir)).release();
  });

  it('refuses a second owner with code locked_by_other while the first holds it', async () => {
    const lock = await acquireLock(dataDir);
    expect(await rejectionCode(acquireLock(dataDir))).toBe('locked_by_other');
    await lock.release();
  });

  it('refuses another process with code locked_by_other, naming the owner pid', { timeout: CHILD_TEST_TIMEOUT_MS }, async () => {
    const lock = await acquireLock(dataDir, { purpose: 'tokenry serve' });
    const { report } = await lockInChild();
    expect(report.locked).toBe(false);
    expect(report.code).toBe('locked_by_other');
    expect(report.message).toContain(String(process.pid));
    await lock.release();
  });

  it('refuses this process while another process holds it, naming that pid', { timeout: CHILD_TEST_TIMEOUT_MS }, async () => {
    const { report } = await lockInChild();
    expect(report.locked).toBe(true);
    const failure = await acquireLock(dataDir).catch((error: unknown) => error);
    expect(isVaultError(failure, 'locked_by_other')).toBe(true);
    expect((failure as Error).message).toContain(`process ${report.pid}`);
  });

  it('takes over the lock of a process that was killed', { timeout: CHILD_TEST_TIMEOUT_MS }, async () => {
    const { child, report } = await lockInChild();
    expect(report.locked).toBe(true);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const lock = await acquireLock(dataDir);
    expect((await readLockOwner(dataDir))?.pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock whose pid is no longer alive on this host', async () => {
    const stale = { pid: await deadPid(), hostname: hostname(), startedAt: new Date(0).toISOString(), purpose: 'crashed' };
    await writeFile(join(dataDir, LOCK_FILE), JSON.stringify(stale));
    const lock = await acquireLock(dataDir);
    expect((await readLockOwner(dataDir))?.pid).toBe(process.pid);
    await lock.release();
  });

  it('lets exactly one of several simultaneous takeovers of a stale lock win', { timeout: CHILD_TEST_TIMEOUT_MS }, async () => {
    const stale = { pid: await deadPid(), hostname: hostname(), startedAt: new Date(0).toISOString(), purpose: 'crashed' };
    await writeFile(join(dataDir, LOCK_FILE), JSON.stringify(stale));
    const attempts = await Promise.all(Array.from({ length: 3 }, () => lockInChild()));
    expect(attempts.filter((a) => a.report.locked)).toHaveLength(1);
    expect(attempts.filter((a) => a.report.code === 'locked_by_other')).toHaveLength(2);
  });

  it('with waitMs, waits for the owner to let go and then takes the lock', async () => {
    const first = await acquireLock(dataDir, { purpose: 'first' });
    const second = acquireLock(dataDir, { purpose: 'second', waitMs: 60_000 });
    await first.release();
    const lock = await second;
    expect(lock.owner.purpose).toBe('second');
    await lock.release();
  });

  it('with waitMs, gives up with locked_by_other once that time has passed', async () => {
    const first = await acquireLock(dataDir, { purpose: 'first' });
    try {
      expect(await rejectionCode(acquireLock(dataDir, { purpose: 'second', waitMs: 30 }))).toBe('locked_by_other');
    } finally {
      await first.release();
    }
  });

  it('never presumes a lock from another host stale: locked_by_other', async () => {
    const remote = { pid: await deadPid(), hostname: `not-${hostname()}`, startedAt: new Date().toISOString(), purpose: 'laptop' };
    await writeFile(join(dataDir, LOCK_FILE), JSON.stringify(remote));
    expect(await rejectionCode(acquireLock(dataDir))).toBe('locked_by_other');
  });

  it('reports an unreadable lock file with code damaged_file and leaves it', async () => {
    await writeFile(join(dataDir, LOCK_FILE), '{"pid":');
    expect(await rejectionCode(acquireLock(dataDir))).toBe('damaged_file');
    expect(await readFile(join(dataDir, LOCK_FILE), 'utf8')).toBe('{"pid":');
  });

  it('reports a lock file of a newer format with code unsupported_version and leaves it', async () => {
    const newer = JSON.stringify({ version: 2, pid: 1, hostname: hostname(), startedAt: 'x', purpose: 'future' });
    await writeFile(join(dataDir, LOCK_FILE), newer);
    expect(await rejectionCode(acquireLock(dataDir))).toBe('unsupported_version');
    expect(await readFile(join(dataDir, LOCK_FILE), 'utf8')).toBe(newer);
  });

  it('release() leaves a lock that is no longer ours alone', async () => {
    const lock = await acquireLock(dataDir);
    const other = { pid: process.pid, hostname: hostname(), startedAt: 'someone else', purpose: 'other' };
    await writeFile(join(dataDir, LOCK_FILE), JSON.stringify(other));
    await lock.release();
    expect(await readdir(dataDir)).toContain(LOCK_FILE);
  });
});

describe('DataDirLock#verify(): the owner checks the lock before every write', () => {
  /** Records every onLost call. */
  function watchLoss(lock: DataDirLock): VaultError[] {
    const calls: VaultError[] = [];
    lock.onLost((error) => calls.push(error));
    return calls;
  }

  it('resolves while the lock file is the one this process created', async () => {
    const lock = await acquireLock(dataDir, { watchMs: 0 });
    await expect(lock.verify()).resolves.toBeUndefined();
    await expect(lock.verify()).resolves.toBeUndefined();
    expect(lock.lostError).toBeNull();
    await lock.release();
  });

  it('rejects with lock_lost once the lock file is deleted, tells the listeners once, and never trusts it again', async () => {
    const lock = await acquireLock(dataDir, { watchMs: 0 });
    const losses = watchLoss(lock);
    const saved = await readFile(join(dataDir, LOCK_FILE));
    await unlink(join(dataDir, LOCK_FILE));
    expect(await rejectionCode(lock.verify())).toBe('lock_lost');
    // Even with the very same bytes put back, the lock is not ours any more: someone may have held it meanwhile.
    await writeFile(join(dataDir, LOCK_FILE), saved);
    expect(await rejectionCode(lock.verify())).toBe('lock_lost');
    expect(losses).toHaveLength(1);
    expect(losses[0]?.message).toContain('was removed');
    await lock.release();
  });

  it('rejects with lock_lost, naming the new owner, after another process took the directory', async () => {
    const lock = await acquireLock(dataDir, { watchMs: 0 });
    await unlink(join(dataDir, LOCK_FILE));
    const { report } = await lockInChild();
    expect(report.locked).toBe(true);
    const failure = await lock.verify().catch((error: unknown) => error);
    expect(isVaultError(failure, 'lock_lost')).toBe(true);
    expect((failure as Error).message).toContain(`process ${report.pid}, lock test child`);
    // Releasing a lost lock leaves the new owner's lock alone.
    await lock.release();
    expect((await readLockOwner(dataDir))?.pid).toBe(report.pid);
  });

  it('rejects with lock_lost when the lock file was replaced by a copy of itself (another file, same bytes)', async () => {
    const lock = await acquireLock(dataDir, { watchMs: 0 });
    await copyFile(join(dataDir, LOCK_FILE), join(dataDir, 'copy'));
    await rename(join(dataDir, 'copy'), join(dataDir, LOCK_FILE));
    expect(await rejectionCode(lock.verify())).toBe('lock_lost');
    await lock.release();
  });

  it('rejects with lock_lost when the lock file was rewritten in place with another token', async () => {
    const lock = await acquireLock(dataDir, { watchMs: 0 });
    const content = JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dataDir, LOCK_FILE), JSON.stringify({ ...content, token: 'f'.repeat(32) }));
    expect(await rejectionCode(lock.verify())).toBe('lock_lost');
    await lock.release();
  });

  it('notices the loss by itself while idle (watchMs), without any write', async () => {
    const lock = await acquireLock(dataDir, { watchMs: 20 });
    const lost = deferred<VaultError>();
    lock.onLost((error) => lost.resolve(error));
    await unlink(join(dataDir, LOCK_FILE));
    expect((await lost.promise).code).toBe('lock_lost');
    await lock.release();
  });

  it('rejects after release(): a closed owner writes nothing more', async () => {
    const lock = await acquireLock(dataDir, { watchMs: 0 });
    await lock.release();
    expect(await rejectionCode(lock.verify())).toBe('lock_lost');
  });
});

describe('acquireLock({ waitMs }): a bounded wait for the owner to leave', () => {
  it('takes the lock as soon as the owner releases it', async () => {
    const first = await acquireLock(dataDir, { purpose: 'first', watchMs: 0 });
    const waiting = acquireLock(dataDir, { purpose: 'second', waitMs: 60_000, watchMs: 0 });
    let settled = false;
    void waiting.then(() => (settled = true), () => (settled = true));
    // Still waiting while the first one holds it (a few polls have gone by).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    await first.release();
    const second = await waiting;
    expect((await readLockOwner(dataDir))?.purpose).toBe('second');
    await second.release();
  });

  it('gives up with locked_by_other, naming the owner, once the wait is over', async () => {
    const first = await acquireLock(dataDir, { purpose: 'tokenry serve', watchMs: 0 });
    const started = Date.now();
    const failure = await acquireLock(dataDir, { waitMs: 150, watchMs: 0 }).catch((error: unknown) => error);
    expect(isVaultError(failure, 'locked_by_other')).toBe(true);
    expect((failure as Error).message).toContain('tokenry serve');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await first.release();
  });

  it('lets 20 waiting owners through one at a time, every one of them', async () => {
    let inside = 0;
    let most = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const lock = await acquireLock(dataDir, { purpose: `waiter ${i}`, waitMs: 60_000, watchMs: 0 });
        inside += 1;
        most = Math.max(most, inside);
        await lock.verify();
        inside -= 1;
        done.push(i);
        await lock.release();
      }),
    );
    expect(most).toBe(1);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
