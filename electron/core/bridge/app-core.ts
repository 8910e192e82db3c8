// Everything a desktop-like shell runs: vault, service, settings, loopback clients and the IPC handlers.
// The Electron main process and the web harness both open the core through here.
import { accountsFileSchema, EMPTY_ACCOUNTS } from '../accounts/account-store.js';
import type { GrantDeps } from '../grants/grant-client.js';
import { ClientStore } from '../loopback/client-store.js';
import type { Clock } from '../refresh/clock.js';
import { TokenryService } from '../service.js';
import { openSettings, type Settings } from '../settings/settings-store.js';
import { openDataStore, type DataStore } from '../vault/data-store.js';
import { acquireLock, type DataDirLock } from '../vault/lock.js';
import { removeStaleTempFilesIn } from '../vault/atomic-file.js';
import type { KeyProtector } from '../vault/protector.js';
import { openOrCreateVault, type Vault } from '../vault/secret-store.js';
import { createHandlers, type AuditApi, type HandlerDeps } from './handlers.js';
import { fileAuditApi } from '../loopback/loopback-runner.js';
import type { Handlers } from '../../../shared/ipc.js';
import type { AccountState } from '../../../shared/account-state.js';

export interface AppCoreOptions {
  readonly dataDir: string;
  /** How the vault's data key is protected (safeStorage in the app, a passphrase in the harness). */
  readonly protector: KeyProtector;
  /** Who owns the data directory, for the lock file. */
  readonly purpose: string;
  readonly copyToClipboard: HandlerDeps['copyToClipboard'];
  /** Shown by the renderer when the vault's protection is weaker than it should be. */
  readonly vaultWarning?: string | null;
  readonly audit?: AuditApi;
  readonly clock?: Clock;
  readonly grantDeps?: GrantDeps;
  readonly onSettingsChanged?: (settings: Settings) => void | Promise<void>;
}

export interface AppCore {
  readonly dataDir: string;
  readonly service: TokenryService;
  readonly vault: Vault;
  readonly settings: DataStore<Settings>;
  readonly clients: ClientStore;
  readonly handlers: Handlers;
  /** Every state change of every account (for the tray, notifications and the renderer). */
  onState(listener: (name: string, state: AccountState) => void): () => void;
  close(): Promise<void>;
}

/** Takes the data directory, unlocks (or creates) the vault and opens every store over it. */
export async function openAppCore(options: AppCoreOptions): Promise<AppCore> {
  const lock: DataDirLock = await acquireLock(options.dataDir, { purpose: options.purpose });
  let vault: Vault | undefined;
  try {
    // Only the lock's owner may sweep what a killed writer left behind.
    await removeStaleTempFilesIn(options.dataDir);
    vault = await openOrCreateVault({ dataDir: options.dataDir, protector: options.protector });
    const settings = await openSettings(options.dataDir);
    const accounts = await openDataStore({ dataDir: options.dataDir, name: 'accounts', schema: accountsFileSchema, defaults: EMPTY_ACCOUNTS });
    const service = await TokenryService.open({
      secrets: vault,
      accounts,
      background: true,
      refresh: { leadMs: settings.get().leadSeconds * 1000 },
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.grantDeps === undefined ? {} : { grantDeps: options.grantDeps }),
    });
    const clients = await ClientStore.open(options.dataDir);
    const protectors = vault.protectorKinds();
    const handlers = createHandlers({
      service,
      settings,
      clients: {
        list: () => clients.listClients().map((c) => ({ ...c, accounts: [...c.accounts] })),
        add: async (name, accountNames) => {
          const result = await clients.addClient(name, accountNames);
          return result.ok ? { ok: true, value: { key: result.value.key, client: { ...result.value.client, accounts: [...result.value.client.accounts] } } } : result;
        },
        remove: (name) => clients.removeClient(name),
      },
      audit: options.audit ?? fileAuditApi(options.dataDir),
      vaultStatus: () => ({ protectors, warning: options.vaultWarning ?? null }),
      copyToClipboard: options.copyToClipboard,
      ...(options.onSettingsChanged === undefined ? {} : { onSettingsChanged: options.onSettingsChanged }),
    });
    const opened = vault;
    return {
      dataDir: options.dataDir,
      service,
      vault: opened,
      settings,
      clients,
      handlers,
      onState: (listener) => service.onStatus(listener),
      async close() {
        service.close();
        await service.flush();
        await clients.flush();
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
