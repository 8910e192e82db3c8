// Where a passphrase comes from: TOKENRY_PASSPHRASE, else a no-echo prompt on a terminal, else a clear error.
import { StringDecoder } from 'node:string_decoder';
import { VaultError } from '../vault-error.js';

export const PASSPHRASE_ENV = 'TOKENRY_PASSPHRASE';

/** The input side of a terminal: a readable stream, with raw mode when it is a real TTY. */
export interface PromptInput {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'end', listener: () => void): unknown;
  resume(): unknown;
  pause(): unknown;
  /** Raw mode turns echo and line editing off (tty.ReadStream). */
  setRawMode?(mode: boolean): unknown;
  readonly isRaw?: boolean;
}

export interface PromptOutput {
  write(text: string): unknown;
}

export interface PassphraseSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: PromptInput;
  /** Prompts go to stderr so that stdout stays clean for `tokenry token` in scripts. */
  readonly stderr: PromptOutput;
  /** Whether stdin is an interactive terminal; only then is the person asked. */
  readonly isTTY: boolean;
  readonly prompt?: string;
  /** Ask twice and require the same answer: for choosing a new passphrase. */
  readonly confirm?: boolean;
}

/**
 * The passphrase from TOKENRY_PASSPHRASE when set and non-empty; otherwise asked on the
 * terminal without echo. On a non-TTY stdin it rejects at once with `passphrase_required`
 * instead of waiting for input that a script will never send.
 */
export async function passphraseFromEnvOrPrompt(source: PassphraseSource): Promise<string> {
  const fromEnv = source.env[PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!source.isTTY) {
    throw new VaultError(
      'passphrase_required',
      `The vault needs a passphrase: set ${PASSPHRASE_ENV} (stdin is not a terminal, so Tokenry does not prompt)`,
    );
  }
  return withHiddenInput(source, async (ask) => {
    const first = await ask(source.prompt ?? 'Vault passphrase: ');
    if (first === '') throw new VaultError('passphrase_required', 'An empty passphrase cannot protect the vault');
    if (source.confirm === true) {
      const second = await ask('Repeat the passphrase: ');
      if (second !== first) throw new VaultError('passphrase_mismatch', 'The two passphrases differ');
    }
    return first;
  });
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const BACKSPACE = '\u0008';
const DELETE = '\u007f';
const ESCAPE = '\u001b';

type Ask = (prompt: string) => Promise<string>;

/**
 * Runs `use` with stdin in raw mode (echo off), giving it `ask` to read one hidden line at a
 * time. Lines typed or pasted ahead are kept for the next `ask`. Backspace and Ctrl-U edit,
 * Ctrl-C, or Ctrl-D / end of input on an empty line, cancel with `prompt_cancelled`.
 */
async function withHiddenInput<T>(source: PassphraseSource, use: (ask: Ask) => Promise<T>): Promise<T> {
  const { stdin, stderr } = source;
  const decoder = new StringDecoder('utf8');
  const wasRaw = stdin.isRaw === true;
  const lines: string[] = [];
  let current: string[] = [];
  let inEscape = false;
  let failure: VaultError | null = null;
  let wake: (() => void) | null = null;

  const cancel = (): void => {
    failure ??= new VaultError('prompt_cancelled', 'Passphrase entry cancelled');
    wake?.();
  };
  const onData = (chunk: Buffer | string): void => {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    for (const ch of text) {
      if (failure !== null) return;
      if (inEscape) {
        // Skip terminal escape sequences (arrow keys...): ESC [ parameters, then a final byte in @-~.
        if (ch !== '[' && ch >= '@' && ch <= '~') inEscape = false;
      } else if (ch === '\r' || ch === '\n') {
        lines.push(current.join(''));
        current = [];
        wake?.();
      } else if (ch === CTRL_C) {
        cancel();
      } else if (ch === CTRL_D) {
        if (current.length === 0) cancel();
      } else if (ch === BACKSPACE || ch === DELETE) {
        current.pop();
      } else if (ch === CTRL_U) {
        current = [];
      } else if (ch === ESCAPE) {
        inEscape = true;
      } else if (ch >= ' ') {
        current.push(ch);
      }
    }
  };
  const onEnd = (): void => cancel();

  const ask: Ask = async (prompt) => {
    stderr.write(prompt);
    while (lines.length === 0 && failure === null) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
    // Raw mode swallowed the Enter: end the prompt line ourselves.
    stderr.write('\n');
    const line = lines.shift();
    if (line === undefined) throw failure ?? new VaultError('prompt_cancelled', 'Passphrase entry cancelled');
    return line;
  };

  stdin.setRawMode?.(true);
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  stdin.resume();
  try {
    return await use(ask);
  } finally {
    stdin.removeListener('data', onData);
    stdin.removeListener('end', onEnd);
    stdin.setRawMode?.(wasRaw);
    stdin.pause();
    current = [];
    lines.length = 0;
  }
}
