// The vault's public surface: encrypted secrets, protectors, non-secret data, durable files and the data directory lock.
export { VaultError, isVaultError, type VaultErrorCode } from './vault-error.js';
export {
  createFileExclusive,
  ensurePrivateDir,
  fsyncDir,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  readJsonFile,
  removeStaleTempFiles,
  writeFileAtomic,
} from './atomic-file.js';
export type { KeyProtector, ProtectorKind, WrappedKey } from './protector.js';
export {
  createVault,
  openOrCreateVault,
  openVault,
  secretsPath,
  type SecretChange,
  type SecretStore,
  type Vault,
  type VaultOptions,
} from './secret-store.js';
export { SECRETS_FILE } from './vault-file.js';
export { DEFAULT_SCRYPT, passphraseProtector, TEST_SCRYPT, type PassphraseProtectorOptions, type ScryptCost } from './protectors/passphrase.js';
export { PASSPHRASE_ENV, passphraseFromEnvOrPrompt, type PassphraseSource } from './protectors/passphrase-prompt.js';
export { KEYRING_SERVICE, keyringProtector, type KeyringProtectorOptions } from './protectors/keyring.js';
export {
  safeStorageProtector,
  WEAK_SAFE_STORAGE_BACKEND,
  type SafeStorageLike,
  type SafeStorageProtectorOptions,
} from './protectors/safe-storage.js';
export { openConfDataStore, openDataStore, STRICT_CONF_OPTIONS, type ConfLike, type DataStore, type DataStoreOptions } from './data-store.js';
export { acquireLock, LOCK_FILE, readLockOwner, type AcquireLockOptions, type DataDirLock, type LockOwner } from './lock.js';
