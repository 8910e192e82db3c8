// `tokenry exec NAME [--env VAR] [--min-valid S] -- COMMAND [ARGS...]`: runs a program with a current
// token in its environment only (never on a command line, where every user of the machine can read
// it), as aws-vault's `exec` does; the program's exit code is tokenry's.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CliError, EXIT } from './cli-io.js';
import { str, unwrap, type Command, type Values } from './command.js';
import { withCore } from './core-access.js';

const DEFAULT_ENV = 'TOKENRY_ACCESS_TOKEN';
/** A command gets a token that lasts at least this long unless --min-valid says otherwise. */
const EXEC_MIN_VALID_SECONDS = 60;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Signals a terminal sends to the whole foreground group: the program gets them itself; tokenry only waits. */
const GROUP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];
/** Signals usually sent to one process (a supervisor stopping tokenry): passed on to the program. */
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'];

/** --min-valid as a whole number of seconds from 0 to 86400 (the loopback endpoint's bound too). */
export function readMinValid(values: Values, fallback: number): number {
  const text = str(values, 'min-valid');
  if (text === undefined) return fallback;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 86_400) throw CliError.usage('--min-valid needs a whole number of seconds from 0 to 86400');
  return Number(text);
}

export const EXEC_COMMAND: Command = {
  path: ['exec'],
  usage: `tokenry exec NAME [--env VAR] [--min-valid SECONDS] -- COMMAND [ARGS...]`,
  summary:
    `Run COMMAND with a current access token in the environment variable ${DEFAULT_ENV} (or VAR), renewed first if it ` +
    `would expire within --min-valid seconds (default ${EXEC_MIN_VALID_SECONDS}). The exit code is COMMAND's.`,
  options: { env: { type: 'string' }, 'min-valid': { type: 'string' } },
  positionals: ['NAME'],
  passThrough: true,
  async run(ctx, args, values, rest) {
    const [file, ...argv] = rest;
    if (file === undefined || file === '') throw CliError.usage('exec needs the command to run after --, as in: tokenry exec NAME -- COMMAND [ARGS...]');
    const variable = str(values, 'env') ?? DEFAULT_ENV;
    if (!ENV_NAME.test(variable)) throw CliError.usage(`--env needs an environment variable name (letters, digits and _), got "${variable}"`);
    const minValidSeconds = readMinValid(values, EXEC_MIN_VALID_SECONDS);
    const name = args[0] ?? '';
    // The data directory is let go before the program starts: it may run for hours.
    const token = await withCore(ctx, 'tokenry exec', async (core) => unwrap(await core.call('tokens:get', name, { minValidSeconds })), { renews: true });
    if (token.warning !== undefined) ctx.io.stderr.write(`tokenry: ${token.warning}\n`);
    return runWithToken(file, argv, { ...ctx.io.env, [variable]: token.access_token }, (line) => ctx.io.stderr.write(line));
  },
};

/** Runs the program with the terminal's streams; resolves its exit code, or 128 + the signal that ended it. */
function runWithToken(file: string, argv: readonly string[], env: Readonly<Record<string, string | undefined>>, say: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(file, argv, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const ignore = (): void => undefined;
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    for (const signal of GROUP_SIGNALS) process.on(signal, ignore);
    const done = (code: number): void => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      for (const signal of GROUP_SIGNALS) process.off(signal, ignore);
      resolve(code);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      // The shell's codes: 127 not found, 126 found but not runnable.
      const notFound = error.code === 'ENOENT';
      say(`tokenry: cannot run ${file}: ${notFound ? 'command not found' : (error.code ?? error.message)}\n`);
      done(notFound ? 127 : 126);
    });
    child.once('exit', (code, signal) => {
      if (signal !== null) done(128 + (constants.signals[signal] ?? 0));
      else done(code ?? EXIT.other);
    });
  });
}
