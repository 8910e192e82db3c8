// Specification of the vault's journal: a batch is durable once its line is written, before secrets.json is rewritten;
// the journal is folded in on open and after writes; a torn line, a foreign change, a full disk are handled.
import { appendFile, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createVault, openVault, secretsPath } from '../../../../electron/core/vault/secret-store.js';
import { isVaultError, VaultError } from '../../../../electron/core/vault/vault-error.js';
import { journalFileName } from '../../../../electron/core/vault/vault-journal.js';
import type * as AtomicFile from '../../../../electron/core/vault/atomic-file.js';
import { deferred, type Deferred } from '../../../fixtures/deferred.js';
import { journalFiles, journalLines, makeTempDir, rejectionCode, testPassphrase } from './vault-test-helpers.js';

/** A gate on every rewrite of secrets.json, so a test can hold one (a process "killed" before it) and look at the disk. */
const rewrites = vi.hoisted(() => ({ gate: null as Promise<void> | null, count: 0 }));
vi.mock('../../../../electron/core/vault/atomic-file.js', async (importOriginal) => {
  const actual = await importOriginal<typeof AtomicFile>();
  return {
    ...actual,
    writeFileAtomic: async (...args: Parameters<typeof actual.writeFileAtomic>) => {
      if (args[0].endsWith('secrets.json')) {
        rewrites.count += 1;
        const gate = rewrites.gate;
        if (gate !== null) await gate;
      }
      return actual.writeFileAtomic(...args);
    },
  };
});

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir());
  rewrites.gate = null;
});
afterEach(async () => {
  // A rewrite still held belongs to a vault a test "crashed": it never resumes.
  rewrites.gate = null;
  await cleanup();
});

/** Holds every rewrite of secrets.json started from now on, for good (as if the process died first). */
function holdRewrites(): Deferred<void> {
  const held = deferred<void>();
  rewrites.gate = held.promise;
  return held;
}

const journal = (gen: number): string => join(dataDir, journalFileName(gen));

describe('a batch is durable before secrets.json is rewritten', () => {
  it('setMany() resolves once its line is in the journal: secrets.json is untouched, yet another reader sees the batch', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    const secretsBefore = await readFile(secretsPath(dataDir), 'utf8');
    const rewritesBefore = rewrites.count;
    await vault.setMany([{ service: 'tokenry', account: 'work/token', password: 'rotated-refresh-token' }]);
    expect(await journalLines(dataDir)).toHaveLength(1);
    expect(await readFile(secretsPath(dataDir), 'utf8')).toBe(secretsBefore);
    expect(rewrites.count).toBe(rewritesBefore);
    const reader = await openVault({ dataDir, protector: testPassphrase(), readOnly: true });
    expect(await reader.getPassword('tokenry', 'work/token')).toBe('rotated-refresh-token');
    // Folded: secrets.json holds it, and the journal files are gone.
    await vault.folded();
    expect(await journalFiles(dataDir)).toEqual([]);
    expect(await readFile(secretsPath(dataDir), 'utf8')).not.toBe(secretsBefore);
    await vault.close();
  });

  it('goes on appending while a rewrite of secrets.json is held, and the next rewrite takes in every record', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'counter', '0');
    const gate = holdRewrites();
    const folding = vault.folded();
    for (let i = 1; i <= 5; i += 1) await vault.setPassword('tokenry', 'counter', String(i));
    expect(await journalLines(dataDir)).toHaveLength(6);
    rewrites.gate = null;
    gate.resolve();
    await folding;
    await vault.folded();
    expect(await journalFiles(dataDir)).toEqual([]);
    await vault.close();
    const reopened = await openVault({ dataDir, protector: testPassphrase() });
    expect(await reopened.getPassword('tokenry', 'counter')).toBe('5');
    await reopened.close();
  });
});

