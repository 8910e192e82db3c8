// The `tokenry` command's entry: finds the command, parses its flags, maps every failure to one line and an exit code.
// It loads only what the command needs: `--version` nothing, `token` through a running owner no vault and no grant engine.
import { parseArgs } from 'node:util';
import { CliError, EXIT, type CliIo } from './cli-io.js';
import type { Command } from './command.js';
import { closest } from './suggest.js';

export const VERSION = '0.1.0';

/** Words that group commands (`tokenry account add`): `tokenry account --help` lists the group. */
const GROUPS: Readonly<Record<string, string>> = {
  account: 'Accounts at providers: add, list, show, remove.',
  client: 'Programs allowed to ask the loopback endpoint for tokens: add, list, allow, remove.',
};

const GLOBAL_FLAGS = { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' }, debug: { type: 'boolean' } } as const;

function globalHelp(commands: readonly Command[]): string {
  return `tokenry: OAuth 2.0 tokens for scripts, from Tokenry's encrypted vault

Usage: tokenry [--data-dir DIR] COMMAND [ARGS] [--help]

Commands:
${commands.map((c) => `  ${c.path.join(' ').padEnd(16)} ${c.summary}`).join('\n')}

The data directory is --data-dir, else TOKENRY_DATA_DIR, else the desktop app's.
While the desktop app or \`tokenry serve\` owns it, every command goes through it.
--debug shows what the core does on stderr (never a secret).
The vault passphrase comes from TOKENRY_PASSPHRASE, else a prompt on a terminal.
Exit codes: 0 ok, 2 usage, 3 needs sign-in, 4 rejected by the provider, 5 provider or network unavailable, 1 other.
`;
}

function groupHelp(group: string, commands: readonly Command[]): string {
  const members = commands.filter((c) => c.path[0] === group);
  return `Usage: tokenry ${group} COMMAND [ARGS] [--help]\n\n${GROUPS[group] ?? ''}\n\nCommands:\n${members
    .map((c) => `  ${c.usage.split('\n')[0]}\n      ${c.summary}`)
    .join('\n')}\n`;
}

function helpFor(command: Command): string {
  return `Usage: ${command.usage}\n\n${command.summary}\n\nAlso: --data-dir DIR, --debug, --help\n`;
}

function findCommand(commands: readonly Command[], words: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const command of [...commands].sort((a, b) => b.path.length - a.path.length)) {
    if (command.path.every((word, i) => words[i] === word)) return { command, rest: words.slice(command.path.length) };
  }
  return undefined;
}

/** An unknown command, named by its words only (a flag's value, an --otp code, is never echoed), with the nearest real one. */
function unknownCommand(commands: readonly Command[], words: readonly string[]): CliError {
  const firstFlag = words.findIndex((word) => word.startsWith('-'));
  const named = firstFlag === -1 ? words : words.slice(0, firstFlag);
  const group = named[0] !== undefined && Object.hasOwn(GROUPS, named[0]) ? named[0] : undefined;
  const candidates = group === undefined ? [...new Set(commands.map((c) => c.path[0] ?? ''))] : commands.filter((c) => c.path[0] === group).map((c) => c.path.join(' '));
  const typed = group === undefined ? (named[0] ?? '') : named.slice(0, 2).join(' ');
  const near = closest(typed, candidates);
  return CliError.usage(`Unknown command "${named.join(' ')}"${near === undefined ? '' : `; did you mean "${near}"?`}`);
}

/** Node's "Unknown option '--x'" with the nearest option the command has. */
function unknownOption(error: Error, known: readonly string[]): CliError {
  const match = /Unknown option '(--?[^']+)'/.exec(error.message);
  const near = match?.[1] === undefined ? undefined : closest(match[1].replace(/^-+/, ''), known);
  const name = match?.[1] ?? '';
  return CliError.usage(match === null ? error.message : `Unknown option ${name}${near === undefined ? '' : `; did you mean --${near}?`}`);
}

