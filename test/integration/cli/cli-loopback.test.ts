// End to end: `tokenry serve` owns the data directory while `tokenry token` with TOKENRY_CLIENT_KEY asks it over loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLIXURE_DEFAULTS, startApplixure, type ApplixureHandle } from '../../fixtures/emulators/index.js';
import { BIN, expectFailure, expectSuccess, makeSandbox, parseTokenJson, PASSPHRASE, REPO_ROOT, type CliSandbox } from './cli-harness.js';

/** Starts `tokenry serve --port 0` and resolves with the URL it prints once it listens. */
async function serve(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    cwd: REPO_ROOT,
    env: { ...process.env, TOKENRY_DATA_DIR: dataDir, TOKENRY_PASSPHRASE: PASSPHRASE, TOKENRY_CLIENT_KEY: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${String(code)}: ${out}`)));
  });
  return { child, url };
}

describe('tokenry token over loopback while `tokenry serve` holds the vault', () => {
  let em: ApplixureHandle;
  let box: CliSandbox;
  let server: { child: ChildProcess; url: string } | undefined;
  let key = '';

  beforeAll(async () => {
    [em, box] = await Promise.all([startApplixure(), makeSandbox()]);
    expectSuccess(
      await box.run(['account', 'add', 'apx', '--provider', 'applixure', '--base-url', em.baseUrl, '--client-id', APPLIXURE_DEFAULTS.clientId, '--client-secret-stdin'], {
        input: `${APPLIXURE_DEFAULTS.clientSecret}\n`,
      }),
    );
    expectSuccess(await box.run(['login', 'apx']));
    const added = await box.run(['client', 'add', 'script', '--accounts', 'apx']);
    expect(added.code).toBe(0);
    expect(added.stderr).toMatch(/shown only this once/);
    key = added.stdout.trim();
    server = await serve(box.dataDir);
  }, 30_000);

  afterAll(async () => {
    if (server?.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');
    }
    await em?.close();
    await box?.cleanup();
  });

  it('prints the key alone on stdout, and serve prints the URL it listens on', () => {
    expect(key).toMatch(/^tkr_[A-Za-z0-9_-]{43}$/);
    expect(server?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('without a key, `token` asks the owner through its control channel', async () => {
    const run = await box.run(['token', 'apx']);
    expectSuccess(run);
    expect(run.stdout).toBe(`${em.issued.accessTokens.at(-1)}\n`);
  });

  it('with TOKENRY_CLIENT_KEY, `token` gets the current token from the running owner', async () => {
    const run = await box.run(['token', 'apx', '--json'], { env: { TOKENRY_CLIENT_KEY: key } });
    expect(parseTokenJson(run).access_token).toBe(em.issued.accessTokens.at(-1));
  });

  it('with a wrong key, `token` fails with one readable line and no token', async () => {
    const run = await box.run(['token', 'apx'], { env: { TOKENRY_CLIENT_KEY: `tkr_${'A'.repeat(43)}` } });
    expectFailure(run, 1);
    expect(run.stdout).toBe('');
  });

  it('serve stops cleanly on SIGTERM and releases the data directory', async () => {
    server?.child.kill('SIGTERM');
    const [code] = (await once(server!.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(parseTokenJson(await box.run(['token', 'apx', '--json'])).access_token).toBe(em.issued.accessTokens.at(-1));
  });
});
