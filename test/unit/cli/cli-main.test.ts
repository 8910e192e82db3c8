// The `tokenry` entry point in-process: help for every command, usage errors (exit 2), exit codes, stdin and unlock errors.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { startTeamServer, TEAMSERVER_DEFAULTS } from '../../fixtures/emulators/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError, EXIT, exitCodeFor, readStdin, type CliIo } from '../../../electron/cli/cli-io.js';
import { COMMANDS } from '../../../electron/cli/commands.js';
import { main } from '../../../electron/cli/main.js';
import type { ErrorKind } from '../../../shared/errors.js';
import { acquireLock } from '../../../electron/core/vault/lock.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import { makeDataDir } from '../../fixtures/data-dir.js';

interface Captured {
  readonly io: CliIo;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

function fakeIo(options: { input?: string | Buffer; env?: Record<string, string | undefined>; tty?: boolean } = {}): Captured {
  let out = '';
  let err = '';
  const stdin = Readable.from(options.input === undefined ? [] : [typeof options.input === 'string' ? Buffer.from(options.input) : options.input]);
  return {
    io: {
      stdin,
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      env: options.env ?? {},
      stdinIsTTY: options.tty ?? false,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

async function run(argv: readonly string[], options: Parameters<typeof fakeIo>[0] = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = fakeIo(options);
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('tokenry main: help and usage (nothing touches the data directory)', () => {
  // A data dir that must never be created: usage errors and help stop before opening anything.
  const untouched = join(tmpdir(), `tokenry-cli-never-${process.pid}-${Date.now()}`);
  const env = { TOKENRY_DATA_DIR: untouched, TOKENRY_PASSPHRASE: 'x' };

  afterAll(() => {
    expect(existsSync(untouched)).toBe(false);
  });

  it.each(COMMANDS.map((c) => [c.path.join(' '), c] as const))('`%s --help` prints its usage and exits 0', async (_name, command) => {
    for (const flag of ['--help', '-h']) {
      const result = await run([...command.path, flag], { env });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout.startsWith(`Usage: ${command.usage}\n\n${command.summary}\n`)).toBe(true);
    }
    // Help wins over missing arguments and flags given before the command.
    expect((await run(['--help', ...command.path], { env })).code).toBe(0);
  });

  it('global help: --help and `help` exit 0, no command at all is a usage error (2), --version', async () => {
    for (const argv of [['--help'], ['help'], ['-h']]) {
      const result = await run(argv, { env });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^tokenry: .*\n\nUsage: tokenry \[--data-dir DIR\] COMMAND/);
      for (const command of COMMANDS) expect(result.stdout).toContain(`  ${command.path.join(' ')} `);
    }
    const bare = await run([], { env });
    expect(bare.code).toBe(EXIT.usage);
    expect(bare.stdout).toMatch(/^tokenry: /);
    expect(await run(['--version'], { env })).toEqual({ code: 0, stdout: 'tokenry 0.1.0\n', stderr: '' });
  });

  it('`account` and `client` alone, or with --help, list their commands (stdout; exit 2 and 0)', async () => {
    for (const group of ['account', 'client']) {
      const bare = await run([group], { env });
      const help = await run([group, '--help'], { env });
      expect([bare.code, help.code, bare.stderr, help.stderr]).toEqual([EXIT.usage, 0, '', '']);
      expect(help.stdout).toBe(bare.stdout);
      for (const command of COMMANDS.filter((c) => c.path[0] === group)) expect(help.stdout).toContain(`tokenry ${command.path.join(' ')}`);
    }
  });

  it.each([
    [['frobnicate'], /^tokenry: Unknown command "frobnicate" \(see --help\)\n$/],
    [['account', 'rename', 'a'], /Unknown command "account rename a"/],
    [['account', 'rmove', 'a'], /Unknown command "account rmove a"; did you mean "account remove"\?/],
    [['logon', 'work', '--otp', '246810'], /^tokenry: Unknown command "logon work"; did you mean "login"\? \(see --help\)\n$/],
    [['token'], /^tokenry: token needs NAME \(see --help\)\n$/],
    [['login'], /login needs NAME/],
    [['refresh'], /refresh needs NAME/],
    [['account', 'show'], /account show needs NAME/],
    [['account', 'remove'], /account remove needs NAME/],
    [['account', 'add'], /account add needs NAME/],
    [['token', 'a', 'b'], /token needs NAME/],
    [['providers', 'extra'], /providers takes no arguments/],
    [['account', 'list', 'extra'], /account list takes no arguments/],
    [['token', 'a', '--bogus'], /Unknown option --bogus \(see --help\)/],
    [['token', 'a', '--min-vaild', '5'], /Unknown option --min-vaild; did you mean --min-valid\?/],
    [['--bogus', 'token', 'a'], /Unknown option --bogus/],
    [['--dta-dir', 'x', 'token', 'a'], /did you mean --data-dir\?/],
    [['token', 'a', '--min-valid'], /--min-valid/],
    [['token', 'a', '--min-valid', 'soon'], /--min-valid needs a whole number of seconds/],
    [['token', 'a', '--min-valid', '-5'], /--min-valid needs a whole number of seconds|--min-valid/],
    [['token', 'a', '--min-valid', '1.5'], /--min-valid needs a whole number of seconds/],
    [['token', 'a', '--min-valid', '86401'], /--min-valid needs a whole number of seconds from 0 to 86400/],
    [['exec', 'a'], /exec needs the command to run after --/],
    [['exec', 'a', 'echo'], /exec needs -- before the command to run/],
    [['exec', 'a', '--env', '1X', '--', 'echo'], /--env needs an environment variable name/],
    [['client', 'allow', 'ci'], /client allow needs CLIENT ACCOUNT/],
    [['token', 'a', '--json=yes'], /--json/],
    [['account', 'add', 'a'], /account add needs --provider/],
    [['account', 'add', 'a', '--provider', 'oauth2', '--method', 'PUT'], /--method must be one of GET, POST/],
    [['account', 'add', 'a', '--provider', 'oauth2', '--encoding', 'yaml'], /--encoding must be one of query, form, json, xml/],
    [['account', 'add', 'a', '--provider', 'oauth2', '--client-auth', 'jwt'], /--client-auth must be one of basic, body, none/],
    [['account', 'add', 'a', '--provider', 'oauth2', '--param', 'novalue'], /--param needs KEY=VALUE/],
    [['account', 'add', 'a', '--provider', 'oauth2', '--param', '=v'], /--param needs KEY=VALUE/],
  ])('%j is a usage error: exit 2, one line', async (argv, pattern) => {
    const result = await run(argv, { env });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^tokenry: [^\n]+\n$/);
    expect(result.stderr).toMatch(pattern);
  });
});

describe('exit codes and stdin', () => {
  it('maps every error kind to the documented exit code', () => {
    const expected: Record<ErrorKind, number> = {
      needs_sign_in: 3,
      rejected: 4,
      unavailable: 5,
      network: 5,
      invalid_input: 2,
      bad_response: 1,
      config: 1,
      not_found: 1,
      vault: 1,
      storage: 1,
      cancelled: 1,
      internal: 1,
    };
    for (const [kind, code] of Object.entries(expected)) expect(exitCodeFor(kind as ErrorKind)).toBe(code);
    expect(CliError.from({ code: 'x', kind: 'rejected', message: 'no' }).exitCode).toBe(4);
    expect(CliError.usage('bad').message).toBe('bad (see --help)');
  });

  it('readStdin keeps the secret verbatim but for one trailing newline', async () => {
    const read = (input: string): Promise<string> => readStdin(fakeIo({ input }).io, 'Password');
    expect(await read('p@ss wörd\n')).toBe('p@ss wörd');
    expect(await read('p@ss wörd\r\n')).toBe('p@ss wörd');
    expect(await read('  spaced  ')).toBe('  spaced  ');
    expect(await read('two\n\n')).toBe('two\n');
    expect(await read('')).toBe('');
  });

  it('readStdin refuses more than 64 KiB', async () => {
    const big = fakeIo({ input: Buffer.alloc(64 * 1024 + 1, 0x61) });
    await expect(readStdin(big.io, 'Client secret')).rejects.toMatchObject({ exitCode: EXIT.usage });
    expect(big.stderr()).toBe('');
  });

  it('readStdin prompts on stderr only on a terminal', async () => {
    const tty = fakeIo({ input: 'secret\nmore', tty: true });
    expect(await readStdin(tty.io, 'Password')).toBe('secret');
    expect(tty.stderr()).toBe('Password: ');
  });
});

describe('tokenry main over a real data directory', () => {
  let dataDir: string;
  const env = (): Record<string, string> => ({ TOKENRY_DATA_DIR: dataDir, TOKENRY_PASSPHRASE: 'unit pass' });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tokenry-cli-unit-'));
    await (await makeDataDir(dataDir, passphraseProtector('unit pass', { scrypt: TEST_SCRYPT }))).vault.close();
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('adds, lists, shows and removes an account; unknown accounts exit 1', async () => {
    const added = await run(['account', 'add', 'svc', '--provider', 'applixure', '--base-url', 'https://api.example.test', '--client-id', 'k', '--client-secret-stdin'], {
      env: env(),
      input: 'canary-secret-6502\n',
    });
    expect(added).toEqual({ code: 0, stdout: 'Added svc (Applixure). Sign in with: tokenry login svc\n', stderr: '' });

    const duplicate = await run(['account', 'add', 'svc', '--provider', 'applixure', '--base-url', 'https://api.example.test'], { env: env() });
    expect(duplicate.code).toBe(EXIT.usage);
    expect(duplicate.stderr).toMatch(/^tokenry: An account named "svc" already exists\.\n$/);

    const list = await run(['account', 'list', '--json'], { env: env() });
    expect(list.code).toBe(0);
    const accounts = JSON.parse(list.stdout) as Array<{ name: string; state: { kind: string } }>;
    expect(accounts.map((a) => [a.name, a.state.kind])).toEqual([['svc', 'signed_out']]);

    const show = await run(['account', 'show', 'svc'], { env: env() });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('token endpoint:  https://api.example.test/oauth2/token\n');
    expect(show.stdout).toContain('client id:       k\n');
    for (const text of [added, list, show]) expect(text.stdout + text.stderr).not.toContain('canary-secret-6502');

    expect(await run(['account', 'remove', 'svc'], { env: env() })).toEqual({ code: 0, stdout: 'Removed svc.\n', stderr: '' });
    for (const argv of [['account', 'show', 'svc'], ['account', 'remove', 'svc'], ['token', 'svc'], ['login', 'svc'], ['refresh', 'svc']]) {
      const result = await run(argv, { env: env() });
      expect(result.code, argv.join(' ')).toBe(EXIT.other);
      expect(result.stderr).toBe('tokenry: There is no account named "svc".\n');
    }
  });

  it('login on a terminal asks for the password with echo off, and it reaches the provider', async () => {
    const server = await startTeamServer();
    try {
      const add = await run(['account', 'add', 'ts', '--provider', 'teamserver', '--base-url', server.baseUrl, '--client-id', TEAMSERVER_DEFAULTS.clientId, '--client-secret-stdin'], {
        env: env(),
        input: `${TEAMSERVER_DEFAULTS.clientSecret}\n`,
      });
      expect(add.code).toBe(0);
      const stdin = Object.assign(new PassThrough(), {
        isRaw: false,
        setRawMode(mode: boolean) {
          stdin.isRaw = mode;
        },
      });
      let shown = '';
      let echoOffWhileTyping = false;
      const io: CliIo = {
        stdin,
        stdout: { write: () => true },
        stderr: {
          write: (text: string) => {
            shown += text;
            if (text.startsWith('Password for')) {
              echoOffWhileTyping = stdin.isRaw;
              setImmediate(() => stdin.write(`${TEAMSERVER_DEFAULTS.password}\r`));
            }
            return true;
          },
        },
        env: env(),
        stdinIsTTY: true,
      };
      const code = await main(['login', 'ts', '--username', TEAMSERVER_DEFAULTS.username], io);
      expect(code).toBe(0);
      expect(echoOffWhileTyping).toBe(true);
      expect(shown).not.toContain(TEAMSERVER_DEFAULTS.password);
      expect(server.requests.at(-1)?.query.get('password')).toBe(TEAMSERVER_DEFAULTS.password);
    } finally {
      await server.close();
    }
  });

  it('--data-dir wins over TOKENRY_DATA_DIR, before or after the command', async () => {
    const elsewhere = join(dataDir, 'not-here');
    for (const argv of [['--data-dir', dataDir, 'account', 'list'], ['account', 'list', '--data-dir', dataDir]]) {
      const result = await run(argv, { env: { ...env(), TOKENRY_DATA_DIR: elsewhere } });
      expect(result).toMatchObject({ code: 0, stderr: '' });
    }
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('a wrong passphrase exits 1 with a clear one-line message', async () => {
    const result = await run(['account', 'list'], { env: { ...env(), TOKENRY_PASSPHRASE: 'wrong pass' } });
    expect(result).toEqual({ code: EXIT.other, stdout: '', stderr: `tokenry: TOKENRY_PASSPHRASE does not open the vault in ${dataDir}.\n` });
  });

  it('no passphrase and no terminal: exit 1 naming TOKENRY_PASSPHRASE, without waiting for input', async () => {
    const result = await run(['account', 'list'], { env: { TOKENRY_DATA_DIR: dataDir } });
    expect(result.code).toBe(EXIT.other);
    expect(result.stderr).toMatch(/^tokenry: .*TOKENRY_PASSPHRASE[^\n]*\n$/);
  });

  it('a lock held by a process that does not answer (TOKENRY_WAIT_SECONDS=0): exit 1 naming the owner; released afterwards, the command works', async () => {
    const lock = await acquireLock(dataDir, { purpose: 'desktop app' });
    try {
      const result = await run(['account', 'list'], { env: { ...env(), TOKENRY_WAIT_SECONDS: '0' } });
      expect(result.code).toBe(EXIT.other);
      expect(result.stderr).toMatch(new RegExp(`^tokenry: The data directory .* is in use by process ${process.pid}, desktop app, since .*does not answer.*TOKENRY_CLIENT_KEY.*\\n$`));
    } finally {
      await lock.release();
    }
    expect((await run(['account', 'list'], { env: env() })).code).toBe(0);
  });

  it('--debug shows what the core does on stderr, never a secret; without it stderr stays quiet', async () => {
    const server = await startTeamServer();
    try {
      expect(
        (await run(['account', 'add', 'dbg', '--provider', 'teamserver', '--base-url', server.baseUrl, '--client-id', TEAMSERVER_DEFAULTS.clientId, '--client-secret-stdin'], {
          env: env(),
          input: `${TEAMSERVER_DEFAULTS.clientSecret}\n`,
        })).code,
      ).toBe(0);
      const quiet = await run(['login', 'dbg', '--username', TEAMSERVER_DEFAULTS.username, '--password-stdin'], { env: env(), input: TEAMSERVER_DEFAULTS.password });
      expect(quiet).toMatchObject({ code: 0, stderr: '' });
      const loud = await run(['--debug', 'refresh', 'dbg'], { env: env() });
      expect(loud.code).toBe(0);
      expect(loud.stderr).toMatch(/ debug +tokenry\.service: requesting a token account=dbg flow=refresh_token\n/);
      expect(loud.stderr).toMatch(/ info +tokenry: data directory opened /);
      for (const secret of [TEAMSERVER_DEFAULTS.password, TEAMSERVER_DEFAULTS.clientSecret, ...server.issued.accessTokens, ...server.issued.refreshTokens]) {
        expect(loud.stderr).not.toContain(secret);
      }
    } finally {
      await server.close();
    }
  });

  it('login with a username but no password is an input error (2), not a network call', async () => {
    await run(['account', 'add', 'pw', '--provider', 'oauth2', '--base-url', 'https://127.0.0.1:1'], { env: env() });
    const result = await run(['login', 'pw', '--username', 'bob'], { env: env() });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/needs a password: give the password with --password-stdin/);
  });
});

describe('tokenry refuses secrets and odd names on the command line (issue 12, item 6)', () => {
  let dataDir: string;
  const env = (): Record<string, string> => ({ TOKENRY_DATA_DIR: dataDir, TOKENRY_PASSPHRASE: 'unit pass' });
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tokenry-cli-secrets-'));
    await (await makeDataDir(dataDir, passphraseProtector('unit pass', { scrypt: TEST_SCRYPT }))).vault.close();
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  const add = (...extra: string[]) => run(['account', 'add', 'a', '--provider', 'oauth2', '--base-url', 'https://id.example.test', ...extra], { env: env() });

  it.each([
    [['--param', 'client_secret=canary-s3cret'], /--param client_secret=… would put a secret on the command line.*--client-secret-stdin/],
    [['--param', 'api_key=canary-s3cret'], /--param api_key=… would put a secret.*only in its vault/],
    [['--token-url', 'https://id.example.test/token?client_secret=canary-s3cret'], /"client_secret" parameter in --token-url.*--client-secret-stdin/],
    [['--token-url', '{baseUrl}/token?access_token=canary-s3cret'], /"access_token" parameter in --token-url/],
    [['--base-url', 'https://user:canary-s3cret@id.example.test'], /user name and password in --base-url/],
    [['--param', '__proto__=canary-s3cret'], /--param __proto__=… is not a parameter name/],
  ])('%j: exit 2 without echoing the secret, and nothing is stored', async (extra, pattern) => {
    const result = await add(...extra);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toContain('canary-s3cret');
    expect(JSON.parse((await run(['account', 'list', '--json'], { env: env() })).stdout)).toEqual([]);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('--provider %s is an unknown provider (exit 2), not a crash', async (provider) => {
    const result = await run(['account', 'add', 'a', '--provider', provider, '--param', 'platform=x'], { env: env() });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(new RegExp(`Unknown provider "${provider.replace(/[_$]/g, '\\$&')}"`));
  });

  it('--min-valid above a day (86400 s) is a usage error, like the loopback endpoint', async () => {
    const result = await run(['token', 'a', '--min-valid', '86401'], { env: env() });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/--min-valid needs a whole number of seconds from 0 to 86400/);
  });
});

describe('tokenry and its data directory (issue 12, items 4 and 5)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tokenry-cli-data-'));
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));
  let n = 0;
  const fresh = (): string => join(root, `dir-${n++}`);
  const envFor = (dir: string, passphrase = 'a long passphrase'): Record<string, string> => ({ TOKENRY_DATA_DIR: dir, TOKENRY_PASSPHRASE: passphrase });

