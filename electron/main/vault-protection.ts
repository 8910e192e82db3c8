// How the desktop app protects (or unlocks) the vault: safeStorage where the OS really protects the key,
// a passphrase where it would not (Linux basic_text), never a pretence of encryption. Pure decisions only.
import type { ProtectorKind } from '../core/vault/protector.js';

/** What Electron safeStorage offers on this machine, found out after app.whenReady(). */
export type SafeStorageStrength =
  | { readonly kind: 'strong'; readonly backend: string }
  /** Linux without a keyring: Chromium's hard-coded key, obfuscation only. */
  | { readonly kind: 'weak'; readonly backend: string }
  | { readonly kind: 'unavailable' };

export type ProtectionPlan =
  | { readonly kind: 'safe-storage' }
  /** A vault the `tokenry` command protected with the OS keyring. */
  | { readonly kind: 'keyring' }
  /** Ask the person for a passphrase (twice when `creating`); `warning` goes to the settings screen. */
  | { readonly kind: 'ask-passphrase'; readonly creating: boolean; readonly warning: string | null }
  /** Nothing here can unlock this vault; `message` says what to do. */
  | { readonly kind: 'impossible'; readonly message: string };

export const WEAK_BACKEND_WARNING =
  'No desktop keyring (GNOME Keyring or KWallet) is available, so the operating system cannot protect the vault key: ' +
  "Electron's safeStorage would only obfuscate it with a built-in key (basic_text). Tokenry protects the vault with your passphrase instead.";

export const UNAVAILABLE_WARNING =
  "The operating system's secure storage (Electron safeStorage) is not available, so Tokenry protects the vault with your passphrase instead.";

/** The person-facing warning for a safeStorage that cannot protect the vault, or null when it can. */
export function strengthWarning(strength: SafeStorageStrength): string | null {
  switch (strength.kind) {
    case 'strong':
      return null;
    case 'weak':
      return WEAK_BACKEND_WARNING;
    case 'unavailable':
      return UNAVAILABLE_WARNING;
  }
}

/** Classifies safeStorage: on Linux the selected backend decides; elsewhere availability does. */
export function classifySafeStorage(available: boolean, platform: NodeJS.Platform, backend: () => string): SafeStorageStrength {
  if (!available) return { kind: 'unavailable' };
  if (platform !== 'linux') return { kind: 'strong', backend: 'os' };
  const selected = backend();
  return selected === 'basic_text' ? { kind: 'weak', backend: selected } : { kind: 'strong', backend: selected };
}

/**
 * Whether TOKENRY_PASSPHRASE decides: it is set and the vault is new or has a passphrase
 * record (as the `tokenry` command does). Checked before safeStorage is touched at all.
 */
export function envPassphraseApplies(envPassphrase: string | undefined, vaultKinds: readonly ProtectorKind[] | null): boolean {
  return envPassphrase !== undefined && envPassphrase !== '' && (vaultKinds === null || vaultKinds.includes('passphrase'));
}

/**
 * The plan for a vault that is new (`vaultKinds` null) or protected by `vaultKinds`, given
 * what safeStorage offers. A new vault uses safeStorage only where it is strong; an existing
 * one is opened the way it is protected.
 */
export function planProtection(vaultKinds: readonly ProtectorKind[] | null, strength: SafeStorageStrength, dataDir: string): ProtectionPlan {
  const warning = strengthWarning(strength);
  if (vaultKinds === null) return strength.kind === 'strong' ? { kind: 'safe-storage' } : { kind: 'ask-passphrase', creating: true, warning };
  if (vaultKinds.includes('safe-storage') && strength.kind === 'strong') return { kind: 'safe-storage' };
  if (vaultKinds.includes('keyring')) return { kind: 'keyring' };
  if (vaultKinds.includes('passphrase')) return { kind: 'ask-passphrase', creating: false, warning };
  if (vaultKinds.includes('safe-storage')) {
    return {
      kind: 'impossible',
      message:
        `The vault in ${dataDir} is protected by the operating system's secure storage, which is not usable now. ` +
        (strength.kind === 'weak'
          ? 'No desktop keyring is running (safeStorage fell back to basic_text): start GNOME Keyring or KWallet and open Tokenry again.'
          : 'Make sure you are logged in as the same user on the same machine, then open Tokenry again.'),
    };
  }
  return { kind: 'impossible', message: `The vault in ${dataDir} has no protection this app can unlock.` };
}

/** Why a new passphrase is not acceptable, or null when it is. */
export function newPassphraseProblem(passphrase: string, repeated: string): string | null {
  if (passphrase.length === 0) return 'Choose a passphrase.';
  if ([...passphrase].length < 8) return 'Use at least 8 characters.';
  if (passphrase !== repeated) return 'The two passphrases differ.';
  return null;
}
