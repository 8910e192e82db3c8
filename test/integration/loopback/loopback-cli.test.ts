// The loopback commands end to end: client add/list/remove, `tokenry serve` in a child process, `tokenry token` over loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../../electron/cli/cli-io.js';
import { tokenViaLoopback } from '../../../electron/cli/loopback-commands.js';
import { newClientKey, readAudit, readLoopbackInfo } from '../../../electron/core/loopback/index.js';
import { makeTempDir, REPO_ROOT } from '../../unit/core/vault/vault-test-helpers.js';
import { capture as captureWith } from './cli-harness.js';
import { closedPort, makeWorld, PASSPHRASE, type World } from './support.js';

/** Every command that opens the vault (client commands too: clients.json is authenticated with its key) needs the passphrase. */
const capture = (dataDir: string, words: readonly string[], env: Record<string, string | undefined> = {}) => captureWith(dataDir, words, { TOKENRY_PASSPHRASE: PASSPHRASE, ...env });

let world: World;
let key: string;
let child: ChildProcess;
let url: string;
let childStderr = '';
let childExit: Promise<unknown[]>;

beforeAll(async () => {
  world = await makeWorld();
  await world.release();
  const added = await capture(world.dataDir, ['client', 'add', 'ci', '--accounts', 'work,asleep,down,ghost']);
  key = added.stdout.trim();
  await capture(world.dataDir, ['client', 'add', 'spare', '--accounts', 'work']);
  child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'loopback-cli.ts'), world.dataDir, 'serve', '--port', '0'], {
    cwd: REPO_ROOT,
    env: { ...process.env, TOKENRY_PASSPHRASE: PASSPHRASE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => (childStderr += chunk.toString()));
  childExit = once(child, 'exit');
  url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', () => reject(new Error(`serve exited early: ${childStderr}`)));
  });
}, 30_000);
afterAll(async () => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  await world?.close();
});

/** The exit code and message tokenViaLoopback fails with. */
async function failure(run: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await run;
  } catch (error) {
    if (error instanceof CliError) return { code: error.exitCode, message: error.message };
    throw error;
  }
  throw new Error('expected a CliError');
}

const env = (extra: Record<string, string> = {}) => ({ TOKENRY_CLIENT_KEY: key, ...extra });

describe('tokenry client add', () => {
  it('prints the key alone on stdout', () => {
    expect(key).toMatch(/^tkr_[A-Za-z0-9_-]{43}$/);
  });

  it('notes allowed accounts that do not exist yet', async () => {
    const { dir, cleanup } = await makeTempDir('tokenry-cli-');
    const added = await capture(dir, ['client', 'add', 'early', '--accounts', 'later']);
    await cleanup();
    expect(added.stderr).toContain('no account named later yet');
  });

  it('needs --accounts (exit 2)', async () => {
    const { dir, cleanup } = await makeTempDir('tokenry-cli-');
    const added = await capture(dir, ['client', 'add', 'early']);
    await cleanup();
    expect(added.code).toBe(2);
  });
});

