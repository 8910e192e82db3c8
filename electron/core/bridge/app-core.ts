// Everything a desktop-like shell runs: vault, service, settings, the loopback provider and the IPC handlers.
// The Electron main process and the web harness both open the core through here.
import type { ErrorValue } from '../../../shared/errors.js';
import { createProtectionApi, type OsStore } from '../vault/protection-change.js';
import { passphraseProtector } from '../vault/protectors/passphrase.js';
import type { Handlers } from '../../../shared/ipc.js';
import type { AccountState } from '../../../shared/account-state.js';
import type { SignInProgress } from '../../../shared/accounts.js';
import type { OpenExternal } from '../flows/system-browser.js';
import type { GrantDeps } from '../grants/grant-client.js';
import { LogFile } from '../log/log-file.js';
import { createLogger, type Logger } from '../log/logger.js';
import { openLoopbackHost, wantedPort, type LoopbackHost } from '../loopback/loopback-host.js';
import { openOwnedService } from '../owned-service.js';
import type { Clock } from '../refresh/clock.js';
import type { TokenryService } from '../service.js';
import { openSettings, type Settings } from '../settings/settings-store.js';
import { openDataStore, type DataStore, type StoreOpener } from '../vault/data-store.js';
import type { VaultError } from '../vault/vault-error.js';
import type { KeyProtector } from '../vault/protector.js';
import { openOrCreateVault, type Vault } from '../vault/secret-store.js';
import { createHandlers, type HandlerDeps } from './handlers.js';

export interface AppCoreOptions {
  readonly dataDir: string;
  /** How the vault's data key is protected (safeStorage in the app, a passphrase in the harness). */
  readonly protector: KeyProtector;
  /** Who owns the data directory, for the lock file. */
  readonly purpose: string;
  readonly copyToClipboard: HandlerDeps['copyToClipboard'];
  /** Shown by the renderer when the vault's protection is weaker than it should be. */
  readonly vaultWarning?: string | null;
  readonly clock?: Clock;
  readonly grantDeps?: GrantDeps;
  /** How the non-secret files are opened: conf by default, electron-store in the desktop app. */
  readonly openStore?: StoreOpener;
  /** The core's log; by default logs/tokenry.log in the data directory (debug lines with TOKENRY_DEBUG set). */
  readonly log?: Logger;
  /**
   * The loopback provider's port regardless of settings (0: any free port; null: none), for the
   * web harness and tests; undefined follows the settings (enabled, port) as the app does.
   */
  readonly loopbackPort?: number | null;
  /** A program asked for a token of an account that needs the person to sign in. */
  readonly onNeedsSignIn?: (account: string) => void;
  /** The loopback provider could not serve (port in use...); the core runs on without it. */
  readonly onLoopbackProblem?: (error: ErrorValue) => void;
  /** After the settings changed and the core followed them (the shell refreshes its tray). */
  readonly onSettingsChanged?: (settings: Settings) => void;
  /** The OS store the settings screen may move the vault to (safeStorage, the OS keyring); null: none. */
  readonly osStore?: OsStore | null;
  /** A passphrase protector at the shell's scrypt cost, for a new passphrase chosen in the settings. */
  readonly passphraseProtector?: (passphrase: string) => KeyProtector;
  /**
   * Opens the browser sign-in's page: Electron's shell.openExternal in the app, the platform's
   * opener or a second page in the web harness. Absent: the page is only shown to the person.
   */
  readonly openExternal?: OpenExternal;
  /**
   * This process lost the data directory (its lock file was removed or taken by another process):
   * nothing more is written. The shell should say so and quit rather than run on with changes it
   * can no longer save.
   */
  readonly onLockLost?: (error: VaultError) => void;
}

export interface AppCore {
  readonly dataDir: string;
  readonly service: TokenryService;
  readonly vault: Vault;
  readonly settings: DataStore<Settings>;
  readonly loopback: LoopbackHost;
  readonly handlers: Handlers;
  /** The core's log (the shell adds its own lines to it). */
  readonly log: Logger;
  /** Every state change of every account (for the tray, notifications and the renderer). */
  onState(listener: (name: string, state: AccountState) => void): () => void;
  /** What a browser or device sign-in asks of the person while it waits (the renderer's `accounts:sign-in-progress`). */
  onSignInProgress(listener: (name: string, progress: SignInProgress) => void): () => void;
  close(): Promise<void>;
}

