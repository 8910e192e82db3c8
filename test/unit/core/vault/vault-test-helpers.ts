// Shared test scaffolding for the vault: throwaway data directories and cheap-but-real protectors.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { passphraseProtector, TEST_SCRYPT } from '../../../../electron/core/vault/protectors/passphrase.js';
import type { KeyProtector } from '../../../../electron/core/vault/protector.js';
import { isVaultError, type VaultErrorCode } from '../../../../electron/core/vault/vault-error.js';

/** The repository root, so child processes resolve tsx and the sources like the tests do. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../../..');

/** A fresh empty directory under the OS temp dir; `cleanup` removes it. */
export async function makeTempDir(prefix = 'tokenry-vault-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  // Retries: a vault folds its journal into secrets.json in the background, which may still be running.
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 10 }) };
}

/** A real scrypt passphrase protector with test cost (2^10), so each unlock takes milliseconds. */
export function testPassphrase(passphrase = 'correct horse battery staple'): KeyProtector {
  return passphraseProtector(passphrase, { scrypt: TEST_SCRYPT });
}

/** The code of the VaultError `promise` rejects with; fails the test if it resolves or rejects otherwise. */
export async function rejectionCode(promise: Promise<unknown>): Promise<VaultErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (isVaultError(error)) return error.code;
    throw new Error(`expected a VaultError, got: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** The code of the VaultError `run` throws synchronously. */
export function thrownCode(run: () => unknown): VaultErrorCode {
  try {
    run();
  } catch (error) {
    if (isVaultError(error)) return error.code;
    throw new Error(`expected a VaultError, got: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a throw');
}

/** Every regular file under `dir`, recursively. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** The permission bits of a path (e.g. 0o600). */
export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** The vault's journal files in `dir` (secrets-<gen>.journal), oldest first. */
export async function journalFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => /^secrets-\d+\.journal$/.test(n))
    .sort((a, b) => Number(a.slice(8, -8)) - Number(b.slice(8, -8)))
    .map((n) => join(dir, n));
}

/** Every record line in the vault's journal files, oldest first. */
export async function journalLines(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const file of await journalFiles(dir)) lines.push(...(await readFile(file, 'utf8')).split('\n').filter((l) => l !== ''));
  return lines;
}
