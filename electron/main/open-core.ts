// Opening the core for the desktop app: pick the vault's protector (safeStorage on its async API, a
// passphrase, or the CLI's keyring), ask for a passphrase when needed, and hand back the AppCore.
import { safeStorage } from 'electron';
import { openAppCore, type AppCore, type AppCoreOptions } from '../core/bridge/app-core.js';
import { assertVaultMayBeCreated } from '../core/data-files.js';
import { warmUpRenewal } from '../core/refresh/renewal-warm-up.js';
import { readFileIfExists } from '../core/vault/atomic-file.js';
import type { KeyProtector, ProtectorKind } from '../core/vault/protector.js';
import { keyringProtector } from '../core/vault/protectors/keyring.js';
import { PASSPHRASE_ENV } from '../core/vault/protectors/passphrase-prompt.js';
import { passphraseProtector, type ScryptCost } from '../core/vault/protectors/passphrase.js';
import { safeStorageProtector } from '../core/vault/protectors/safe-storage.js';
import { secretsPath } from '../core/vault/secret-store.js';
import { isVaultError } from '../core/vault/vault-error.js';
import { parseVaultFile } from '../core/vault/vault-file.js';
import { classifySafeStorage, envPassphraseApplies, planProtection, strengthWarning, type SafeStorageStrength } from './vault-protection.js';
import type { OsStore } from '../core/vault/protection-change.js';

/** What the passphrase prompt is asked to show. */
export interface PassphraseRequest {
  readonly dataDir: string;
  /** A new vault: the passphrase is chosen (typed twice), not checked. */
  readonly creating: boolean;
  /** Why safeStorage is not used (shown above the form), or null. */
  readonly warning: string | null;
  /** What went wrong with the previous answer (a wrong passphrase), or null. */
  readonly error: string | null;
}

/** A valid answer, or null when the person cancelled. */
export type AskPassphrase = (request: PassphraseRequest) => Promise<string | null>;

/** A start-up failure with a message a person can act on. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface OpenCoreOptions {
  readonly dataDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly askPassphrase: AskPassphrase;
  /** Everything else openAppCore takes (clipboard, audit, settings hook). */
  readonly core: Omit<AppCoreOptions, 'dataDir' | 'protector' | 'purpose' | 'vaultWarning'>;
  /** scrypt cost for a new passphrase vault (tests pass a cheap one). */
  readonly scrypt?: ScryptCost;
}

export const APP_PURPOSE = 'Tokenry desktop app';

/** The protector kinds of the data directory's vault, or null when there is no vault yet. */
export async function readVaultKinds(dataDir: string): Promise<ProtectorKind[] | null> {
  const path = secretsPath(dataDir);
  const bytes = await readFileIfExists(path);
  if (bytes === null) return null;
  return [...new Set(parseVaultFile(bytes, path).protectors.map((p) => p.kind))];
}

/** safeStorage as the OS store the settings screen may move the vault to (refusing Linux's basic_text). */
export function safeStorageOsStore(platform: NodeJS.Platform): OsStore {
  return {
    kind: 'safe-storage',
    protector: () => safeStorageProtector(safeStorage, { platform }),
    problem: async () => strengthWarning(await safeStorageStrength(platform)),
  };
}

/** What safeStorage offers; only ever called after app.whenReady(). */
async function safeStorageStrength(platform: NodeJS.Platform): Promise<SafeStorageStrength> {
  const available = await safeStorage.isAsyncEncryptionAvailable().catch(() => false);
  return classifySafeStorage(available, platform, () => safeStorage.getSelectedStorageBackend());
}

/**
 * Opens the core, or resolves null when the person cancelled the passphrase prompt. Rejects
 * with a StartupError or VaultError (locked by the CLI, damaged file...) to show and quit on.
 */
export async function openCoreForApp(options: OpenCoreOptions): Promise<AppCore | null> {
  const { dataDir } = options;
  const passphrase = (text: string): KeyProtector => passphraseProtector(text, options.scrypt === undefined ? {} : { scrypt: options.scrypt });
  const open = (protector: KeyProtector, vaultWarning: string | null, osStore: OsStore | null = safeStorageOsStore(options.platform)): Promise<AppCore> =>
    openAppCore({ osStore, passphraseProtector: passphrase, warmUp: () => warmUpRenewal(), ...options.core, dataDir, protector, purpose: APP_PURPOSE, vaultWarning });

  const kinds = await readVaultKinds(dataDir);
  // No vault beside accounts or clients is a missing vault, not a new one: say so before asking for a new passphrase.
  if (kinds === null) await assertVaultMayBeCreated(dataDir);
  const envPassphrase = options.env[PASSPHRASE_ENV];
  // TOKENRY_PASSPHRASE (headless, CI) never touches safeStorage, not even to offer it in the settings.
  if (envPassphraseApplies(envPassphrase, kinds) && envPassphrase !== undefined) return open(passphrase(envPassphrase), null, null);

  const strength = await safeStorageStrength(options.platform);
  const plan = planProtection(kinds, strength, dataDir);
  switch (plan.kind) {
    case 'impossible':
      throw new StartupError(plan.message);
    case 'safe-storage':
      return open(safeStorageProtector(safeStorage, { platform: options.platform }), null);
    case 'keyring':
      return open(keyringProtector(), null);
    case 'ask-passphrase': {
      const { creating, warning } = plan;
      let error: string | null = null;
      for (;;) {
        const answer = await options.askPassphrase({ dataDir, creating, warning, error });
        if (answer === null) return null;
        try {
          return await open(passphrase(answer), warning);
        } catch (failure) {
          if (!isVaultError(failure, 'wrong_passphrase') && !isVaultError(failure, 'passphrase_required')) throw failure;
          error = 'That passphrase does not open the vault. Try again.';
        }
      }
    }
  }
}
