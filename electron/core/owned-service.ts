// Owning a data directory: its lock, the sweep of killed writers' temp files, the vault and the service over it.
import { accountsFileSchema, EMPTY_ACCOUNTS } from './accounts/account-store.js';
import { TokenryService, type ServiceOptions } from './service.js';
import { removeStaleTempFilesIn } from './vault/atomic-file.js';
import { openDataStore, type StoreOpener } from './vault/data-store.js';
import { silentLogger, type Logger } from './log/logger.js';
import { acquireLock, type DataDirLock } from './vault/lock.js';
import type { Vault } from './vault/secret-store.js';

export interface OwnedService {
  readonly vault: Vault;
  readonly service: TokenryService;
  /** Stops renewals, waits for pending writes, closes the vault, then releases the lock. */
  close(): Promise<void>;
}

export interface OwnServiceOptions {
  readonly dataDir: string;
  /** Who owns the directory, written into the lock file for a second process to read. */
  readonly purpose: string;
  /** Takes the lock; lets a caller turn `locked_by_other` into its own words. */
  readonly lock?: (dataDir: string, purpose: string) => Promise<DataDirLock>;
  /** Opens (or creates) the vault, once the lock is held. */
  readonly unlock: () => Promise<Vault>;
  /** The service's other options, worked out once the lock is held (settings may be read then). */
  readonly service?: () => Promise<Omit<ServiceOptions, 'secrets' | 'accounts' | 'log'>>;
  /** conf by default; the desktop app passes electron-store. */
  readonly openStore?: StoreOpener;
  readonly log?: Logger;
  /** Runs once the lock is held, before anything else: what only the owner may do (open the log file). */
  readonly onLocked?: () => Promise<void>;
}

/** Takes the data directory (one owner at a time), sweeps it, unlocks the vault and opens the service; undoes all of it on failure. */
export async function openOwnedService(options: OwnServiceOptions): Promise<OwnedService> {
  const lock = await (options.lock ?? ((dir, purpose) => acquireLock(dir, { purpose })))(options.dataDir, options.purpose);
  let vault: Vault | undefined;
  try {
    await options.onLocked?.();
    // Only the lock's owner may sweep what a killed writer left behind.
    const swept = await removeStaleTempFilesIn(options.dataDir);
    if (swept.length > 0) options.log?.info('removed temp files a killed writer left', { count: swept.length });
    vault = await options.unlock();
    const extra = (await options.service?.()) ?? {};
    const accounts = await (options.openStore ?? openDataStore)({ dataDir: options.dataDir, name: 'accounts', schema: accountsFileSchema, defaults: EMPTY_ACCOUNTS });
    const log = options.log ?? silentLogger;
    const service = await TokenryService.open({ ...extra, secrets: vault, accounts, log: log.child('service') });
    log.info('data directory opened', { purpose: options.purpose, accounts: accounts.get().accounts.length });
    const opened = vault;
    return {
      vault: opened,
      service,
      async close() {
        service.close();
        await service.flush();
        await opened.close();
        await lock.release();
      },
    };
  } catch (error) {
    await vault?.close().catch(() => undefined);
    await lock.release().catch(() => undefined);
    throw error;
  }
}
