// The `tokenry` entry point in-process: help for every command, usage errors (exit 2), exit codes, stdin and unlock errors.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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
import { createVault } from '../../../electron/core/vault/secret-store.js';

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
    await (await createVault({ dataDir, protector: passphraseProtector('unit pass', { scrypt: TEST_SCRYPT }) })).close();
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
