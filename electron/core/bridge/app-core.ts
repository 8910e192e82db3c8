// Everything an owner of a data directory runs: vault, service, settings, the loopback provider, the IPC
// handlers and the control channel other processes reach it through. The Electron main process, the web
// harness, `tokenry serve` and a one-shot `tokenry` command that finds no owner all open the core here.
import type { ErrorValue } from '../../../shared/errors.js';
import { createProtectionApi, type OsStore } from '../vault/protection-change.js';
import { passphraseProtector } from '../vault/protectors/passphrase.js';
import type { Handlers } from '../../../shared/ipc.js';
import type { AccountState } from '../../../shared/account-state.js';
import type { SignInProgress } from '../../../shared/accounts.js';
import type { OpenExternal } from '../flows/system-browser.js';
import type { GrantDeps } from '../grants/grant-client.js';
import { createLogger, type Logger } from '../log/logger.js';
import { openLoopbackHost, wantedPort, type LoopbackHost } from '../loopback/loopback-host.js';
import { openOwnedService } from '../owned-service.js';
import type { Clock } from '../refresh/clock.js';
import type { TokenryService } from '../service.js';
import { openSettings, type Settings } from '../settings/settings-store.js';
import { openDataStore, type DataStore, type StoreOpener } from '../vault/data-store.js';
import type { VaultError } from '../vault/vault-error.js';
import type { DataDirLock } from '../vault/lock.js';
import type { KeyProtector } from '../vault/protector.js';
import type { WriteGuard } from '../vault/write-guard.js';
import { openOrCreateVault, type Vault } from '../vault/secret-store.js';
import { startControlServer, type ControlServer } from '../control/control-server.js';
import { forwardAuditRows } from '../loopback/audit-events.js';
import { createCoreEvents, type CoreEvents } from './core-events.js';
import { createHandlers, type HandlerDeps } from './handlers.js';

export interface AppCoreOptions {
  readonly dataDir: string;
  /** How the vault's data key is protected (safeStorage in the app, a passphrase in the harness); or `unlock`. */
  readonly protector?: KeyProtector;
  /** Opens the vault another way once the lock is held (the CLI picks the protector from the vault file). */
  readonly unlock?: (guard: WriteGuard) => Promise<Vault>;
  /** Takes the data directory's lock (the CLI has taken it already, or words a refusal its own way). */
  readonly lock?: (dataDir: string, purpose: string) => Promise<DataDirLock>;
  /** Who owns the data directory, for the lock file. */
  readonly purpose: string;
  /**
   * The control channel other Tokenry processes reach this owner through: long-lived (`lasting`, the
   * default: the app, the harness, `tokenry serve`), or a one-shot command's; null: none.
   */
  readonly control?: { readonly lasting: boolean } | null;
  /** Renew tokens ahead of expiry in the background (default); a one-shot command does not. */
  readonly background?: boolean;
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
  /**
   * A loopback client asked for an existing account outside its list (it got 403): the shell may ask
   * the person to allow it once, always, or not (`clients:allow`). Also the event `clients:access-requested`.
   */
  readonly onAccessRequested?: (client: string, account: string) => void;
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
  /**
   * This process renews tokens (the app, `tokenry serve`, `tokenry token`): the renewal path runs once against a
   * throwaway loopback server before its first request to a provider, so the first rotated refresh token is written
   * within milliseconds of its answer (`warmUpRenewal`, refresh/renewal-warm-up.ts).
   */
  readonly warmUp?: () => Promise<unknown>;
}

export interface AppCore {
  readonly dataDir: string;
  readonly service: TokenryService;
  readonly vault: Vault;
  readonly settings: DataStore<Settings>;
  readonly loopback: LoopbackHost;
  readonly handlers: Handlers;
  /** The contract's events, for the control channel's subscribers and the shell. */
  readonly events: CoreEvents;
  /** The control channel, when it could be opened (a path too long for a socket: none). */
  readonly control: ControlServer | null;
  /** The core's log (the shell adds its own lines to it). */
  readonly log: Logger;
  /** Every state change of every account (for the tray, notifications and the renderer). */
  onState(listener: (name: string, state: AccountState) => void): () => void;
  /** What a browser or device sign-in asks of the person while it waits (the renderer's `accounts:sign-in-progress`). */
  onSignInProgress(listener: (name: string, progress: SignInProgress) => void): () => void;
  close(): Promise<void>;
}

