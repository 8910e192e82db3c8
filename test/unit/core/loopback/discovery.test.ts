// Specifies loopback.json: where a running provider says it listens; versioned, private, removed only by its writer.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOOPBACK_INFO_FILE, readLoopbackInfo, removeLoopbackInfo, writeLoopbackInfo } from '../../../../electron/core/loopback/discovery.js';
import { ensurePrivateDir } from '../../../../electron/core/vault/atomic-file.js';
import { makeTempDir, rejectionCode } from '../vault/vault-test-helpers.js';

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir());
  await ensurePrivateDir(dataDir);
});
afterEach(async () => cleanup());

describe('loopback.json', () => {
  it('writeLoopbackInfo() writes url and pid with the format version; readLoopbackInfo() reads them back', async () => {
    await writeLoopbackInfo(dataDir, { url: 'http://127.0.0.1:27813', pid: 42 });
    expect(JSON.parse(await readFile(join(dataDir, LOOPBACK_INFO_FILE), 'utf8'))).toEqual({ version: 1, url: 'http://127.0.0.1:27813', pid: 42 });
    expect(await readLoopbackInfo(dataDir)).toEqual({ url: 'http://127.0.0.1:27813', pid: 42 });
  });

  it('reads a file from before versions, and none as null', async () => {
    expect(await readLoopbackInfo(dataDir)).toBeNull();
    await writeFile(join(dataDir, LOOPBACK_INFO_FILE), JSON.stringify({ url: 'http://127.0.0.1:1234', pid: 7 }));
    expect(await readLoopbackInfo(dataDir)).toEqual({ url: 'http://127.0.0.1:1234', pid: 7 });
  });

  it('refuses a file of a newer format with code unsupported_version', async () => {
    await writeFile(join(dataDir, LOOPBACK_INFO_FILE), JSON.stringify({ version: 2, url: 'http://127.0.0.1:1234', pid: 7, socket: 'x' }));
    expect(await rejectionCode(readLoopbackInfo(dataDir))).toBe('unsupported_version');
  });

  it('removeLoopbackInfo() removes only a file that names the given pid', async () => {
    await writeLoopbackInfo(dataDir, { url: 'http://127.0.0.1:27813', pid: 42 });
    await removeLoopbackInfo(dataDir, 41);
    expect(await readLoopbackInfo(dataDir)).not.toBeNull();
    await removeLoopbackInfo(dataDir, 42);
    expect(await readLoopbackInfo(dataDir)).toBeNull();
  });
});
