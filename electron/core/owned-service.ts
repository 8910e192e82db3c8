// Owning a data directory: its lock (checked before every write, loud when lost), the sweep of killed writers' temp
// files, the vault, the authenticated data files and the service over them.
import { accountsFileSchema, EMPTY_ACCOUNTS } from './accounts/account-store.js';
import { assertVaultMayBeCreated, createDataFiles, DATA_FILES_MAC_PURPOSE, protectedOpener } from './data-files.js';
import { TokenryService, type ServiceOptions } from './service.js';
import { removeStaleTempFilesIn } from './vault/atomic-file.js';
import { openDataStore, type StoreOpener } from './vault/data-store.js';
import { silentLogger, type Logger } from './log/logger.js';
import { acquireLock, type DataDirLock } from './vault/lock.js';
import type { Vault } from './vault/secret-store.js';
import type { VaultError } from './vault/vault-error.js';
import type { WriteGuard } from './vault/write-guard.js';

export interface OwnedService {
  readonly vault: Vault;
  readonly service: TokenryService;
  /** Opens another data file of the directory (clients, settings): authenticated with the vault's key, every write guarded by the lock. */
  readonly openStore: StoreOpener;
  /** The lock, checked before every write (the audit log, loopback.json). */
  readonly guard: WriteGuard;
  /** Stops renewals, waits for pending writes, closes the vault, then releases the lock. */
  close(): Promise<void>;
}

export interface OwnServiceOptions {
  readonly dataDir: string;
  /** Who owns the directory, written into the lock file for a second process to read. */
  readonly purpose: string;
  /** Takes the lock; lets a caller turn `locked_by_other` into its own words. */
  readonly lock?: (dataDir: string, purpose: string) => Promise<DataDirLock>;
  /**
   * Opens (or, in a new and empty directory, creates) the vault, once the lock is held; every
   * write of the vault must be checked against `guard`.
   */
  readonly unlock: (guard: WriteGuard) => Promise<Vault>;
  /** The service's other options, worked out once the vault is open (settings may be read then, through `openStore`). */
  readonly service?: (openStore: StoreOpener) => Promise<Omit<ServiceOptions, 'secrets' | 'accounts' | 'log'>>;
  /** conf by default; the desktop app passes electron-store. */
  readonly openStore?: StoreOpener;
  readonly log?: Logger;
  /** Runs once the lock is held, before anything else: what only the owner may do (open the log file). */
  readonly onLocked?: () => Promise<void>;
  /**
   * This process lost the directory (its lock file was removed or taken): every write now fails
   * with `lock_lost`. Told once; the owner should stop (and say so) rather than run on unsaved.
   */
  readonly onLockLost?: (error: VaultError) => void;
  /** Run once before the service's first request to a provider (ServiceOptions.warmUp). */
  readonly warmUp?: () => Promise<unknown>;
}

/**
 * Takes the data directory (one owner at a time), sweeps it, unlocks the vault, opens the data
 * files authenticated and the service over them; undoes all of it on failure. A new vault is
 * made only in a new, empty directory (`vault_missing` otherwise), and its data files with it.
 */
export async function openOwnedService(options: OwnServiceOptions): Promise<OwnedService> {
  const lock = await (options.lock ?? ((dir, purpose) => acquireLock(dir, { purpose })))(options.dataDir, options.purpose);
  const log = options.log ?? silentLogger;
  const stopListening = lock.onLost((error) => {
    log.error('lost the data directory: writing stopped', { code: error.code, cause: error });
    options.onLockLost?.(error);
  });
  let vault: Vault | undefined;
  try {
    await options.onLocked?.();
    // Only the lock's owner may sweep what a killed writer left behind.
    const swept = await removeStaleTempFilesIn(options.dataDir);
    if (swept.length > 0) log.info('removed temp files a killed writer left', { count: swept.length });
    const isNew = await assertVaultMayBeCreated(options.dataDir);
    vault = await options.unlock(lock);
    const base = options.openStore ?? openDataStore;
    const macKey = vault.deriveKey(DATA_FILES_MAC_PURPOSE);
    if (isNew) await createDataFiles(options.dataDir, base, lock, macKey);
    const openStore = protectedOpener(base, lock, macKey);
    const extra = (await options.service?.(openStore)) ?? {};
    const accounts = await openStore({ dataDir: options.dataDir, name: 'accounts', schema: accountsFileSchema, defaults: EMPTY_ACCOUNTS });
    const service = await TokenryService.open({
      ...extra,
      ...(options.warmUp === undefined ? {} : { warmUp: options.warmUp }),
      ownership: lock,
      secrets: vault,
      accounts,
      log: log.child('service'),
    });
    log.info('data directory opened', { purpose: options.purpose, accounts: accounts.get().accounts.length });
    const opened = vault;
    return {
      vault: opened,
      service,
      openStore,
      guard: lock,
      async close() {
        service.close();
        await service.flush();
        await opened.close();
        stopListening();
        await lock.release();
      },
    };
  } catch (error) {
    await vault?.close().catch(() => undefined);
    stopListening();
    await lock.release().catch(() => undefined);
    throw error;
  }
}
