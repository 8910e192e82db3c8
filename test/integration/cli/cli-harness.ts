// Test harness for the `tokenry` command run as a real subprocess: temp data dirs, spawning, transcripts, leak checks.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { readTokenRecord, tokenEntry, VAULT_SERVICE, type AccountsFile } from '../../../electron/core/accounts/account-store.js';
import type { TokenRecord } from '../../../electron/core/grants/token-record.js';
import { makeDataDir, readAccountsFile } from '../../fixtures/data-dir.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import { openVault } from '../../../electron/core/vault/secret-store.js';

/** The repository root: the CLI runs from here, as `node bin/tokenry.js`. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const BIN = join(REPO_ROOT, 'bin', 'tokenry.js');
export const PASSPHRASE = 'test pass';
/** Upper bound for one CLI process; a hung command fails the test instead of the whole run. */
const RUN_TIMEOUT_MS = 15_000;

export interface CliRun {
  readonly args: readonly string[];
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Written to stdin, which is then closed (stdin is always closed, so `--*-stdin` never waits). */
  readonly input?: string;
  /** Replaces or removes (undefined) environment variables for this run. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Run this program instead of `node bin/tokenry.js` (e.g. `npx`). */
  readonly command?: { readonly file: string; readonly args: readonly string[] };
}

/** A CLI sandbox: one data directory holding a vault with cheap scrypt, and a transcript of every run. */
export interface CliSandbox {
  readonly dataDir: string;
  readonly transcript: CliRun[];
  run(args: readonly string[], options?: RunOptions): Promise<CliRun>;
  /** The token record the vault holds for `name` (read from disk, after the CLI has exited). */
  readRecord(name: string): Promise<TokenRecord | null>;
  /** The non-secret accounts file. */
  readAccounts(): Promise<AccountsFile>;
  cleanup(): Promise<void>;
}

/**
 * Makes a temp data dir and pre-creates its vault with TEST_SCRYPT, so that every CLI process
 * unlocks it in milliseconds (unwrap uses the cost stored beside the wrapped key).
 */
export async function makeSandbox(prefix = 'tokenry-cli-'): Promise<CliSandbox> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const { vault } = await makeDataDir(dataDir, passphraseProtector(PASSPHRASE, { scrypt: TEST_SCRYPT }));
  await vault.close();
  const transcript: CliRun[] = [];
  return {
    dataDir,
    transcript,
    async run(args, options = {}) {
      const result = await runProcess(args, dataDir, options);
      transcript.push(result);
      return result;
    },
    async readRecord(name) {
      const v = await openVault({ dataDir, protector: passphraseProtector(PASSPHRASE, { scrypt: TEST_SCRYPT }) });
      try {
        const stored = readTokenRecord(await v.getPassword(VAULT_SERVICE, tokenEntry(name)));
        return stored.kind === 'ok' ? stored.record : null;
      } finally {
        await v.close();
      }
    },
    async readAccounts() {
      return readAccountsFile(dataDir, passphraseProtector(PASSPHRASE, { scrypt: TEST_SCRYPT }));
    },
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}

function cliEnv(dataDir: string, extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, TOKENRY_DATA_DIR: dataDir, TOKENRY_PASSPHRASE: PASSPHRASE, TOKENRY_CLIENT_KEY: undefined };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** A running `tokenry serve` over a sandbox's data directory: the owner other commands go through. */
export interface Served {
  readonly child: ChildProcess;
  /** Its loopback endpoint, as printed on stdout. */
  readonly url: string;
  /** What it printed on stderr so far. */
  stderr(): string;
  /** Resolves once stderr holds a line matching `pattern`. */
  said(pattern: RegExp): Promise<string>;
  /** SIGTERM, and its exit code. */
  stop(): Promise<number | null>;
}

export async function startServe(dataDir: string, env: Readonly<Record<string, string | undefined>> = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: REPO_ROOT, env: cliEnv(dataDir, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const waiting: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const wait of [...waiting]) {
      const line = stderr.split('\n').find((l) => wait.pattern.test(l));
      if (line !== undefined) {
        waiting.splice(waiting.indexOf(wait), 1);
        wait.resolve(line);
      }
    }
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const url = await new Promise<string>((resolvePromise, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (match) resolvePromise(match[0]);
    });
    void exited.then(([code]) => reject(new Error(`serve exited with ${String(code)}: ${stderr}`)));
  });
  return {
    child,
    url,
    stderr: () => stderr,
    said: (pattern) =>
      new Promise((resolvePromise) => {
        const line = stderr.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) resolvePromise(line);
        else waiting.push({ pattern, resolve: resolvePromise });
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
}

/** Starts `tokenry ARGS` without waiting for it (for signals and for what it prints while running). */
export function spawnCli(args: readonly string[], dataDir: string, env: Readonly<Record<string, string | undefined>> = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: cliEnv(dataDir, env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.on('error', () => undefined);
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const done = new Promise<CliRun>((resolvePromise) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ args, code, stdout, stderr: withoutNpmNoise(stderr) });
    });
  });
  return { child, done };
}