describe('tokenry client list', () => {
  it('lists the clients and their accounts', async () => {
    expect((await capture(world.dataDir, ['client', 'list'])).stdout).toMatch(/^ci\s+accounts work,asleep,down,ghost/m);
  });

  it('lists them as JSON with --json, without keys', async () => {
    const listed = JSON.parse((await capture(world.dataDir, ['client', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(listed.map((c) => Object.keys(c).sort())).toEqual([
      ['accounts', 'createdAt', 'lastUsedAt', 'name'],
      ['accounts', 'createdAt', 'lastUsedAt', 'name'],
    ]);
  });
});

describe('tokenry serve', () => {
  it('prints the URL it listens on', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('announces itself in loopback.json', async () => {
    expect(await readLoopbackInfo(world.dataDir)).toEqual({ url, pid: child.pid });
  });

  it('makes client changes itself while it owns the data directory: `client remove` goes through it', async () => {
    expect((await capture(world.dataDir, ['client', 'remove', 'spare'])).code).toBe(0);
    expect((await capture(world.dataDir, ['client', 'list'])).stdout).not.toMatch(/^spare /m);
  });

  it('refuses a port that is not a number (exit 2)', async () => {
    expect((await capture(world.dataDir, ['serve', '--port', 'http'])).code).toBe(2);
  });
});

describe('tokenry token over loopback', () => {
  it('gets the current token from the running owner', async () => {
    const token = await tokenViaLoopback(world.dataDir, env(), 'work', 0);
    expect(token.access_token).toBe(world.oauth.issued.accessTokens.at(-1));
  });

  it('hands out the token with the warning when asked for more than any token lasts, without renewing', async () => {
    const before = world.oauth.tokenCalls();
    const token = await tokenViaLoopback(world.dataDir, env(), 'work', 7200);
    expect(token.warning).toMatch(/less than the 7200 s asked for/);
    expect(world.oauth.tokenCalls() - before).toBe(0);
  });

  it('finds the owner through TOKENRY_URL', async () => {
    const { dir, cleanup } = await makeTempDir('tokenry-cli-');
    const token = await tokenViaLoopback(dir, env({ TOKENRY_URL: url }), 'work', 0).finally(cleanup);
    expect(token.token_type.toLowerCase()).toBe('bearer');
  });

  it('exits 3 when the account needs sign-in (409)', async () => {
    expect((await failure(tokenViaLoopback(world.dataDir, env(), 'asleep', 0))).code).toBe(3);
  });

  it('exits 5 when the provider cannot be reached (503)', async () => {
    expect((await failure(tokenViaLoopback(world.dataDir, env(), 'down', 0))).code).toBe(5);
  });

  it('exits 1 for an unknown account (404)', async () => {
    expect((await failure(tokenViaLoopback(world.dataDir, env(), 'ghost', 0))).code).toBe(1);
  });

  it('exits 1 for an account the client may not use (403)', async () => {
    expect((await failure(tokenViaLoopback(world.dataDir, env(), 'elsewhere', 0))).code).toBe(1);
  });

  it('exits 1 with a clear message for a wrong key (401)', async () => {
    const { code, message } = await failure(tokenViaLoopback(world.dataDir, { TOKENRY_CLIENT_KEY: newClientKey() }, 'work', 0));
    expect([code, message.includes('TOKENRY_CLIENT_KEY')]).toEqual([1, true]);
  });

  it('never sends the key off the loopback (exit 2)', async () => {
    expect((await failure(tokenViaLoopback(world.dataDir, env({ TOKENRY_URL: 'http://example.com:80' }), 'work', 0))).code).toBe(2);
  });

  it('exits 1 when nothing is announced', async () => {
    const { dir, cleanup } = await makeTempDir('tokenry-cli-');
    const result = await failure(tokenViaLoopback(dir, env(), 'work', 0)).finally(cleanup);
    expect(result.code).toBe(1);
  });

  it('exits 1 when the announced owner is gone', async () => {
    const { dir, cleanup } = await makeTempDir('tokenry-cli-');
    await writeFile(join(dir, 'loopback.json'), JSON.stringify({ url: `http://127.0.0.1:${await closedPort()}`, pid: 1 }));
    const result = await failure(tokenViaLoopback(dir, env(), 'work', 0)).finally(cleanup);
    expect(result.code).toBe(1);
  });
});

describe('stopping tokenry serve', () => {
  let code: unknown;
  beforeAll(async () => {
    child.kill('SIGTERM');
    [code] = await childExit;
  });

  it('exits 0 on SIGTERM', () => {
    expect(code).toBe(0);
  });

  it('removes loopback.json', async () => {
    expect(await readLoopbackInfo(world.dataDir)).toBeNull();
  });

  it('releases the data directory', async () => {
    await expect(access(join(world.dataDir, 'tokenry.lock'))).rejects.toThrow();
  });

  it('has written when each client was last used', async () => {
    const listed = JSON.parse((await capture(world.dataDir, ['client', 'list', '--json'])).stdout) as Array<{ name: string; lastUsedAt: string | null }>;
    expect(listed.find((c) => c.name === 'ci')?.lastUsedAt).not.toBeNull();
  });

  it('has audited the requests', async () => {
    expect((await readAudit(world.dataDir, { limit: 100 })).some((e) => e.client === 'ci' && e.outcome === 'needs_sign_in')).toBe(true);
  });
});

describe('tokenry serve on a taken port', () => {
  it('exits 1 saying the port is in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const served = await capture(world.dataDir, ['serve', '--port', String(port)], { TOKENRY_PASSPHRASE: PASSPHRASE });
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    expect([served.code, served.stderr.includes(`Port ${port}`)]).toEqual([1, true]);
  });
});

describe('tokenry client remove', () => {
  it('revokes the client once the data directory is free', async () => {
    const removed = await capture(world.dataDir, ['client', 'remove', 'ci']);
    const listed = await capture(world.dataDir, ['client', 'list']);
    expect([removed.code, listed.stdout.includes('ci ')]).toEqual([0, false]);
  });

  it('answers 1 for a client that does not exist', async () => {
    expect((await capture(world.dataDir, ['client', 'remove', 'nobody'])).code).toBe(1);
  });
});