/** Takes the data directory, unlocks (or creates) the vault, opens every store over it and starts the loopback provider. */
export async function openAppCore(options: AppCoreOptions): Promise<AppCore> {
  const openStore = options.openStore ?? openDataStore;
  // Only the directory's owner writes its log: the file opens once the lock is held.
  const logFile = options.log === undefined ? new LogFile() : null;
  const log = options.log ?? createLogger({ sinks: [logFile?.sink ?? (() => undefined)], level: process.env['TOKENRY_DEBUG'] ? 'debug' : 'info' });
  let settings: DataStore<Settings> | undefined;
  const owned = await openOwnedService({
    openStore,
    log,
    ...(logFile === null ? {} : { onLocked: () => logFile.open(options.dataDir) }),
    ...(options.onLockLost === undefined ? {} : { onLockLost: options.onLockLost }),
    dataDir: options.dataDir,
    purpose: options.purpose,
    // openOwnedService has checked that a new vault may be made here (a new, empty directory).
    unlock: (guard) => openOrCreateVault({ dataDir: options.dataDir, protector: options.protector, guard }),
    service: async (protectedStore) => {
      settings = await openSettings(options.dataDir, protectedStore);
      return {
        background: true,
        refresh: { leadMs: settings.get().leadSeconds * 1000 },
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.grantDeps === undefined ? {} : { grantDeps: options.grantDeps }),
        ...(options.openExternal === undefined ? {} : { openExternal: options.openExternal }),
      };
    },
  }).catch(async (error: unknown) => {
    await logFile?.close();
    throw error;
  });
  let loopback: LoopbackHost | undefined;
  try {
    const { service, vault } = owned;
    const settingsStore = settings ?? (await openSettings(options.dataDir, owned.openStore));
    const host = await openLoopbackHost({
      dataDir: options.dataDir,
      service,
      openStore: owned.openStore,
      guard: owned.guard,
      log: log.child('loopback'),
      ...(options.onNeedsSignIn === undefined ? {} : { onNeedsSignIn: options.onNeedsSignIn }),
    });
    loopback = host;
    const follow = async (next: Settings): Promise<void> => {
      const served = await host.serve(wantedPort(next, options.loopbackPort));
      if (!served.ok) options.onLoopbackProblem?.(served.error);
    };
    const { clients } = host;
    const osStore = options.osStore ?? null;
    const handlers = createHandlers({
      service,
      settings: settingsStore,
      log: log.child('ipc'),
      clients: {
        list: () => clients.listClients().map((c) => ({ ...c, accounts: [...c.accounts] })),
        add: async (name, accountNames) => {
          const result = await clients.addClient(name, accountNames);
          return result.ok ? { ok: true, value: { key: result.value.key, client: { ...result.value.client, accounts: [...result.value.client.accounts] } } } : result;
        },
        remove: (name) => clients.removeClient(name),
      },
      audit: host.audit,
      // Read at every call: the settings screen can change the protection.
      vaultStatus: async () => ({
        protectors: vault.protectorKinds(),
        warning: options.vaultWarning ?? null,
        osStore: osStore === null ? null : { kind: osStore.kind, problem: await osStore.problem() },
      }),
      protection: createProtectionApi({ vault, osStore, passphrase: options.passphraseProtector ?? ((text) => passphraseProtector(text)) }),
      copyToClipboard: options.copyToClipboard,
      onSettingsChanged: async (next) => {
        await follow(next);
        options.onSettingsChanged?.(next);
      },
    });
    await follow(settingsStore.get());
    return {
      dataDir: options.dataDir,
      service,
      vault,
      settings: settingsStore,
      loopback: host,
      handlers,
      log,
      onState: (listener) => service.onStatus(listener),
      onSignInProgress: (listener) => service.onSignInProgress(listener),
      async close() {
        await host.close();
        await owned.close();
        await logFile?.close();
      },
    };
  } catch (error) {
    log.error('could not open the core', { cause: error });
    await loopback?.close().catch(() => undefined);
    await owned.close().catch(() => undefined);
    await logFile?.close();
    throw error;
  }
}