describe('opening applies the journal', () => {
  /** A vault "killed" after its journal append, before the rewrite: secrets.json lacks what the journal holds. */
  async function crashBeforeFold(value: string): Promise<void> {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'counter', 'folded');
    await vault.folded();
    holdRewrites();
    await vault.setPassword('tokenry', 'counter', value);
    // The "crash": any rewrite it starts is held for good; the files stay as they are.
    rewrites.gate = null;
  }

  it('applies records newer than secrets.json and folds them in, removing the journal files', async () => {
    await crashBeforeFold('from the journal');
    const secretsBefore = JSON.parse(await readFile(secretsPath(dataDir), 'utf8')) as { seq: number };
    const vault = await openVault({ dataDir, protector: testPassphrase() });
    expect(await vault.getPassword('tokenry', 'counter')).toBe('from the journal');
    expect(await journalFiles(dataDir)).toEqual([]);
    expect((JSON.parse(await readFile(secretsPath(dataDir), 'utf8')) as { seq: number }).seq).toBeGreaterThan(secretsBefore.seq);
    await vault.close();
  });

  it('skips records secrets.json already holds (a crash between the rewrite and the removal of the journal file)', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'counter', 'old');
    const staleLine = await readFile(journal(1), 'utf8');
    await vault.folded();
    await vault.setPassword('tokenry', 'counter', 'new');
    await vault.close();
    // A journal file still holding a record that secrets.json already has must not roll "new" back to "old".
    await writeFile(journal(1), staleLine);
    const reopened = await openVault({ dataDir, protector: testPassphrase() });
    expect(await reopened.getPassword('tokenry', 'counter')).toBe('new');
    await reopened.close();
  });

  it('ignores a torn last line (a crash mid-write)', async () => {
    await crashBeforeFold('kept');
    const [file] = await journalFiles(dataDir);
    await appendFile(file!, '{"v":1,"seq":99,"set":[["[\\"tokenry\\",\\"torn\\"]",{"iv":"');
    const reopened = await openVault({ dataDir, protector: testPassphrase() });
    expect(await reopened.getPassword('tokenry', 'counter')).toBe('kept');
    expect(await reopened.getPassword('tokenry', 'torn')).toBeNull();
    await reopened.setPassword('tokenry', 'after', 'fine');
    await reopened.close();
    const again = await openVault({ dataDir, protector: testPassphrase() });
    expect(await again.getPassword('tokenry', 'after')).toBe('fine');
    await again.close();
  });

  it('reports a complete line that is not a record as damaged_file, naming the file, and leaves it as it is', async () => {
    await createVault({ dataDir, protector: testPassphrase() }).then((v) => v.close());
    await writeFile(journal(7), 'not a record\n');
    const failure = await openVault({ dataDir, protector: testPassphrase() }).catch((error: unknown) => error);
    expect(isVaultError(failure, 'damaged_file')).toBe(true);
    expect((failure as Error).message).toContain(journal(7));
    expect(await readFile(journal(7), 'utf8')).toBe('not a record\n');
  });

  it('a read-only open applies the journal but never writes', async () => {
    await crashBeforeFold('journal only');
    const files = await journalFiles(dataDir);
    const journalBefore = await journalLines(dataDir);
    const secretsBefore = await readFile(secretsPath(dataDir), 'utf8');
    const reader = await openVault({ dataDir, protector: testPassphrase(), readOnly: true });
    expect(await reader.getPassword('tokenry', 'counter')).toBe('journal only');
    expect(await rejectionCode(reader.setPassword('tokenry', 'x', 'y'))).toBe('invalid_argument');
    await reader.close();
    expect(await journalFiles(dataDir)).toEqual(files);
    expect(await journalLines(dataDir)).toEqual(journalBefore);
    expect(await readFile(secretsPath(dataDir), 'utf8')).toBe(secretsBefore);
  });
});