  it('refuses a one-character passphrase for a new vault (the app asks for 8), and makes no vault', async () => {
    const dir = fresh();
    const result = await run(['account', 'list'], { env: envFor(dir, 'x') });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/TOKENRY_PASSPHRASE is too short for a new vault: use at least 8 characters/);
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
  });

  it('tokenry init makes the vault and every data file, once', async () => {
    const dir = fresh();
    expect(await run(['init'], { env: envFor(dir) })).toMatchObject({ code: 0, stdout: `Created a vault in ${dir}, protected by a passphrase.\n` });
    for (const file of ['secrets.json', 'accounts.json', 'clients.json', 'settings.json']) expect(existsSync(join(dir, file)), file).toBe(true);
    expect(await run(['init'], { env: envFor(dir) })).toMatchObject({ code: EXIT.other, stderr: `tokenry: ${dir} already has a vault.\n` });
    const files = await run(['files'], { env: envFor(dir) });
    expect(files.code).toBe(0);
    expect(files.stdout).toMatch(/^accounts\.json +ok +0 accounts\nclients\.json +ok +0 loopback clients\nsettings\.json +ok +settings/);
  });

  it('a missing vault beside accounts is an error naming what is missing; no new, empty vault is made', async () => {
    const dir = fresh();
    expect((await run(['account', 'add', 'a', '--provider', 'oauth2', '--base-url', 'https://id.example.test'], { env: envFor(dir) })).code).toBe(0);
    await rm(join(dir, 'secrets.json'));
    for (const argv of [['account', 'list'], ['init'], ['files']]) {
      const result = await run(argv, { env: envFor(dir) });
      expect(result.code, argv.join(' ')).toBe(EXIT.other);
      expect(result.stderr).toMatch(/The vault \(secrets\.json\) is missing from .*, but accounts\.json, clients\.json, settings\.json are there.*Restore secrets\.json from a backup/);
    }
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
  });

  it('a tampered clients.json is refused by every command, shown by `tokenry files` with what to do, and usable again once accepted', async () => {
    const dir = fresh();
    const env = envFor(dir);
    expect((await run(['init'], { env })).code).toBe(0);
    // A client planted with a key hash of the planter's choosing.
    const planted = { version: 2, clients: [{ name: 'planted', keyHash: 'a'.repeat(64), accounts: ['work'], createdAt: 0, lastUsedAt: null }], mac: 'b'.repeat(64) };
    await writeFile(join(dir, 'clients.json'), JSON.stringify(planted));
    const list = await run(['client', 'list'], { env });
    expect(list.code).toBe(EXIT.other);
    expect(list.stderr).toMatch(/clients\.json fails its authentication code.*tokenry files accept clients\.json/);
    const files = await run(['files'], { env });
    expect(files.code).toBe(EXIT.other);
    expect(files.stdout).toMatch(/clients\.json +REFUSED +\(unauthenticated_file\) .*clients\.json fails its authentication code/);
    expect(files.stdout).toMatch(/accounts\.json +ok/);
    // The person looked, and accepts the file as it is (here: with the planted client in it).
    expect(await run(['files', 'accept', 'clients.json'], { env })).toMatchObject({ code: 0, stdout: 'Accepted clients.json: 1 loopback client.\n' });
    expect((await run(['client', 'list'], { env })).stdout).toMatch(/^planted /);
    expect((await run(['files', 'accept', 'secrets.json'], { env })).code).toBe(EXIT.usage);
  });

  it('a damaged key record is reported as damaged, not as a wrong passphrase', async () => {
    const dir = fresh();
    expect((await run(['init'], { env: envFor(dir) })).code).toBe(0);
    const file = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as { protectors: Array<{ box: { tag: string } }> };
    const tag = Buffer.from(file.protectors[0]!.box.tag, 'base64');
    tag[3] = (tag[3] ?? 0) ^ 0x10;
    file.protectors[0]!.box.tag = tag.toString('base64');
    await writeFile(join(dir, 'secrets.json'), JSON.stringify(file));
    const result = await run(['account', 'list'], { env: envFor(dir) });
    expect(result.code).toBe(EXIT.other);
    expect(result.stderr).toMatch(/secrets\.json is damaged \(key record 1 \(passphrase\) does not match its checksum/);
    expect(result.stderr).not.toMatch(/does not open/);
  });
});
