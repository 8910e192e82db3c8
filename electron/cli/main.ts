// The `tokenry` command's entry: finds the command, parses its flags, maps every failure to one line and an exit code.
import { parseArgs } from 'node:util';
import { GrantError } from '../core/grants/grant-error.js';
import { thrownToError } from '../core/failures.js';
import { createLogger, silentLogger, streamSink, type Logger } from '../core/log/logger.js';
import { resolveDataDir } from '../core/vault/data-dir.js';
import { VaultError } from '../core/vault/vault-error.js';
import { CliError, EXIT, exitCodeFor, type CliIo } from './cli-io.js';
import { COMMANDS, type Command } from './commands.js';

const GLOBAL_HELP = `tokenry: OAuth 2.0 tokens for scripts, from Tokenry's encrypted vault

Usage: tokenry [--data-dir DIR] COMMAND [ARGS] [--help]

Commands:
${COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(16)} ${c.summary}`).join('\n')}

The data directory is --data-dir, else TOKENRY_DATA_DIR, else the desktop app's.
--debug shows what the core does on stderr (never a secret).
The vault passphrase comes from TOKENRY_PASSPHRASE, else a prompt on a terminal.
Exit codes: 0 ok, 2 usage, 3 needs sign-in, 4 rejected by the provider, 5 provider or network unavailable, 1 other.
`;

function helpFor(command: Command): string {
  return `Usage: ${command.usage}\n\n${command.summary}\n\nAlso: --data-dir DIR, --debug, --help\n`;
}

function findCommand(words: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const command of [...COMMANDS].sort((a, b) => b.path.length - a.path.length)) {
    if (command.path.every((word, i) => words[i] === word)) return { command, rest: words.slice(command.path.length) };
  }
  return undefined;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let log: Logger = silentLogger;
  try {
    // The data directory flag may stand before the command.
    const leading: string[] = [];
    let i = 0;
    while (i < argv.length && argv[i]?.startsWith('-')) {
      const arg = argv[i] ?? '';
      leading.push(arg);
      if (arg === '--data-dir') leading.push(argv[++i] ?? '');
      i++;
    }
    const words = argv.slice(i);
    const head = parseArgs({
      args: leading,
      options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' }, debug: { type: 'boolean' } },
      strict: true,
    });
    if (head.values.version) {
      io.stdout.write('tokenry 0.1.0\n');
      return EXIT.ok;
    }
    const found = findCommand(words);
    if (found === undefined) {
      if (words.length === 0 || words[0] === 'help') {
        io.stdout.write(GLOBAL_HELP);
        return words.length === 0 && !head.values.help ? EXIT.usage : EXIT.ok;
      }
      // Name the command words only: a flag's value (an --otp code...) is never echoed.
      const firstFlag = words.findIndex((word) => word.startsWith('-'));
      throw CliError.usage(`Unknown command "${(firstFlag === -1 ? words : words.slice(0, firstFlag)).join(' ')}"`);
    }
    const { command, rest } = found;
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help || head.values.help) {
      io.stdout.write(helpFor(command));
      return EXIT.ok;
    }
    if (parsed.positionals.length !== command.positionals.length) {
      throw CliError.usage(
        command.positionals.length === 0
          ? `${command.path.join(' ')} takes no arguments`
          : `${command.path.join(' ')} needs ${command.positionals.join(' ')}`,
      );
    }
    const flag = parsed.values['data-dir'] ?? head.values['data-dir'];
    const dataDir = resolveDataDir(typeof flag === 'string' && flag !== '' ? flag : undefined, io.env);
    const debug = parsed.values['debug'] === true || head.values.debug === true;
    log = debug ? createLogger({ level: 'debug', sinks: [streamSink(io.stderr)], scope: 'tokenry' }) : silentLogger;
    return await command.run({ io, dataDir, log }, parsed.positionals, parsed.values);
  } catch (error) {
    log.error('command failed', { cause: error });
    const { message, code } = describe(error);
    io.stderr.write(`tokenry: ${message.replace(/\s+/g, ' ').trim()}\n`);
    return code;
  }
}

/** Every failure as one readable line: our errors carry their own exit code; Node's argument errors are usage errors. */
function describe(error: unknown): { message: string; code: number } {
  if (error instanceof CliError) return { message: error.message, code: error.exitCode };
  if (error instanceof GrantError) return { message: error.message, code: exitCodeFor(error.kind) };
  if (error instanceof VaultError) return { message: error.message, code: EXIT.other };
  if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    return { message: `${error.message} (see --help)`, code: EXIT.usage };
  }
  // Anything else is a failed file operation or a defect: its text may hold anything, so only its kind is said.
  const value = thrownToError(error);
  const hint = value.kind === 'internal' ? 'Tokenry hit an unexpected problem; run again with --debug to see it' : value.message;
  return { message: hint, code: EXIT.other };
}
