// window.tokenry's shape and how it is built over a transport. No zod here: the web harness's page
// script bundles this file, and must stay small to load fast; shared/ipc.ts adds the zod event check.
import type { ErrorValue } from './errors.js';
import type { Channel, ChannelArgs, ChannelResponse, EventChannel, EventPayload } from './ipc.js';
import type { Result } from './result.js';

/** window.tokenry: the narrow, domain-shaped bridge the renderer sees (same shape in Electron and the web harness). */
export interface TokenryBridge {
  providers(): Promise<ChannelResponse<'providers:list'>>;
  accounts(): Promise<ChannelResponse<'accounts:list'>>;
  account(name: string): Promise<ChannelResponse<'accounts:get'>>;
  addAccount(input: ChannelArgs<'accounts:add'>[0]): Promise<ChannelResponse<'accounts:add'>>;
  updateAccount(name: string, patch: ChannelArgs<'accounts:update'>[1]): Promise<ChannelResponse<'accounts:update'>>;
  removeAccount(name: string): Promise<ChannelResponse<'accounts:remove'>>;
  signIn(name: string, input: ChannelArgs<'accounts:sign-in'>[1]): Promise<ChannelResponse<'accounts:sign-in'>>;
  cancelSignIn(name: string): Promise<ChannelResponse<'accounts:cancel-sign-in'>>;
  logout(name: string): Promise<ChannelResponse<'accounts:logout'>>;
  rediscover(name: string): Promise<ChannelResponse<'accounts:rediscover'>>;
  openSignInPage(name: string): Promise<ChannelResponse<'accounts:open-sign-in-page'>>;
  refresh(name: string): Promise<ChannelResponse<'accounts:refresh'>>;
  revealToken(name: string): Promise<ChannelResponse<'tokens:reveal'>>;
  copyToken(name: string): Promise<ChannelResponse<'tokens:copy'>>;
  tokenDetails(name: string): Promise<ChannelResponse<'tokens:details'>>;
  clients(): Promise<ChannelResponse<'clients:list'>>;
  addClient(name: string, accounts: string[]): Promise<ChannelResponse<'clients:add'>>;
  removeClient(name: string): Promise<ChannelResponse<'clients:remove'>>;
  audit(limit: number): Promise<ChannelResponse<'audit:read'>>;
  settings(): Promise<ChannelResponse<'settings:get'>>;
  saveSettings(patch: ChannelArgs<'settings:set'>[0]): Promise<ChannelResponse<'settings:set'>>;
  vaultStatus(): Promise<ChannelResponse<'vault:status'>>;
  changePassphrase(current: string, next: string): Promise<ChannelResponse<'vault:change-passphrase'>>;
  useOsStore(currentPassphrase: string): Promise<ChannelResponse<'vault:use-os-store'>>;
  usePassphrase(passphrase: string): Promise<ChannelResponse<'vault:use-passphrase'>>;
  onAccountState(listener: (event: EventPayload<'accounts:state'>) => void): () => void;
  onAccountsChanged(listener: () => void): () => void;
  onAuditAppended(listener: (rows: EventPayload<'audit:appended'>) => void): () => void;
  onSignInProgress(listener: (event: EventPayload<'accounts:sign-in-progress'>) => void): () => void;
}

type EventMethods = 'onAccountState' | 'onAccountsChanged' | 'onAuditAppended' | 'onSignInProgress';

/** Which channel each bridge method calls: both bridges are built from this one table. */
export const BRIDGE_METHODS = {
  providers: 'providers:list',
  accounts: 'accounts:list',
  account: 'accounts:get',
  addAccount: 'accounts:add',
  updateAccount: 'accounts:update',
  removeAccount: 'accounts:remove',
  signIn: 'accounts:sign-in',
  cancelSignIn: 'accounts:cancel-sign-in',
  logout: 'accounts:logout',
  rediscover: 'accounts:rediscover',
  openSignInPage: 'accounts:open-sign-in-page',
  refresh: 'accounts:refresh',
  revealToken: 'tokens:reveal',
  copyToken: 'tokens:copy',
  tokenDetails: 'tokens:details',
  clients: 'clients:list',
  addClient: 'clients:add',
  removeClient: 'clients:remove',
  audit: 'audit:read',
  settings: 'settings:get',
  saveSettings: 'settings:set',
  vaultStatus: 'vault:status',
  changePassphrase: 'vault:change-passphrase',
  useOsStore: 'vault:use-os-store',
  usePassphrase: 'vault:use-passphrase',
} as const satisfies Record<Exclude<keyof TokenryBridge, EventMethods>, Channel>;

/** Turns an event's payload into the contract's type, or refuses it (the event is then dropped). */
export type EventCheck = <E extends EventChannel>(event: E, payload: unknown) => { readonly ok: true; readonly value: EventPayload<E> } | { readonly ok: false };

/** Builds a bridge over any transport: `invoke` sends a channel and arguments, `subscribe` listens to an event. */
export function createBridgeWith(
  invoke: (channel: Channel, args: unknown[]) => Promise<Result<unknown, ErrorValue>>,
  subscribe: (event: EventChannel, listener: (payload: unknown) => void) => () => void,
  check: EventCheck,
): TokenryBridge {
  const methods: Record<string, (...args: unknown[]) => Promise<Result<unknown, ErrorValue>>> = {};
  for (const [method, channel] of Object.entries(BRIDGE_METHODS)) methods[method] = (...args) => invoke(channel, args);
  const on =
    <E extends EventChannel>(event: E) =>
    (listener: (payload: EventPayload<E>) => void) =>
      subscribe(event, (payload) => {
        const checked = check(event, payload);
        if (checked.ok) listener(checked.value);
      });
  return Object.freeze({
    ...(methods as unknown as Omit<TokenryBridge, EventMethods>),
    onAccountState: on('accounts:state'),
    onAccountsChanged: (listener: () => void) => on('accounts:changed')(() => listener()),
    onAuditAppended: on('audit:appended'),
    onSignInProgress: on('accounts:sign-in-progress'),
  });
}
