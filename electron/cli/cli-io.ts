// The CLI's contact with the outside: streams, environment, exit codes and one-line errors.

import type { ErrorKind, ErrorValue } from '../../shared/errors.js';
import type { PromptInput } from '../core/vault/protectors/passphrase-prompt.js';

export interface CliIo {
  readonly stdin: PromptInput & AsyncIterable<Buffer | string>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdinIsTTY: boolean;
  /** Whether stdout is a terminal (a person reads it) rather than a pipe (a script does). */
  readonly stdoutIsTTY?: boolean;
}

/** The README's exit codes: 0 ok, 2 usage, 3 needs sign-in, 4 rejected, 5 unavailable, 1 other. */
export const EXIT = { ok: 0, other: 1, usage: 2, needsSignIn: 3, rejected: 4, unavailable: 5 } as const;

export function exitCodeFor(kind: ErrorKind): number {
  switch (kind) {
    case 'needs_sign_in':
      return EXIT.needsSignIn;
    case 'rejected':
      return EXIT.rejected;
    case 'unavailable':
    case 'network':
      return EXIT.unavailable;
    case 'invalid_input':
      return EXIT.usage;
    case 'bad_response':
    case 'config':
    case 'not_found':
    case 'vault':
    case 'storage':
    case 'cancelled':
    case 'internal':
      return EXIT.other;
  }
}

/** An error the CLI reports: one readable line on stderr and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }

  static usage(message: string): CliError {
    return new CliError(`${message} (see --help)`, EXIT.usage);
  }

  static from(error: ErrorValue): CliError {
    return new CliError(error.message, exitCodeFor(error.kind));
  }
}

/** Reads all of stdin (for --password-stdin and --client-secret-stdin), dropping one trailing newline. */
export async function readStdin(io: CliIo, what: string): Promise<string> {
  if (io.stdinIsTTY) io.stderr.write(`${what}: `);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    total += buffer.length;
    if (total > 64 * 1024) throw CliError.usage(`${what} on stdin is too long`);
    chunks.push(buffer);
    if (io.stdinIsTTY && buffer.includes(10)) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  // On a terminal the answer is the first line, even when more arrived in the same chunk (a paste).
  if (io.stdinIsTTY) return text.split(/\r?\n/, 1)[0] ?? '';
  return text.replace(/\r?\n$/, '');
}
