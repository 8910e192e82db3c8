// isExecutableFile() and findOnPath() against real files and modes in a temp folder.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findOnPath, isExecutableFile } from '../../../../scripts/prerequisites/executables.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenry-exec-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function file(path: string, mode: number): Promise<string> {
  await writeFile(path, '#!/bin/sh\n');
  await chmod(path, mode);
  return path;
}

describe.skipIf(process.platform === 'win32')('isExecutableFile()', () => {
  it('accepts a file with an execute bit', async () => {
    expect(isExecutableFile(await file(join(dir, 'tool'), 0o755))).toBe(true);
  });

  it('refuses a file without one', async () => {
    // Root may execute any file with some x bit, so the test clears all of them.
    expect(isExecutableFile(await file(join(dir, 'plain'), 0o644))).toBe(false);
  });

  it('refuses a directory, even a searchable one', async () => {
    await mkdir(join(dir, 'folder'));
    expect(isExecutableFile(join(dir, 'folder'))).toBe(false);
  });

  it('refuses a path that does not exist', () => {
    expect(isExecutableFile(join(dir, 'missing'))).toBe(false);
  });
});

describe.skipIf(process.platform === 'win32')('findOnPath()', () => {
  it('returns the first folder on PATH that holds the program', async () => {
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'b'));
    await file(join(dir, 'a', 'tool'), 0o644);
    const second = await file(join(dir, 'b', 'tool'), 0o755);
    expect(findOnPath('tool', { PATH: [join(dir, 'a'), join(dir, 'b')].join(delimiter) })).toBe(second);
  });

  it('still looks in /usr/bin when PATH is empty', () => {
    const seen: string[] = [];
    findOnPath('tool', { PATH: '' }, (path) => (seen.push(path), false));
    expect(seen).toEqual(['/usr/bin/tool', '/bin/tool']);
  });

  it('returns null when no folder holds it', () => {
    expect(findOnPath('tokenry-no-such-tool', { PATH: dir })).toBeNull();
  });
});
