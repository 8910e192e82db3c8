// Specification of the data directory lock: one owner at a time, named when refusing, stale locks taken over.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, LOCK_FILE, readLockOwner } from '../../../../electron/core/vault/lock.js';
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
