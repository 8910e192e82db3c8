// How the browser fallback of `npm start` unlocks its vault: TOKENRY_PASSPHRASE, a passphrase asked on the terminal, or the OS keyring.
import { readFileIfExists } from '../../electron/core/vault/atomic-file.js';
import type { KeyProtector } from '../../electron/core/vault/protector.js';
import { keyringProtector } from '../../electron/core/vault/protectors/keyring.js';
import { PASSPHRASE_ENV, passphraseFromEnvOrPrompt, type PromptInput, type PromptOutput } from '../../electron/core/vault/protectors/passphrase-prompt.js';
import { passphraseProtector } from '../../electron/core/vault/protectors/passphrase.js';
import { secretsPath } from '../../electron/core/vault/secret-store.js';
import { parseVaultFile } from '../../electron/core/vault/vault-file.js';
import { VaultError } from '../../electron/core/vault/vault-error.js';

export interface Terminal {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: PromptInput;
  /** Prompts go here (stderr), never the passphrase: the prompt does not echo. */
  readonly stderr: PromptOutput;
  readonly isTTY: boolean;
}

export interface HarnessProtector {
  readonly protector: KeyProtector;
  /** For the start-up line, e.g. "a passphrase (TOKENRY_PASSPHRASE)". Never the secret. */
  readonly how: string;
}

/**
 * The same rules as the `tokenry` command, so either can open the other's data directory:
 * TOKENRY_PASSPHRASE wins where it can open the vault; an existing vault is opened the way it is
 * protected; a new one gets a passphrase chosen on the terminal (asked twice), or, with no
 * terminal, a key in the OS keyring (a Secret Service on Linux; refused where there is none).
 */
export async function harnessProtector(dataDir: string, terminal: Terminal): Promise<HarnessProtector> {
  const fromEnv = terminal.env[PASSPHRASE_ENV];
  const envSet = fromEnv !== undefined && fromEnv !== '';
  const bytes = await readFileIfExists(secretsPath(dataDir));
  const passphrase = async (confirm: boolean): Promise<HarnessProtector> => ({
    protector: passphraseProtector(
      await passphraseFromEnvOrPrompt({
        ...terminal,
        confirm,
        prompt: confirm ? `Choose a passphrase for Tokenry's vault in ${dataDir}: ` : `Passphrase for Tokenry's vault in ${dataDir}: `,
      }),
    ),
    how: envSet ? `a passphrase (${PASSPHRASE_ENV})` : 'a passphrase',
  });

  if (bytes === null) {
    if (envSet || terminal.isTTY) return passphrase(!envSet);
    return { protector: keyringProtector(), how: 'a key in the OS keyring' };
  }
  const kinds = new Set(parseVaultFile(bytes, secretsPath(dataDir)).protectors.map((p) => p.kind));
  if (kinds.has('passphrase') && envSet) return passphrase(false);
  if (kinds.has('keyring')) return { protector: keyringProtector(), how: 'a key in the OS keyring' };
  if (kinds.has('passphrase')) return passphrase(false);
  throw new VaultError(
    'no_matching_protector',
    `The vault in ${dataDir} is protected only by the desktop app's safeStorage, which the web harness cannot use: start it with --data-dir pointing elsewhere`,
  );
}
