// Runs a helper program with no standard input and its output kept (the tail only) to explain a failure, not shown.
import { spawn } from 'node:child_process';

export interface QuietRun {
  /** Exit code, or null when the program did not start or was stopped by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last 16 KiB of stdout and stderr together; the start failure's message when it did not start. */
  readonly output: string;
}

export interface QuietOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Killed (SIGTERM) after this long. */
  readonly timeoutMs?: number;
}

const KEEP_BYTES = 16_384;

export function runQuietly(argv: readonly string[], options: QuietOptions = {}): Promise<QuietRun> {
  return new Promise((resolve) => {
    const [command, ...args] = argv;
    if (command === undefined) return resolve({ code: null, signal: null, output: 'nothing to run' });
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-KEEP_BYTES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let failedToStart: string | null = null;
    child.on('error', (error) => {
      failedToStart = error.message;
    });
    child.on('close', (code, signal) => resolve(failedToStart === null ? { code, signal, output } : { code: null, signal: null, output: failedToStart }));
  });
}
