// `tokenry serve` that loses its data directory (issue 12, item 1): its lock file deleted while it serves, it stops
// on its own, says why on stderr and exits 1, instead of serving on with changes it could no longer save.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../electron/core/vault/lock.js';
import { REPO_ROOT } from '../../unit/core/vault/vault-test-helpers.js';
import { makeWorld, PASSPHRASE, type World } from './support.js';

let world: World;
beforeAll(async () => {
  world = await makeWorld();
  await world.release();
}, 30_000);
afterAll(async () => world?.close());

describe('tokenry serve whose lock file is deleted', () => {
  it('stops by itself within its check interval, saying it no longer owns the directory, and exits 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'loopback-cli.ts'), world.dataDir, 'serve', '--port', '0'], {
      cwd: REPO_ROOT,
      env: { ...process.env, TOKENRY_PASSPHRASE: PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const [url] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await unlink(join(world.dataDir, LOCK_FILE));
      const [code] = await exited;
      expect(code).toBe(1);
      expect(stderr).toMatch(/tokenry: This process no longer owns .*: its lock file was removed.*: stopping\n/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
