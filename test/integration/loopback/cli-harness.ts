// Runs `tokenry --data-dir DIR <words...>` in-process through the CLI's own main(), with a capturing CliIo.
import { Readable } from 'node:stream';
import type { CliIo } from '../../../electron/cli/cli-io.js';
import { main } from '../../../electron/cli/main.js';

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tokenry --data-dir DIR <words...>` exactly as the command line does. */
export function runLoopbackCommand(dataDir: string, words: readonly string[], io: CliIo): Promise<number> {
  return main(['--data-dir', dataDir, ...words], io);
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