function runProcess(args: readonly string[], dataDir: string, options: RunOptions): Promise<CliRun> {
  const env = cliEnv(dataDir, options.env);
  const file = options.command?.file ?? process.execPath;
  const argv = options.command ? [...options.command.args, ...args] : [BIN, ...args];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, argv, { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ args, code, stdout, stderr: withoutNpmNoise(stderr) });
    });
    child.stdin.on('error', () => undefined); // the CLI may exit before reading stdin
    child.stdin.end(options.input ?? '');
  });
}

/** npm prints warnings about the machine's npmrc on stderr; they are npm's, not tokenry's. */
function withoutNpmNoise(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith('npm warn') && !line.startsWith('npm WARN'))
    .join('\n');
}

/** A failed command: the exit code, and exactly one readable line on stderr naming tokenry. */
export function expectFailure(run: CliRun, code: number, pattern?: RegExp): void {
  expect({ code: run.code, stdout: run.stdout }, `${run.args.join(' ')}: ${run.stderr}`).toEqual({ code, stdout: '' });
  expect(run.stderr).toMatch(/^tokenry: [^\n]+\n$/);
  if (pattern !== undefined) expect(run.stderr).toMatch(pattern);
}

/** A command that succeeded silently on stderr. */
export function expectSuccess(run: CliRun): void {
  expect({ code: run.code, stderr: run.stderr }, run.args.join(' ')).toEqual({ code: 0, stderr: '' });
}

/**
 * No secret in any output: `secrets` appear nowhere, and `accessTokens` appear only on the
 * stdout of `tokenry token` (the one command whose job is to print one).
 */
export function expectNoLeaks(transcript: readonly CliRun[], secrets: readonly string[], accessTokens: readonly string[]): void {
  expect(transcript.length).toBeGreaterThan(0);
  for (const run of transcript) {
    const label = run.args.join(' ');
    for (const secret of secrets.filter((s) => s.length >= 4)) {
      expect(run.stdout.includes(secret), `stdout of "${label}" shows a secret`).toBe(false);
      expect(run.stderr.includes(secret), `stderr of "${label}" shows a secret`).toBe(false);
    }
    for (const token of accessTokens) {
      expect(run.stderr.includes(token), `stderr of "${label}" shows an access token`).toBe(false);
      if (run.args[0] !== 'token') expect(run.stdout.includes(token), `stdout of "${label}" shows an access token`).toBe(false);
    }
  }
}

/** The parsed `token --json` output, checked to have exactly the documented fields. */
export function parseTokenJson(run: CliRun): { access_token: string; token_type: string; expires_at: string | null; expires_in: number | null; scope: string | null } {
  expectSuccess(run);
  expect(run.stdout.endsWith('\n')).toBe(true);
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  const parsed: unknown = JSON.parse(run.stdout);
  expect(Object.keys(parsed as object).sort()).toEqual(['access_token', 'expires_at', 'expires_in', 'scope', 'token_type']);
  return parsed as { access_token: string; token_type: string; expires_at: string | null; expires_in: number | null; scope: string | null };
}

/** A CLI run whose stderr can be watched while it runs (the URL or the code arrive before it ends). */
export interface LiveRun {
  line(pattern: RegExp): Promise<string>;
  readonly done: Promise<CliRun>;
}

/** Runs still going when a test failed are ended after it, so that none holds the data directory for the next. */
export const live = new Set<ReturnType<typeof spawn>>();

export function runLive(box: CliSandbox, args: readonly string[], env: Record<string, string> = {}): LiveRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TOKENRY_DATA_DIR: box.dataDir, TOKENRY_PASSPHRASE: PASSPHRASE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const check = (): void => {
    for (const waiter of [...waiters]) {
      const found = stderr.split('\n').find((l) => waiter.pattern.test(l));
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
    check();
  });
  live.add(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code) => {
      live.delete(child);
      clearTimeout(timer);
      const run = { args, code, stdout, stderr };
      box.transcript.push(run);
      resolve(run);
    }),
  );
  return {
    done,
    line: (pattern) =>
      new Promise<string>((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        void done.then(() => reject(new Error(`tokenry ${args.join(' ')} ended without a line like ${pattern}: ${stderr}`)));
      }),
  };
}
