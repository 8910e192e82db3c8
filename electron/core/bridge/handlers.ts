// The IPC contract's handlers over the core: the same functions serve Electron's main process and the web harness.
import type { z } from 'zod';
import type { ErrorValue } from '../../../shared/errors.js';
import { dispatch, type AuditRow, type clientViewSchema, type Handlers, type vaultStatusSchema } from '../../../shared/ipc.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { thrownToError } from '../failures.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { TokenryService } from '../service.js';
import type { Settings } from '../settings/settings-store.js';
import type { DataStore } from '../vault/data-store.js';
import type { ProtectionApi } from '../vault/protection-change.js';

export type ClientView = z.infer<typeof clientViewSchema>;
export type { AuditRow };
export type VaultStatus = z.infer<typeof vaultStatusSchema>;

/** Loopback client keys, as the handlers need them. */
export interface ClientsApi {
  list(): ClientView[];
  add(name: string, accounts: readonly string[]): Promise<Result<{ client: ClientView; key: string }, ErrorValue>>;
  remove(name: string): Promise<Result<null, ErrorValue>>;
  /** Lets a client use one more account, always or once (`clients:allow`). */
  allow(name: string, account: string, options: { readonly once: boolean }): Promise<Result<ClientView, ErrorValue>>;
}

export interface AuditApi {
  read(limit: number): Promise<AuditRow[]>;
}

export interface HandlerDeps {
  readonly service: TokenryService;
  readonly settings: DataStore<Settings>;
  readonly clients: ClientsApi;
  readonly audit: AuditApi;
  readonly vaultStatus: () => VaultStatus | Promise<VaultStatus>;
  /** Changing the vault's protection (passphrase, OS store); absent where the shell offers none. */
  readonly protection?: ProtectionApi;
  /** Puts a token on the clipboard; resolves with when it will be cleared (null: never). */
  readonly copyToClipboard: (token: string, clearAfterSeconds: number) => Promise<number | null>;
  /** Called after settings change (to restart the loopback server on a new port, say). */
  readonly onSettingsChanged?: (settings: Settings) => void | Promise<void>;
  readonly log?: Logger;
}

/**
 * Answers one request of the contract, for Electron's IPC and the web harness alike: validated
 * by dispatch(), never throwing; whatever is thrown becomes an honest error value (storage,
 * vault, internal) and is logged in full (the log is redacted).
 */
export async function answerRequest(handlers: Handlers, channel: unknown, args: unknown, log: Logger = silentLogger): Promise<Result<unknown, ErrorValue>> {
  try {
    return await dispatch(handlers, channel, args);
  } catch (error) {
    const value = thrownToError(error);
    log.error('request failed', { channel: typeof channel === 'string' ? channel : '?', kind: value.kind, code: value.code, cause: error });
    return err(value);
  }
}

const NO_PROTECTION_CHANGE: ErrorValue = { code: 'not_supported', kind: 'config', message: 'The vault protection cannot be changed here.' };

export function createHandlers(deps: HandlerDeps): Handlers {
  const { service } = deps;
  const log = deps.log ?? silentLogger;
  /** Runs a handler body; a thrown error (disk full, vault closed, a defect) becomes a readable error value. */
  const guard = async <T>(body: () => Promise<Result<T, ErrorValue>> | Result<T, ErrorValue>): Promise<Result<T, ErrorValue>> => {
    try {
      return await body();
    } catch (error) {
      const value = thrownToError(error);
      log.error('handler failed', { kind: value.kind, code: value.code, cause: error });
      return err(value);
    }
  };
  /** Runs a protection change, then answers with the new status. */
  const protect = (change: (api: ProtectionApi) => Promise<Result<null, ErrorValue>>) =>
    guard(async (): Promise<Result<VaultStatus, ErrorValue>> => {
      if (deps.protection === undefined) return err(NO_PROTECTION_CHANGE);
      const changed = await change(deps.protection);
      return changed.ok ? ok(await deps.vaultStatus()) : changed;
    });
  return {
    'providers:list': () => guard(() => ok(service.providers())),
    'accounts:list': () => guard(() => ok(service.accountList())),
    'accounts:get': (name) => guard(() => service.account(name)),
    'accounts:add': (input) => guard(() => service.addAccount(input)),
    'accounts:update': (name, patch) => guard(() => service.updateAccount(name, patch)),
    'accounts:remove': (name) => guard(() => service.removeAccount(name)),
    'accounts:sign-in': (name, input) => guard(() => service.signIn(name, input)),
    'accounts:cancel-sign-in': (name) => guard(() => service.cancelSignIn(name)),
    'accounts:logout': (name) => guard(() => service.logout(name)),
    'accounts:rediscover': (name) => guard(() => service.rediscover(name)),
    'accounts:open-sign-in-page': (name) => guard(() => service.openSignInPage(name)),
    'accounts:refresh': (name) => guard(() => service.refresh(name)),
    // The renderer sees an access token only when the person asks to reveal or copy it.
    'tokens:reveal': (name) => guard(() => service.token(name, { minValidSeconds: 0 })),
    // The CLI's `token` and `exec`: the answer goes to the one caller that asked.
    'tokens:get': (name, { minValidSeconds }) => guard(() => service.token(name, { minValidSeconds })),
    'tokens:copy': (name) =>
      guard(async () => {
        const token = await service.token(name, { minValidSeconds: 60 });
        if (!token.ok) return token;
        const clearsAt = await deps.copyToClipboard(token.value.access_token, deps.settings.get().clipboardClearSeconds);
        return ok({ clearsAt });
      }),
    'tokens:details': (name) => guard(() => service.tokenDetails(name)),
    'clients:list': () => guard(() => ok(deps.clients.list())),
    'clients:add': (name, accounts) => guard(() => deps.clients.add(name, accounts)),
    'clients:remove': (name) => guard(() => deps.clients.remove(name)),
    'clients:allow': (name, account, options) => guard(() => deps.clients.allow(name, account, options)),
    'audit:read': (limit) => guard(async () => ok(await deps.audit.read(limit))),
    'settings:get': () => guard(() => ok(deps.settings.get())),
    'settings:set': (patch) =>
      guard(async () => {
        const next = { ...deps.settings.get(), ...patch };
        await deps.settings.set(next);
        service.configureRefresh({ leadMs: next.leadSeconds * 1000 });
        await deps.onSettingsChanged?.(next);
        return ok(next);
      }),
    'vault:status': () => guard(async () => ok(await deps.vaultStatus())),
    'vault:change-passphrase': (current, next) => protect((api) => api.changePassphrase(current, next)),
    'vault:use-os-store': (current) => protect((api) => api.useOsStore(current)),
    'vault:use-passphrase': (next) => protect((api) => api.usePassphrase(next)),
  };
}