function isParseArgsError(error: unknown): error is TypeError & { code: string } {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let logError: ((error: unknown) => void) | undefined;
  try {
    // The data directory flag may stand before the command.
    const leading: string[] = [];
    let i = 0;
    while (i < argv.length && argv[i]?.startsWith('-') && argv[i] !== '--') {
      const arg = argv[i] ?? '';
      leading.push(arg);
      if (arg === '--data-dir') leading.push(argv[++i] ?? '');
      i++;
    }
    const words = argv.slice(i);
    let head;
    try {
      head = parseArgs({ args: leading, options: GLOBAL_FLAGS, strict: true });
    } catch (error) {
      if (isParseArgsError(error)) throw unknownOption(error, Object.keys(GLOBAL_FLAGS));
      throw error;
    }
    if (head.values.version) {
      io.stdout.write(`tokenry ${VERSION}\n`);
      return EXIT.ok;
    }
    const { COMMANDS } = await import('./commands.js');
    const found = findCommand(COMMANDS, words);
    if (found === undefined) {
      if (words.length === 0 || words[0] === 'help') {
        io.stdout.write(globalHelp(COMMANDS));
        return words.length === 0 && !head.values.help ? EXIT.usage : EXIT.ok;
      }
      const group = words[0] ?? '';
      // `tokenry account`, `tokenry account --help`: the group's commands.
      if (Object.hasOwn(GROUPS, group) && (words.length === 1 || words.slice(1).every((w) => w === '--help' || w === '-h'))) {
        io.stdout.write(groupHelp(group, COMMANDS));
        return words.length === 1 && !head.values.help ? EXIT.usage : EXIT.ok;
      }
      throw unknownCommand(COMMANDS, words);
    }
    const { command } = found;
    let { rest } = found;
    let passed: string[] = [];
    if (command.passThrough) {
      const at = rest.indexOf('--');
      if (at !== -1) {
        passed = rest.slice(at + 1);
        rest = rest.slice(0, at);
      }
    }
    const options = { ...command.options, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } } as const;
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    } catch (error) {
      if (head.values.help) {
        io.stdout.write(helpFor(command));
        return EXIT.ok;
      }
      if (isParseArgsError(error)) {
        if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw unknownOption(error, Object.keys(options));
        throw CliError.usage(error.message);
      }
      throw error;
    }
    if (parsed.values.help || head.values.help) {
      io.stdout.write(helpFor(command));
      return EXIT.ok;
    }
    if (parsed.positionals.length !== command.positionals.length) {
      throw CliError.usage(
        command.positionals.length === 0
          ? `${command.path.join(' ')} takes no arguments`
          : command.passThrough && parsed.positionals.length > command.positionals.length
            ? `${command.path.join(' ')} needs -- before the command to run`
            : `${command.path.join(' ')} needs ${command.positionals.join(' ')}`,
      );
    }
    const flag = parsed.values['data-dir'] ?? head.values['data-dir'];
    const { resolveDataDir } = await import('../core/vault/data-dir.js');
    const dataDir = resolveDataDir(typeof flag === 'string' && flag !== '' ? flag : undefined, io.env);
    const debug = parsed.values['debug'] === true || head.values.debug === true;
    let log = (await import('../core/log/logger.js')).silentLogger;
    if (debug) {
      const { createLogger, streamSink } = await import('../core/log/logger.js');
      log = createLogger({ level: 'debug', sinks: [streamSink(io.stderr)], scope: 'tokenry' });
      logError = (error) => log.error('command failed', { cause: error });
    }
    return await command.run({ io, dataDir, log }, parsed.positionals, parsed.values, passed);
  } catch (error) {
    logError?.(error);
    const { message, code } = await describe(error);
    io.stderr.write(`tokenry: ${message.replace(/\s+/g, ' ').trim()}\n`);
    return code;
  }
}

/** Every failure as one readable line: our errors carry their own exit code. */
async function describe(error: unknown): Promise<{ message: string; code: number }> {
  if (error instanceof CliError) return { message: error.message, code: error.exitCode };
  // The core's error types load only when something failed.
  const [{ GrantError }, { VaultError }, { thrownToError }, { exitCodeFor }] = await Promise.all([
    import('../core/grants/grant-error.js'),
    import('../core/vault/vault-error.js'),
    import('../core/failures.js'),
    import('./cli-io.js'),
  ]);
  if (error instanceof GrantError) return { message: error.message, code: exitCodeFor(error.kind) };
  if (error instanceof VaultError) return { message: error.message, code: EXIT.other };
  // Anything else is a failed file operation or a defect: its text may hold anything, so only its kind is said.
  const value = thrownToError(error);
  const hint = value.kind === 'internal' ? 'Tokenry hit an unexpected problem; run again with --debug to see it' : value.message;
  return { message: hint, code: EXIT.other };
}
