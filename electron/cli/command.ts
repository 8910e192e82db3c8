// What a `tokenry` command is: its words, usage, flags and run function, and what it runs with (streams, data directory, log).
import type { ParseArgsConfig } from 'node:util';
import type { ErrorValue } from '../../shared/errors.js';
import type { Result } from '../../shared/result.js';
import type { Logger } from '../core/log/logger.js';
import { CliError, type CliIo } from './cli-io.js';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  readonly io: CliIo;
  readonly dataDir: string;
  /** The core's log: silent, or on stderr with --debug (never a secret either way). */
  readonly log: Logger;
}

export interface Command {
  /** Words that name it: `['account', 'add']`. */
  readonly path: readonly string[];
  readonly usage: string;
  readonly summary: string;
  readonly options: Options;
  /** Positional arguments it takes (names, for usage errors). */
  readonly positionals: readonly string[];
  /** Takes a command line of its own after `--` (`tokenry exec NAME -- COMMAND ARGS...`), handed to run as `rest`. */
  readonly passThrough?: boolean;
  run(ctx: CommandContext, args: readonly string[], values: Values, rest: readonly string[]): Promise<number>;
}

/** A flag's string value, if it was given as one. */
export const str = (values: Values, key: string): string | undefined => {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
};

/**
 * The value of a service result, or the CLI error (message and exit code) its error value maps to;
 * `hints` adds, by error code, what to type on the command line (a flag the core cannot know of).
 */
export function unwrap<T>(result: Result<T, ErrorValue>, hints: Readonly<Record<string, string>> = {}): T {
  if (result.ok) return result.value;
  const hint = Object.hasOwn(hints, result.error.code) ? hints[result.error.code] : undefined;
  if (hint === undefined || hint === '') throw CliError.from(result.error);
  throw CliError.from({ ...result.error, message: `${result.error.message.replace(/[.\s]+$/, '')}: ${hint}.` });
}
