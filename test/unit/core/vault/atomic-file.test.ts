// Specification of durable private files: atomic replace, 0600/0700 modes, damage reported and never repaired.
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createFileExclusive,
  ensurePrivateDir,
  readJsonFile,
  removeStaleTempFiles,
  writeFileAtomic,
} from '../../../../electron/core/vault/atomic-file.js';
import { isVaultError } from '../../../../electron/core/vault/vault-error.js';
import { makeTempDir, modeOf, rejectionCode } from './vault-test-helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => cleanup());

const settingsSchema = z.strictObject({ leadTimeSeconds: z.number().int(), port: z.number().int() });

describe('writeFileAtomic()', () => {
  it('writes the file with mode 0600 and leaves no temp file behind', async () => {
    const path = join(dir, 'a.json');
    await writeFileAtomic(path, '{"x":1}');
    expect(await readFile(path, 'utf8')).toBe('{"x":1}');
    expect(await modeOf(path)).toBe(0o600);
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('replaces a looser existing file with a 0600 one', async () => {
    const path = join(dir, 'a.json');
    await writeFile(path, 'old', { mode: 0o644 });
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await modeOf(path)).toBe(0o600);
  });

  it('rejects with code io when the directory does not exist', async () => {
    expect(await rejectionCode(writeFileAtomic(join(dir, 'missing', 'a.json'), 'x'))).toBe('io');
  });
});

describe('createFileExclusive()', () => {
  it('creates a missing file with mode 0600', async () => {
    const path = join(dir, 'new.json');
    expect(await createFileExclusive(path, 'content')).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('content');
    expect(await modeOf(path)).toBe(0o600);
  });

  it('resolves false and leaves an existing file untouched', async () => {
    const path = join(dir, 'taken.json');
    await writeFile(path, 'original');
    expect(await createFileExclusive(path, 'intruder')).toBe(false);
    expect(await readFile(path, 'utf8')).toBe('original');
    expect(await readdir(dir)).toEqual(['taken.json']);
  });

  it('lets exactly one of many simultaneous creators win', async () => {
    const path = join(dir, 'race.json');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => createFileExclusive(path, `writer-${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('ensurePrivateDir()', () => {
  it('creates missing directories with mode 0700', async () => {
    const target = join(dir, 'a', 'b');
    await ensurePrivateDir(target);
    expect(await modeOf(target)).toBe(0o700);
  });

  it('tightens an existing group- or world-readable directory to 0700', async () => {
    const target = join(dir, 'loose');
    await mkdir(target);
    await chmod(target, 0o755);
    await ensurePrivateDir(target);
    expect(await modeOf(target)).toBe(0o700);
  });

  it('rejects with code io when a file stands where the directory should be', async () => {
    const target = join(dir, 'file');
    await writeFile(target, '');
    expect(await rejectionCode(ensurePrivateDir(target))).toBe('io');
  });
});

describe('readJsonFile()', () => {
  it('resolves the validated value', async () => {
    const path = join(dir, 'settings.json');
    await writeFile(path, '{"leadTimeSeconds":60,"port":8765}');
    expect(await readJsonFile(path, settingsSchema)).toEqual({ leadTimeSeconds: 60, port: 8765 });
  });

  it('resolves null when the file does not exist', async () => {
    expect(await readJsonFile(join(dir, 'none.json'), settingsSchema)).toBeNull();
  });

  const malformed: Array<[string, string | Buffer]> = [
    ['an empty file', ''],
    ['truncated JSON', '{"leadTimeSeconds":60,"po'],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ['JSON of the wrong shape', '{"leadTimeSeconds":"sixty","port":8765}'],
    ['a JSON array', '[1,2]'],
    ['JSON null', 'null'],
    ['an unknown extra field', '{"leadTimeSeconds":60,"port":8765,"x":1}'],
  ];
  for (const [what, content] of malformed) {
    it(`reports ${what} with code damaged_file and leaves the bytes unchanged`, async () => {
      const path = join(dir, 'settings.json');
      await writeFile(path, content);
      const before = await readFile(path);
      expect(await rejectionCode(readJsonFile(path, settingsSchema))).toBe('damaged_file');
      expect(await readFile(path)).toEqual(before);
    });
  }

  it('names the file in a damaged_file message but not the content', async () => {
    const path = join(dir, 'settings.json');
    await writeFile(path, '{"leadTimeSeconds":"SECRET-LOOKING-VALUE"');
    const failure = await readJsonFile(path, settingsSchema).catch((error: unknown) => error);
    expect(isVaultError(failure, 'damaged_file')).toBe(true);
    expect((failure as Error).message).toContain(path);
    expect((failure as Error).message).not.toContain('SECRET-LOOKING-VALUE');
  });
});

describe('removeStaleTempFiles()', () => {
  it("removes only the file's leftover temp files", async () => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, 'keep');
    await writeFile(`${path}.123456789`, 'partial');
    await writeFile(`${path}.0123456789abcdef.tmp`, 'partial');
    await writeFile(join(dir, 'secrets.json.bak'), 'keep');
    await writeFile(join(dir, 'other.json.123'), 'keep');
    expect((await removeStaleTempFiles(path)).sort()).toEqual(['secrets.json.0123456789abcdef.tmp', 'secrets.json.123456789']);
    expect((await readdir(dir)).sort()).toEqual(['other.json.123', 'secrets.json', 'secrets.json.bak']);
  });
});
