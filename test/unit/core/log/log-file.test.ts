// Specifies the log file: opened once the directory is owned, private, lines written in order, rotated by size.
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_DIR, LOG_FILE, LogFile } from '../../../../electron/core/log/log-file.js';
import { createLogger } from '../../../../electron/core/log/logger.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tokenry-log-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('LogFile', () => {
  it('keeps lines logged before it opens and writes them first, in a 0600 file in a 0700 folder', async () => {
    const file = new LogFile();
    const log = createLogger({ sinks: [file.sink] });
    log.info('before the lock');
    await file.open(dataDir);
    log.info('after the lock');
    await file.close();
    const path = join(dataDir, LOG_DIR, LOG_FILE);
    expect(file.path).toBe(path);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual(['info  before the lock', 'info  after the lock']);
    if (process.platform !== 'win32') {
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dataDir, LOG_DIR))).mode & 0o777).toBe(0o700);
    }
  });

  it('rotates once the file reaches its size, keeping a bounded number of old files', async () => {
    const file = new LogFile({ maxBytes: 1024, keep: 2 });
    await file.open(dataDir);
    const log = createLogger({ sinks: [file.sink] });
    for (let i = 0; i < 200; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
    await file.close();
    const names = (await readdir(join(dataDir, LOG_DIR))).sort();
    expect(names.length).toBeGreaterThan(1);
    expect(names.length).toBeLessThanOrEqual(3);
    expect(names).toContain(LOG_FILE);
  });
});
