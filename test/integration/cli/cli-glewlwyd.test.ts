// End to end against Glewlwyd (C): `--basic-encoding raw` and `--timeout-seconds` reach the grant, a bare 403 exits 4 with its status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLEWLWYD_DEFAULTS, startGlewlwyd, type GlewlwydHandle } from '../../fixtures/glewlwyd-server.js';
import { expectNoLeaks, expectSuccess, makeSandbox, type CliSandbox } from './cli-harness.js';

const D = GLEWLWYD_DEFAULTS;

describe('tokenry against Glewlwyd (raw-only HTTP Basic, bare 403 refusals)', () => {
  let server: GlewlwydHandle;
  let box: CliSandbox;

  beforeAll(async () => {
    [server, box] = await Promise.all([startGlewlwyd(), makeSandbox()]);
  }, 90_000);
  afterAll(async () => {
    await server?.close();
    await box?.cleanup();
  });

  it('adds an account whose Basic credentials go raw, with its own timeout', async () => {
    expectSuccess(
      await box.run(
        ['account', 'add', 'g', '--provider', 'oauth2', '--token-url', server.tokenUrl, '--client-id', D.clientId, '--client-secret-stdin', '--scope', 'read write admin', '--basic-encoding', 'raw', '--timeout-seconds', '45'],
        { input: `${D.clientSecret}\n` },
      ),
    );
    const account = (await box.readAccounts()).accounts.find((a) => a.name === 'g');
    expect(account?.overrides).toMatchObject({ basicEncoding: 'raw', timeoutSeconds: 45 });
  });

  it('signs in with the raw credentials and shows the scope granted of the one requested', async () => {
    expectSuccess(await box.run(['login', 'g', '--username', D.username, '--password-stdin'], { input: `${D.password}\n` }));
    const record = await box.readRecord('g');
    expect([record?.grantedScope, record?.requestedScope]).toEqual([['read', 'write'], ['read', 'write', 'admin']]);
  });

  it('exits 4 on a wrong password answered with a bare 403, naming the status (item 4)', async () => {
    const run = await box.run(['login', 'g', '--username', D.username, '--password-stdin'], { input: 'Wr0ng-passw0rd-here\n' });
    expect(run.code).toBe(4);
    expect(run.stderr).toBe('tokenry: The provider refused the request (HTTP 403 Forbidden) without saying why.\n');
  });

  it('refuses a --basic-encoding it does not know as a usage error', async () => {
    const run = await box.run(['account', 'add', 'h', '--provider', 'oauth2', '--token-url', server.tokenUrl, '--basic-encoding', 'utf8']);
    expect([run.code, run.stderr]).toEqual([2, 'tokenry: --basic-encoding must be one of form, raw (see --help)\n']);
  });

  it('refuses a --timeout-seconds that is not a whole number from 1 to 300', async () => {
    const run = await box.run(['account', 'add', 'h', '--provider', 'oauth2', '--token-url', server.tokenUrl, '--timeout-seconds', '0']);
    expect([run.code, run.stderr]).toEqual([2, 'tokenry: --timeout-seconds needs a whole number of seconds from 1 to 300 (see --help)\n']);
  });

  it('never shows the password or the client secret', () => {
    expectNoLeaks(box.transcript, [D.password, D.clientSecret, 'Wr0ng-passw0rd-here'], []);
  });
});
