// Opening a data directory for one CLI command: the lock, the vault with the right protector, the service; and the
// vault alone, read-only, for commands that only read beside a running owner.
import type { Logger } from '../core/log/logger.js';
import type { TokenryService } from '../core/service.js';
import type { StoreOpener } from '../core/vault/data-store.js';
import { readFileIfExists } from '../core/vault/atomic-file.js';
import { acquireLock, type DataDirLock } from '../core/vault/lock.js';
import type { KeyProtector } from '../core/vault/protector.js';
import { MIN_PASSPHRASE_CHARS } from '../core/vault/protection-change.js';
import { keyringProtector } from '../core/vault/protectors/keyring.js';
import { PASSPHRASE_ENV, passphraseFromEnvOrPrompt } from '../core/vault/protectors/passphrase-prompt.js';
import { passphraseProtector } from '../core/vault/protectors/passphrase.js';
import { createVault, openVault, secretsPath, type Vault } from '../core/vault/secret-store.js';
import { parseVaultFile } from '../core/vault/vault-file.js';
import { VaultError } from '../core/vault/vault-error.js';
import type { WriteGuard } from '../core/vault/write-guard.js';
import { CliError, EXIT, type CliIo } from './cli-io.js';

export interface OpenedService {
  readonly service: TokenryService;
  readonly vault: Vault;
  /** Opens the directory's other data files (clients...), authenticated and guarded like the accounts file. */
  readonly openStore: StoreOpener;
  /** The lock, for the writers the command opens itself (the audit log). */
  readonly guard: WriteGuard;
  close(): Promise<void>;
}

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

/** A new vault's passphrase: at least as long as the desktop app asks (an existing vault opens with whatever it has). */
async function newPassphraseFrom(io: CliIo): Promise<KeyProtector> {
  const fromEnv = io.env[PASSPHRASE_ENV];
  const passphrase = await passphraseFromEnvOrPrompt({
    env: io.env,
    stdin: io.stdin,
    stderr: io.stderr,
    isTTY: io.stdinIsTTY,
    confirm: !fromEnv,
    prompt: 'Choose a passphrase for the new vault: ',
  });
  if ([...passphrase].length < MIN_PASSPHRASE_CHARS) {
    const where = fromEnv ? `${PASSPHRASE_ENV} is` : 'That passphrase is';
    throw CliError.usage(`${where} too short for a new vault: use at least ${MIN_PASSPHRASE_CHARS} characters`);
  }
  return passphraseProtector(passphrase);
}

/**
 * Creates the vault of a new, empty data directory. TOKENRY_PASSPHRASE wins; else a passphrase
 * asked on the terminal; else (no terminal) the OS keyring.
 */
async function createNewVault(dataDir: string, io: CliIo, guard: WriteGuard): Promise<Vault> {
  if (io.env[PASSPHRASE_ENV] || io.stdinIsTTY) return createVault({ dataDir, protector: await newPassphraseFrom(io), guard });
  try {
    return await createVault({ dataDir, protector: keyringProtector(), guard });
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

export interface UnlockOptions {
  /** The lock, checked before every write; absent for a read-only open. */
  readonly guard?: WriteGuard;
  /** Never writes (another process may own the directory). */
  readonly readOnly?: boolean;
  /** Create the vault when there is none (only ever in a new, empty directory); else `no_vault`. */
  readonly create?: boolean;
}

/**
 * Opens (or, in a new and empty directory, creates) the vault. TOKENRY_PASSPHRASE wins;
 * otherwise an existing vault is opened the way it is protected (OS keyring, or a passphrase
 * asked on the terminal).
 */
export async function unlockVault(dataDir: string, io: CliIo, options: UnlockOptions = {}): Promise<Vault> {
  const envPassphrase = io.env[PASSPHRASE_ENV];
  const bytes = await readFileIfExists(secretsPath(dataDir));
  if (bytes === null) {
    // Only in a new, empty directory: beside accounts or clients, the vault is missing, not new.
    // (Loaded here only: every other open must reach scrypt without the data files' schemas.)
    const { assertVaultMayBeCreated } = await import('../core/data-files.js');
    await assertVaultMayBeCreated(dataDir);
    if (options.create !== true || options.readOnly === true) {
      throw new CliError(`There is no vault in ${dataDir} yet: add an account, or run \`tokenry init\`.`, EXIT.other);
    }
    return createNewVault(dataDir, io, options.guard ?? failClosed());
  }
  const kinds = new Set(parseVaultFile(bytes, secretsPath(dataDir)).protectors.map((p) => p.kind));
  const open = (protector: KeyProtector): Promise<Vault> =>
    openVault({ dataDir, protector, ...(options.guard === undefined ? {} : { guard: options.guard }), ...(options.readOnly === true ? { readOnly: true } : {}) });
  if (envPassphrase && kinds.has('passphrase')) {
    try {
      return await open(passphraseProtector(envPassphrase));
    } catch (error) {
      if (error instanceof VaultError && error.code === 'wrong_passphrase') {
        throw new CliError(`${PASSPHRASE_ENV} does not open the vault in ${dataDir}.`, EXIT.other);
      }
      throw error;
    }
  }
  if (kinds.has('keyring')) return open(keyringProtector());
  if (kinds.has('passphrase')) return open(await passphraseFrom(io, false));
  throw new CliError(
    `The vault in ${dataDir} is protected only by the desktop app's safeStorage, which the command line cannot use: ` +
      'add a passphrase in the app, or ask the running app for tokens with TOKENRY_CLIENT_KEY.',
    EXIT.other,
  );
}

/** A guard that refuses every write: creating a vault is a write, and needs the lock. */
function failClosed(): WriteGuard {
  const refusal = (): VaultError => new VaultError('lock_lost', 'Creating a vault needs the data directory lock');
  return {
    verify: () => Promise.reject(refusal()),
    verifySync: () => {
      throw refusal();
    },
  };
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

export interface OpenServiceOptions {
  /** Background renewals (`tokenry serve`); one-shot commands have none. */
  readonly background?: boolean;
  readonly log?: Logger;
  /** What the command says when another process owns the directory. */
  readonly hint?: string;
  /** This process lost the directory while running (`serve`): it stops. */
  readonly onLockLost?: (error: VaultError) => void;
}

/**
 * Takes the data directory (one owner at a time), unlocks the vault and opens the service. In a
 * new, empty directory the vault and its data files are made first.
 */
export async function openService(dataDir: string, io: CliIo, purpose: string, options: OpenServiceOptions = {}): Promise<OpenedService> {
  const background = options.background ?? false;
  // The service (and every grant module) loads only for the commands that open one.
  const { openOwnedService } = await import('../core/owned-service.js');
  const owned = await openOwnedService({
    dataDir,
    purpose,
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.onLockLost === undefined ? {} : { onLockLost: options.onLockLost }),
    lock: (dir, why) => lockDataDir(dir, why, options.hint ?? 'Ask it for tokens with TOKENRY_CLIENT_KEY, or stop it first.'),
    unlock: (guard) => unlockVault(dataDir, io, { guard, create: true }),
    service: async () => ({ background }),
  });
  return { service: owned.service, vault: owned.vault, openStore: owned.openStore, guard: owned.guard, close: () => owned.close() };
}