describe('writes that must not happen', () => {
  it('refuses to write once the guard says the directory is no longer ours, writing nothing', async () => {
    let owned = true;
    const check = (): void => {
      if (!owned) throw new VaultError('lock_lost', 'lost');
    };
    const vault = await createVault({ dataDir, protector: testPassphrase(), guard: { verify: async () => check(), verifySync: check } });
    await vault.setPassword('tokenry', 'a', '1');
    await vault.folded();
    owned = false;
    const before = await readFile(secretsPath(dataDir), 'utf8');
    expect(await rejectionCode(vault.setPassword('tokenry', 'a', '2'))).toBe('lock_lost');
    expect(await readFile(secretsPath(dataDir), 'utf8')).toBe(before);
    expect(await journalFiles(dataDir)).toEqual([]);
    expect(await vault.getPassword('tokenry', 'a')).toBe('1');
  });

  it("refuses with changed_on_disk when secrets.json was replaced under it, and leaves the other writer's file alone", async () => {
    const mine = await createVault({ dataDir, protector: testPassphrase() });
    await mine.setPassword('tokenry', 'work/token', 'refresh-1');
    await mine.folded();
    // Another process (which took the directory when the lock was deleted) renews and writes its own file.
    const theirs = await openVault({ dataDir, protector: testPassphrase() });
    await theirs.setPassword('tokenry', 'work/token', 'refresh-2');
    await theirs.close();
    const theirFile = await readFile(secretsPath(dataDir), 'utf8');
    expect(await rejectionCode(mine.setPassword('tokenry', 'work/token', 'stale'))).toBe('changed_on_disk');
    expect(await readFile(secretsPath(dataDir), 'utf8')).toBe(theirFile);
    const check = await openVault({ dataDir, protector: testPassphrase(), readOnly: true });
    expect(await check.getPassword('tokenry', 'work/token')).toBe('refresh-2');
  });

  it('refuses with changed_on_disk when someone else appended to its journal file', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'a', '1');
    await appendFile(journal(1), '{"v":1,"seq":2,"set":[["[\\"x\\",\\"y\\"]",null]]}\n');
    expect(await rejectionCode(vault.setPassword('tokenry', 'a', '2'))).toBe('changed_on_disk');
  });

  it('a full disk rejects the write as io naming ENOSPC, keeps the old value, and the next write works once there is room', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'work/token', 'before');
    await vault.folded();
    // /dev/full answers every write with ENOSPC: a full disk, for real. Generation 2 is the one written next.
    await symlink('/dev/full', journal(2));
    const failure = await vault.setPassword('tokenry', 'work/token', 'after').catch((error: unknown) => error);
    expect(isVaultError(failure, 'io')).toBe(true);
    expect((failure as Error).message).toContain('ENOSPC');
    expect(await vault.getPassword('tokenry', 'work/token')).toBe('before');
    // Room again: a file where the full device was.
    await rm(journal(2));
    await vault.setPassword('tokenry', 'work/token', 'after');
    await vault.close();
    const reopened = await openVault({ dataDir, protector: testPassphrase() });
    expect(await reopened.getPassword('tokenry', 'work/token')).toBe('after');
    await reopened.close();
  });
});

describe('deriveKey()', () => {
  it('gives the same key for a purpose after reopening, another for another purpose', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    const mac = vault.deriveKey('data-files-mac');
    expect(mac).toHaveLength(32);
    expect(vault.deriveKey('other').equals(mac)).toBe(false);
    await vault.close();
    const reopened = await openVault({ dataDir, protector: testPassphrase() });
    expect(reopened.deriveKey('data-files-mac').equals(mac)).toBe(true);
    await reopened.close();
    expect(() => reopened.deriveKey('x')).toThrow(VaultError);
  });
});

describe('secrets.json', () => {
  it('is written in format 2 with the journal position', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'a', '1');
    await vault.close();
    const file = JSON.parse(await readFile(secretsPath(dataDir), 'utf8')) as { version: number; seq: number };
    expect(file).toMatchObject({ version: 2, seq: 1 });
  });

  it('opens a format 1 file (no journal position, no key record checksums)', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'a', 'one');
    await vault.close();
    const file = JSON.parse(await readFile(secretsPath(dataDir), 'utf8')) as { protectors: Array<Record<string, unknown>>; entries: unknown };
    const v1 = { version: 1, protectors: file.protectors.map(({ check: _check, ...rest }) => rest), entries: file.entries };
    await writeFile(secretsPath(dataDir), JSON.stringify(v1));
    const reopened = await openVault({ dataDir, protector: testPassphrase() });
    expect(await reopened.getPassword('tokenry', 'a')).toBe('one');
    await reopened.close();
  });
});