/** Takes the data directory, unlocks (or creates) the vault, opens every store over it and starts the loopback provider and the control channel. */
export async function openAppCore(options: AppCoreOptions): Promise<AppCore> {
  const openStore = options.openStore ?? openDataStore;
  const { protector, unlock } = options;
  if (unlock === undefined && protector === undefined) throw new TypeError('openAppCore needs a protector or an unlock function');
  // Only the directory's owner writes its log: the file opens once the lock is held.
  // (Loaded only then: a one-shot CLI command logs to stderr and never needs it.)
  const logFile = options.log === undefined ? new (await import('../log/log-file.js')).LogFile() : null;
  const log = options.log ?? createLogger({ sinks: [logFile?.sink ?? (() => undefined)], level: process.env['TOKENRY_DEBUG'] ? 'debug' : 'info' });
  let host: LoopbackHost | undefined;
  const events = createCoreEvents({
    log: log.child('events'),
    sources: {
      // Batched like the window's live audit log; running only while someone listens.
      'audit:appended': (emit) => {
        if (host === undefined) return () => undefined;
        const rows = forwardAuditRows(emit);
        const stop = host.auditLog.onAppend((entry) => rows.add(entry));
        return () => {
          stop();
          rows.close();
        };
      },
    },
  });
  // Requests and subscriptions reaching the control channel before the core is open wait for this.
  let handlersReady!: { resolve: (handlers: Handlers) => void; reject: (error: unknown) => void };
  const handlersPromise = new Promise<Handlers>((resolve, reject) => (handlersReady = { resolve, reject }));
  handlersPromise.catch(() => undefined);
  const controlOption = options.control === undefined ? { lasting: true } : options.control;
  let control: ControlServer | null = null;
  const stopControl = async (): Promise<void> => {
    await control?.close().catch((error: unknown) => log.warn('closing the control channel failed', { cause: error }));
  };
  let settings: DataStore<Settings> | undefined;
  const owned = await openOwnedService({
    openStore,
    log,
    ...(options.lock === undefined ? {} : { lock: options.lock }),
    ...(options.onLockLost === undefined ? {} : { onLockLost: options.onLockLost }),
    ...(options.warmUp === undefined ? {} : { warmUp: options.warmUp }),
    onLocked: async () => {
      await logFile?.open(options.dataDir);
      if (controlOption === null) return;
      // Listening before the vault opens: processes that start meanwhile queue here instead of waiting for the lock.
      try {
        control = await startControlServer({ dataDir: options.dataDir, handlers: handlersPromise, events, owner: { purpose: options.purpose, lasting: controlOption.lasting }, log: log.child('control') });
      } catch (error) {
        log.warn('control channel not started: other tokenry commands cannot reach this process', { cause: error });
      }
    },
    dataDir: options.dataDir,
    purpose: options.purpose,
    // openOwnedService has checked that a new vault may be made here (a new, empty directory).
    unlock: (guard) => (unlock === undefined ? openOrCreateVault({ dataDir: options.dataDir, protector: protector as KeyProtector, guard }) : unlock(guard)),
    service: async (protectedStore) => {
      settings = await openSettings(options.dataDir, protectedStore);
      return {
        background: options.background ?? true,
        refresh: { leadMs: settings.get().leadSeconds * 1000 },
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.grantDeps === undefined ? {} : { grantDeps: options.grantDeps }),
        ...(options.openExternal === undefined ? {} : { openExternal: options.openExternal }),
      };
    },
  }).catch(async (error: unknown) => {
    handlersReady.reject(error);
    await stopControl();
    await logFile?.close();
    throw error;
  });
  try {
    const { service, vault } = owned;
    const settingsStore = settings ?? (await openSettings(options.dataDir, owned.openStore));
    host = await openLoopbackHost({
      dataDir: options.dataDir,
      service,
      openStore: owned.openStore,
      guard: owned.guard,
      log: log.child('loopback'),
      ...(options.onNeedsSignIn === undefined ? {} : { onNeedsSignIn: options.onNeedsSignIn }),
      onAccessRequested: (client, account) => {
        // Only for accounts that exist: the person is not asked about names a program made up.
        if (!service.account(account).ok) return;
        events.emit('clients:access-requested', { client, account });
        options.onAccessRequested?.(client, account);
      },
    });
    const opened = host;
    const follow = async (next: Settings): Promise<void> => {
      const served = await opened.serve(wantedPort(next, options.loopbackPort));
      if (!served.ok) options.onLoopbackProblem?.(served.error);
    };
    const { clients } = opened;
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
        allow: async (name, account, { once }) => {
          const result = once ? clients.grantOnce(name, account) : await clients.allowAccount(name, account);
          return result.ok ? { ok: true, value: { ...result.value, accounts: [...result.value.accounts] } } : result;
        },
      },
      audit: opened.audit,
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
    const stopStates = service.onStatus((name, state) => events.emit('accounts:state', { name, state }));
    // A sign-in started through the control channel (tokenry login beside the app) tells its caller what to open.
    const stopProgress = service.onSignInProgress((name, progress) => events.emit('accounts:sign-in-progress', { name, progress }));
    await follow(settingsStore.get());
    handlersReady.resolve(handlers);
    const running: ControlServer | null = control;
    return {
      dataDir: options.dataDir,
      service,
      vault,
      settings: settingsStore,
      loopback: opened,
      handlers,
      events,
      control: running,
      log,
      onState: (listener) => service.onStatus(listener),
      onSignInProgress: (listener) => service.onSignInProgress(listener),
      async close() {
        await stopControl();
        stopStates();
        stopProgress();
        await opened.close();
        await owned.close();
        await logFile?.close();
      },
    };
  } catch (error) {
    log.error('could not open the core', { cause: error });
    handlersReady.reject(error);
    await stopControl();
    await host?.close().catch(() => undefined);
    await owned.close().catch(() => undefined);
    await logFile?.close();
    throw error;
  }
}
