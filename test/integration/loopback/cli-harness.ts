// A small dispatcher for LOOPBACK_COMMANDS (main.ts knows only COMMANDS until the lead merges them), with a capturing CliIo.
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { CliError, EXIT, type CliIo } from '../../../electron/cli/cli-io.js';
import { LOOPBACK_COMMANDS } from '../../../electron/cli/loopback-commands.js';

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tokenry --data-dir DIR <words...>` for one of the loopback commands, the way main.ts does. */
export async function runLoopbackCommand(dataDir: string, words: readonly string[], io: CliIo): Promise<number> {
  try {
    const command = [...LOOPBACK_COMMANDS].sort((a, b) => b.path.length - a.path.length).find((c) => c.path.every((w, i) => words[i] === w));
    if (command === undefined) throw CliError.usage(`Unknown command "${words.join(' ')}"`);
    const parsed = parseArgs({ args: words.slice(command.path.length), options: command.options, allowPositionals: true, strict: true });
    if (parsed.positionals.length !== command.positionals.length) throw CliError.usage(`${command.path.join(' ')} needs ${command.positionals.join(' ')}`);
    return await command.run({ io, dataDir }, parsed.positionals, parsed.values);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`tokenry: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`tokenry: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.other;
  }
}

/** Runs a command in-process with captured output and the given environment. */
export async function capture(dataDir: string, words: readonly string[], env: Record<string, string | undefined> = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: Readable.from([]),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    stdinIsTTY: false,
  };
  const code = await runLoopbackCommand(dataDir, words, io);
  return { code, stdout, stderr };
}
