// End to end: every `tokenry` command beside a running owner (`tokenry serve`) goes through its control
// channel, and without one the first command opens the data directory and serves the others.
// Real processes (bin/tokenry.js), a real socket in a temp data directory, the SugarCRM emulator on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSugarCrm, SUGARCRM_DEFAULTS, type SugarHandle } from '../../fixtures/emulators/index.js';
import { deferred } from '../../fixtures/deferred.js';
import { expectFailure, expectNoLeaks, expectSuccess, makeSandbox, spawnCli, startServe, type CliSandbox, type Served } from './cli-harness.js';

const PARALLEL = 20;

describe('tokenry beside a running owner (`tokenry serve`)', () => {
  let em: SugarHandle;
  let box: CliSandbox;
  let served: Served;
  let key = '';
  const login = (name = 'crm') => box.run(['login', name, '--username', SUGARCRM_DEFAULTS.username, '--password-stdin'], { input: SUGARCRM_DEFAULTS.password });

  beforeAll(async () => {
    [em, box] = await Promise.all([startSugarCrm(), makeSandbox()]);
    expectSuccess(await box.run(['account', 'add', 'crm', '--provider', 'sugarcrm', '--base-url', em.baseUrl, '--client-id', SUGARCRM_DEFAULTS.clientId, '--client-secret-stdin'], { input: '\n' }));
    expectSuccess(await login());
    // The refresh token dies while nobody is looking, and the access token has run out: the account needs sign-in.
    em.knobs.accessLifetimeSeconds = 0;
    expectSuccess(await box.run(['refresh', 'crm']));
    em.knobs.accessLifetimeSeconds = 3600;
    em.revokeRefreshTokens();
    served = await startServe(box.dataDir);
  }, 60_000);

  afterAll(async () => {
    await served?.stop();
    await em?.close();
    await box?.cleanup();
  });

  it('`token` of the dead account says to sign in (exit 3): the owner tried the refresh token', async () => {
    expectFailure(await box.run(['token', 'crm', '--min-valid', '5']), 3, /tokenry login crm|sign in again/);
  });

  it('`login` of the dead account signs in through the owner, which then hands out the new token', async () => {
    const before = em.tokenCalls();
    const run = await login();
    expectSuccess(run);
    expect(run.stdout).toMatch(/^Signed in to crm; token expires /);
    expect(em.tokenCalls()).toBe(before + 1);
    const token = await box.run(['token', 'crm']);
    expectSuccess(token);
    expect(token.stdout).toBe(`${em.issued.accessTokens.at(-1)}\n`);
  });

  it('`account list`, `account add` and `account show` work through the owner', async () => {
    expectSuccess(await box.run(['account', 'add', 'other', '--provider', 'sugarcrm', '--base-url', em.baseUrl, '--client-id', SUGARCRM_DEFAULTS.clientId, '--client-secret-stdin'], { input: '\n' }));
    const list = await box.run(['account', 'list', '--json']);
    expectSuccess(list);
    expect((JSON.parse(list.stdout) as Array<{ name: string; state: { kind: string } }>).map((a) => [a.name, a.state.kind])).toEqual([
      ['crm', 'valid'],
      ['other', 'signed_out'],
    ]);
    const show = await box.run(['account', 'show', 'other']);
    expectSuccess(show);
    expect(show.stdout).toContain('name:            other\n');
  });

  it(`${PARALLEL} \`token\` processes started together all get the same token, with one upstream call`, async () => {
    // A renewal that hands out a token dead on arrival: every `token` now wants a renewal.
    const before = em.tokenCalls();
    em.knobs.accessLifetimeSeconds = 0;
    expectSuccess(await box.run(['refresh', 'crm']));
    em.knobs.accessLifetimeSeconds = 3600;
    const runs = await Promise.all(Array.from({ length: PARALLEL }, () => box.run(['token', 'crm'])));
    for (const run of runs) expectSuccess(run);
    expect(new Set(runs.map((r) => r.stdout))).toEqual(new Set([`${em.issued.accessTokens.at(-1)}\n`]));
    // That refresh, then one renewal, whoever started it (the owner's own timer, or the first of the twenty): single flight.
    expect(em.tokenCalls()).toBe(before + 2);
  });

  it('`client add` creates a key the owner serves at once', async () => {
    const added = await box.run(['client', 'add', 'deploy-script', '--accounts', 'crm']);
    expect(added.code).toBe(0);
    key = added.stdout.trim();
    expect(key).toMatch(/^tkr_[A-Za-z0-9_-]{43}$/);
    const answer = await fetch(`${served.url}/v1/accounts/crm/token`, { headers: { authorization: `Bearer ${key}` } });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { access_token: string }).access_token).toBe(em.issued.accessTokens.at(-1));
    expect((await box.run(['client', 'list'])).stdout).toMatch(/^deploy-script\s+accounts crm /m);
  });

  it('a client asking for an account outside its list gets 403, and serve prints the request and the command that allows it', async () => {
    const ask = () => fetch(`${served.url}/v1/accounts/other/token`, { headers: { authorization: `Bearer ${key}` } });
    expect((await ask()).status).toBe(403);
    const line = await served.said(/Client "deploy-script" asked for account "other"/);
    expect(line).toContain('tokenry client allow deploy-script other');
  });

  it('`client allow --once` lets exactly the next request through; `client allow` lets them all', async () => {
    const ask = async () => (await fetch(`${served.url}/v1/accounts/other/token`, { headers: { authorization: `Bearer ${key}` } })).status;
    expectSuccess(await box.run(['client', 'allow', 'deploy-script', 'other', '--once']));
    // Past the 403: the account itself has no token yet (409).
    expect([await ask(), await ask()]).toEqual([409, 403]);
    expectSuccess(await box.run(['client', 'allow', 'deploy-script', 'other']));
    expect([await ask(), await ask()]).toEqual([409, 409]);
  });

  it('`exec` runs a command with the token in its environment only, and passes its exit code on', async () => {
    const printed = await box.run(['exec', 'crm', '--', process.execPath, '-e', 'process.stdout.write(process.env.TOKENRY_ACCESS_TOKEN ?? "none")']);
    expectSuccess(printed);
    expect(printed.stdout).toBe(em.issued.accessTokens.at(-1));
    const named = await box.run(['exec', 'crm', '--env', 'CRM_TOKEN', '--', process.execPath, '-e', 'process.stdout.write(`${process.env.CRM_TOKEN} ${"TOKENRY_ACCESS_TOKEN" in process.env} ${process.argv.length}`)']);
    expect(named.stdout).toBe(`${em.issued.accessTokens.at(-1)} false 1`);
    expect((await box.run(['exec', 'crm', '--', process.execPath, '-e', 'process.exit(7)'])).code).toBe(7);
    const missing = await box.run(['exec', 'crm', '--', 'tokenry-no-such-command']);
    expect([missing.code, missing.stderr]).toEqual([127, 'tokenry: cannot run tokenry-no-such-command: command not found\n']);
  });

  it('`exec` passes SIGTERM on to the command, and exits as it did (128 + 15)', async () => {
    const script = "process.on('SIGTERM', () => process.exit(143)); process.stdout.write('ready\\n'); setInterval(() => undefined, 1000);";
    const { child, done } = spawnCli(['exec', 'crm', '--', process.execPath, '-e', script], box.dataDir);
    await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
    child.kill('SIGTERM');
    expect((await done).code).toBe(143);
  });

  it('Ctrl-C during `login` stops the sign-in in the owner too', async () => {
    const gate = deferred<void>();
    em.knobs.hold = gate.promise;
    const arrivedBefore = em.requests.length;
    try {
      const { child, done } = spawnCli(['login', 'crm', '--username', SUGARCRM_DEFAULTS.username, '--password-stdin'], box.dataDir);
      child.stdin!.end(SUGARCRM_DEFAULTS.password);
      await em.arrived(arrivedBefore + 1);
      child.kill('SIGINT');
      const run = await done;
      expectFailure(run, 1, /cancelled/);
    } finally {
      em.knobs.hold = null;
      gate.resolve();
    }
    // The owner kept the account as it was: its token is still handed out.
    const token = await box.run(['token', 'crm']);
    expectSuccess(token);
  });

  it('`serve` refuses to start twice, naming the owner', async () => {
    expectFailure(await box.run(['serve', '--port', '0']), 1, /already served by tokenry serve \(process \d+\)/);
  });

  it('never shows the password or a refresh token, nor an access token outside `token` and `exec`', () => {
    expectNoLeaks(
      box.transcript.filter((run) => run.args[0] !== 'exec'),
      [SUGARCRM_DEFAULTS.password, ...em.issued.refreshTokens],
      em.issued.accessTokens,
    );
  });
});

