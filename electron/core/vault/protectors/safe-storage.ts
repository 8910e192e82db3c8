// safeStorage protector: the data key wrapped by Electron's OS-bound encryption, refusing Linux's plain-text fallback.
import { DATA_KEY_BYTES } from '../envelope.js';
import { type KeyProtector, type SafeStorageWrappedKey, type WrappedKey, wrappedKeySchema } from '../protector.js';
import { VaultError } from '../vault-error.js';

/**
 * The part of Electron 45's `safeStorage` this protector needs (its async API). The desktop
 * shell passes Electron's object; core never imports 'electron'.
 */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux: basic_text, gnome_libsecret, kwallet, kwallet5, kwallet6 or unknown. */
  getSelectedStorageBackend(): string;
}

export interface SafeStorageProtectorOptions {
  /**
   * Accept Linux's `basic_text` backend, which encrypts with a key hard-coded in Chromium and
   * so protects nothing. Only when the person explicitly chose it after being warned.
   */
  readonly allowWeakBackend?: boolean;
  /** The platform the shell runs on; decides whether the backend check applies. */
  readonly platform?: NodeJS.Platform;
}

/** The Linux backend that is obfuscation, not protection. */
export const WEAK_SAFE_STORAGE_BACKEND = 'basic_text';

/**
 * A protector over Electron safeStorage. The data key is passed as base64 text because the
 * API encrypts strings. When safeStorage says a blob should be re-encrypted (its OS key
 * rotated), `needsRewrap` tells the vault to replace the record.
 */
export function safeStorageProtector(safeStorage: SafeStorageLike, options: SafeStorageProtectorOptions = {}): KeyProtector {
  const platform = options.platform ?? process.platform;
  const rewrapWanted = new WeakSet<WrappedKey>();

  const checkUsable = async (): Promise<string> => {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) {
      throw new VaultError('safe_storage_unavailable', 'OS secure storage (Electron safeStorage) is not available on this machine');
    }
    const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
    if (backend === WEAK_SAFE_STORAGE_BACKEND && options.allowWeakBackend !== true) {
      throw new VaultError(
        'weak_backend',
        'No desktop keyring is available, so Electron would store the vault key with a built-in key (basic_text) that protects nothing. ' +
          'Protect the vault with a passphrase instead, or start gnome-keyring or KWallet',
      );
    }
    return backend;
  };

  return {
    kind: 'safe-storage',

    async wrap(dataKey: Buffer): Promise<WrappedKey> {
      const backend = await checkUsable();
      let blob: Buffer;
      try {
        blob = await safeStorage.encryptStringAsync(dataKey.toString('base64'));
      } catch (error) {
        throw new VaultError('safe_storage_unavailable', 'OS secure storage could not encrypt the vault key', { cause: error });
      }
      return { kind: 'safe-storage', backend, blob: blob.toString('base64') };
    },

    async unwrap(wrapped: WrappedKey): Promise<Buffer> {
      const record = checkRecord(wrapped);
      await checkUsable();
      let decrypted: { result: string; shouldReEncrypt: boolean };
      try {
        decrypted = await safeStorage.decryptStringAsync(Buffer.from(record.blob, 'base64'));
      } catch (error) {
        throw new VaultError(
          'safe_storage_unavailable',
          'OS secure storage could not decrypt the vault key (the OS key may have changed, or this is another user or machine)',
          { cause: error },
        );
      }
      const dataKey = Buffer.from(decrypted.result, 'base64');
      if (dataKey.length !== DATA_KEY_BYTES || dataKey.toString('base64') !== decrypted.result) {
        throw new VaultError('tampered', 'OS secure storage returned something that is not a vault key');
      }
      if (decrypted.shouldReEncrypt) rewrapWanted.add(wrapped);
      return dataKey;
    },

    needsRewrap(wrapped: WrappedKey): boolean {
      return rewrapWanted.has(wrapped);
    },
  };
}

function checkRecord(wrapped: WrappedKey): SafeStorageWrappedKey {
  const parsed = wrappedKeySchema.safeParse(wrapped);
  if (!parsed.success || parsed.data.kind !== 'safe-storage') {
    throw new VaultError('invalid_argument', 'The safeStorage protector was given a key wrapped by another kind of protector');
  }
  return parsed.data;
}
