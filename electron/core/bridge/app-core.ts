// Everything a desktop-like shell runs: vault, service, settings, loopback clients and the IPC handlers.
// The Electron main process and the web harness both open the core through here.
import type { GrantDeps } from '../grants/grant-client.js';
import { ClientStore } from '../loopback/client-store.js';
import type { Clock } from '../refresh/clock.js';
import { openSettings, type Settings } from '../settings/settings-store.js';
import { openDataStore, type DataStore, type StoreOpener } from '../vault/data-store.js';
import { openOwnedService } from '../owned-service.js';
import type { TokenryService } from '../service.js';
import type { KeyProtector } from '../vault/protector.js';
import { openOrCreateVault, type Vault } from '../vault/secret-store.js';
import { createProtectionApi, type OsStore } from '../vault/protection-change.js';
import { passphraseProtector } from '../vault/protectors/passphrase.js';
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
  /** How the non-secret files are opened: conf by default, electron-store in the desktop app. */
  readonly openStore?: StoreOpener;
  /** The OS store the settings screen may move the vault to (safeStorage, the OS keyring); null: none. */
  readonly osStore?: OsStore | null;
  /** A passphrase protector at the shell's scrypt cost, for a new passphrase chosen in the settings. */
  readonly passphraseProtector?: (passphrase: string) => KeyProtector;
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
  const openStore = options.openStore ?? openDataStore;
  let settings: DataStore<Settings> | undefined;
  const owned = await openOwnedService({
    openStore,
    dataDir: options.dataDir,
    purpose: options.purpose,
    unlock: () => openOrCreateVault({ dataDir: options.dataDir, protector: options.protector }),
    service: async () => {
      settings = await openSettings(options.dataDir, openStore);
      return {
        background: true,
        refresh: { leadMs: settings.get().leadSeconds * 1000 },
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.grantDeps === undefined ? {} : { grantDeps: options.grantDeps }),
      };
    },
  });
  try {
    const { service, vault } = owned;
    const settingsStore = settings ?? (await openSettings(options.dataDir, openStore));
    const clients = await ClientStore.open(options.dataDir, { openStore });
    const osStore = options.osStore ?? null;
    const handlers = createHandlers({
      service,
      settings: settingsStore,
      clients: {
        list: () => clients.listClients().map((c) => ({ ...c, accounts: [...c.accounts] })),
        add: async (name, accountNames) => {
          const result = await clients.addClient(name, accountNames);
          return result.ok ? { ok: true, value: { key: result.value.key, client: { ...result.value.client, accounts: [...result.value.client.accounts] } } } : result;
        },
        remove: (name) => clients.removeClient(name),
      },
      audit: options.audit ?? fileAuditApi(options.dataDir),
      // Read at every call: the settings screen can change the protection.
      vaultStatus: async () => ({
        protectors: vault.protectorKinds(),
        warning: options.vaultWarning ?? null,
        osStore: osStore === null ? null : { kind: osStore.kind, problem: await osStore.problem() },
      }),
      protection: createProtectionApi({ vault, osStore, passphrase: options.passphraseProtector ?? ((text) => passphraseProtector(text)) }),
      copyToClipboard: options.copyToClipboard,
      ...(options.onSettingsChanged === undefined ? {} : { onSettingsChanged: options.onSettingsChanged }),
    });
    return {
      dataDir: options.dataDir,
      service,
      vault,
      settings: settingsStore,
      clients,
      handlers,
      onState: (listener) => service.onStatus(listener),
      async close() {
        await clients.flush();
        await owned.close();
      },
    };
  } catch (error) {
    await owned.close().catch(() => undefined);
    throw error;
  }
}