describe('tokenry without an owner', () => {
  let em: SugarHandle;
  let box: CliSandbox;

  beforeAll(async () => {
    [em, box] = await Promise.all([startSugarCrm(), makeSandbox()]);
    expectSuccess(await box.run(['account', 'add', 'crm', '--provider', 'sugarcrm', '--base-url', em.baseUrl, '--client-id', SUGARCRM_DEFAULTS.clientId, '--client-secret-stdin'], { input: '\n' }));
    expectSuccess(await box.run(['login', 'crm', '--username', SUGARCRM_DEFAULTS.username, '--password-stdin'], { input: SUGARCRM_DEFAULTS.password }));
  }, 60_000);

  afterAll(async () => {
    await em?.close();
    await box?.cleanup();
  });

  it(`${PARALLEL} \`token\` processes started together all get the same token, with one upstream call`, async () => {
    em.knobs.accessLifetimeSeconds = 0;
    expectSuccess(await box.run(['refresh', 'crm']));
    em.knobs.accessLifetimeSeconds = 3600;
    const before = em.tokenCalls();
    const runs = await Promise.all(Array.from({ length: PARALLEL }, () => box.run(['token', 'crm'])));
    // stderr may hold the note of a process that waited a while for the first one (a loaded machine): never an error.
    for (const run of runs) expect({ code: run.code, error: run.stderr.includes('tokenry:') }).toEqual({ code: 0, error: false });
    expect(new Set(runs.map((r) => r.stdout))).toEqual(new Set([`${em.issued.accessTokens.at(-1)}\n`]));
    expect(em.tokenCalls()).toBe(before + 1);
  });

  it('a command waits for a process that holds the data directory without answering, and goes on once it lets go', async () => {
    const { acquireLock } = await import('../../../electron/core/vault/lock.js');
    const lock = await acquireLock(box.dataDir, { purpose: 'slow test holder' });
    const { child, done } = spawnCli(['account', 'list'], box.dataDir);
    await new Promise<void>((resolve) => child.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('Waiting for another process') && resolve()));
    await lock.release();
    const run = await done;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^crm /);
  });
});
