// Opening a data directory's vault for the CLI: the protector the vault file asks for (or a new vault's).
import { readFileIfExists } from '../core/vault/atomic-file.js';
import { acquireLock, type DataDirLock } from '../core/vault/lock.js';
import type { KeyProtector } from '../core/vault/protector.js';
import { keyringProtector } from '../core/vault/protectors/keyring.js';
import { PASSPHRASE_ENV, passphraseFromEnvOrPrompt } from '../core/vault/protectors/passphrase-prompt.js';
import { passphraseProtector } from '../core/vault/protectors/passphrase.js';
import { createVault, openVault, secretsPath, type Vault } from '../core/vault/secret-store.js';
import { parseVaultFile } from '../core/vault/vault-file.js';
import { VaultError } from '../core/vault/vault-error.js';
import { CliError, EXIT, type CliIo } from './cli-io.js';

async function passphraseFrom(io: CliIo, confirm: boolean): Promise<KeyProtector> {
  const passphrase = await passphraseFromEnvOrPrompt({
    env: io.env,
    stdin: io.stdin,
    stderr: io.stderr,
    isTTY: io.stdinIsTTY,
    confirm,
    prompt: confirm ? 'Choose a passphrase for the new vault: ' : 'Vault passphrase: ',
  });
  return passphraseProtector(passphrase);
}

/**
 * Opens (or, the first time, creates) the vault. TOKENRY_PASSPHRASE wins; otherwise an
 * existing vault is opened the way it is protected (OS keyring, or a passphrase asked on the
 * terminal), and a new one is protected by a passphrase asked on the terminal, or by the OS
 * keyring when there is no terminal.
 */
export async function unlockVault(dataDir: string, io: CliIo): Promise<Vault> {
  const envPassphrase = io.env[PASSPHRASE_ENV];
  const bytes = await readFileIfExists(secretsPath(dataDir));
  if (bytes === null) {
    if (envPassphrase || io.stdinIsTTY) return createVault({ dataDir, protector: await passphraseFrom(io, !envPassphrase) });
    try {
      return await createVault({ dataDir, protector: keyringProtector() });
    } catch (error) {
      if (error instanceof VaultError && error.code.startsWith('keyring')) {
        // Said once: the keyring's own message may already give the same advice.
        const message = error.message.replace(/[.\s]+$/, '');
        const advice = message.includes(PASSPHRASE_ENV) ? '' : ` Set ${PASSPHRASE_ENV} to protect it with a passphrase.`;
        throw new CliError(`Cannot create a vault: ${message}.${advice}`, EXIT.other);
      }
      throw error;
    }
  }
  const kinds = new Set(parseVaultFile(bytes, secretsPath(dataDir)).protectors.map((p) => p.kind));
  if (envPassphrase && kinds.has('passphrase')) {
    try {
      return await openVault({ dataDir, protector: passphraseProtector(envPassphrase) });
    } catch (error) {
      if (error instanceof VaultError && error.code === 'wrong_passphrase') {
        throw new CliError(`${PASSPHRASE_ENV} does not open the vault in ${dataDir}.`, EXIT.other);
      }
      throw error;
    }
  }
  if (kinds.has('keyring')) return openVault({ dataDir, protector: keyringProtector() });
  if (kinds.has('passphrase')) return openVault({ dataDir, protector: await passphraseFrom(io, false) });
  throw new CliError(
    `The vault in ${dataDir} is protected only by the desktop app's safeStorage, which the command line cannot use: ` +
      'add a passphrase in the app, or ask the running app for tokens with TOKENRY_CLIENT_KEY.',
    EXIT.other,
  );
}

/**
 * Takes the data directory's lock for a CLI command that needs no vault; while another process owns
 * it, says who and what to do instead (`hint`).
 */
export async function lockDataDir(dataDir: string, purpose: string, hint: string, waitMs = 0): Promise<DataDirLock> {
  try {
    return await acquireLock(dataDir, { purpose, waitMs });
  } catch (error) {
    if (error instanceof VaultError && error.code === 'locked_by_other') throw new CliError(`${error.message}. ${hint}`, EXIT.other);
    throw error;
  }
}
