// End to end: the `tokenry` command's exit codes and one-line errors, help, the data dir lock, and `npx tokenry`.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../../electron/core/vault/lock.js';
import { expectFailure, expectNoLeaks, expectSuccess, makeSandbox, type CliSandbox } from './cli-harness.js';

/** A loopback port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('tokenry errors and help', () => {
  let box: CliSandbox;

  beforeAll(async () => {
    box = await makeSandbox();
  });
  afterAll(async () => {
    await box?.cleanup();
  });

  it('usage errors exit 2 with one line on stderr', async () => {
    expectFailure(await box.run(['frobnicate']), 2, /Unknown command "frobnicate" \(see --help\)/);
    expectFailure(await box.run(['token']), 2, /token needs NAME/);
    expectFailure(await box.run(['token', 'x', '--bogus']), 2, /--bogus/);
  });

  it('--help prints usage on stdout and exits 0 (every command, in-process: test/unit/cli)', async () => {
    const token = await box.run(['token', '--help']);
    expectSuccess(token);
    expect(token.stdout).toMatch(/^Usage: tokenry token NAME \[--min-valid SECONDS\] \[--json\]\n/);
  });

  it('an unknown account exits 1', async () => {
    expectFailure(await box.run(['token', 'nobody']), 1, /There is no account named "nobody"/);
  });

  it('a wrong passphrase exits 1 with a clear message and changes nothing', async () => {
    const before = await readFile(join(box.dataDir, 'secrets.json'));
    const run = await box.run(['account', 'list'], { env: { TOKENRY_PASSPHRASE: 'not the passphrase' } });
    expectFailure(run, 1, /TOKENRY_PASSPHRASE does not open the vault/);
    expect(run.stderr).not.toContain('not the passphrase');
    expect(await readFile(join(box.dataDir, 'secrets.json'))).toEqual(before);
    // The lock was released on the way out.
    expect(existsSync(join(box.dataDir, 'tokenry.lock'))).toBe(false);
  });

  it('a process holding the data directory without answering: with TOKENRY_WAIT_SECONDS=0, exit 1 naming it', async () => {
    const lock = await acquireLock(box.dataDir, { purpose: 'cli lock test' });
    try {
      const run = await box.run(['account', 'list'], { env: { TOKENRY_WAIT_SECONDS: '0' } });
      expectFailure(run, 1, new RegExp(`in use by process ${process.pid}, cli lock test.*does not answer`));
    } finally {
      await lock.release();
    }
  });

  it('a provider that cannot be reached exits 5, without echoing the request (Axosoft sends the password in the query)', async () => {
    const port = await closedPort();
    expectSuccess(
      await box.run(['account', 'add', 'down', '--provider', 'axosoft', '--base-url', `http://127.0.0.1:${port}`, '--client-id', 'c', '--client-secret-stdin'], {
        input: 'secret-canary-5512\n',
      }),
    );
    const run = await box.run(['login', 'down', '--username', 'u', '--password-stdin'], { input: 'pw-canary-7781\n' });
    expectFailure(run, 5, new RegExp(`Could not reach the token endpoint http://127\\.0\\.0\\.1:${port}/api/oauth2/token: connection refused \\(ECONNREFUSED\\)`));
  });

  it('`npx tokenry providers` works from the project root', async () => {
    // --no: never fetch a package of that name from the registry; only the project's own bin may answer.
    const run = await box.run(['providers'], { command: { file: 'npx', args: ['--no', 'tokenry'] } });
    expectSuccess(run);
    const ids = run.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]);
    expect(ids).toEqual(['github', 'google', 'microsoft', 'gitlab', 'keycloak', 'auth0', 'okta', 'axosoft', 'sugarcrm', 'teamserver', 'saasu', 'applixure', 'oauth2', 'oidc']);
  });

  it('shows no password or client secret in any output', () => {
    expectNoLeaks(box.transcript, ['pw-canary-7781', 'secret-canary-5512', 'password=', 'client_secret='], []);
  });
});
