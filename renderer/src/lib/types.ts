// The renderer's names for the contract's data, inferred from shared/ipc.ts so they can never drift from it.
import type { ChannelArgs, ChannelResult, EventPayload } from '../../../shared/ipc.js';
import type { ErrorValue } from '../../../shared/errors.js';

export type { ErrorValue };
export type ProviderSummary = ChannelResult<'providers:list'>[number];
/** One account in full: the detail screen and the account dialogs (asked for one at a time). */
export type AccountView = ChannelResult<'accounts:get'>;
/** What the accounts list carries of each account: what a row, the search, the filters and the sorts read. */
export type AccountListItem = ChannelResult<'accounts:list'>[number];
/** An account's effective, non-secret profile settings (a preset has the same fields). */
export type AccountSettings = AccountView['settings'];
export type ExtraParamChoice = ProviderSummary['extraParamChoices'][number];
export type UrlParamField = ProviderSummary['urlParamFields'][number];
export type AccountState = AccountView['state'];
export type AccountStateKind = AccountState['kind'];
export type SignInField = AccountView['signInFields'][number];
export type NewAccount = ChannelArgs<'accounts:add'>[0];
export type AccountPatch = ChannelArgs<'accounts:update'>[1];
/** A setting an edit may take back to what discovery, the preset or the default gives. */
export type ResettableSetting = NonNullable<AccountPatch['reset']>[number];
export type AccountOverrides = NonNullable<NewAccount['overrides']>;
export type SignInInput = ChannelArgs<'accounts:sign-in'>[1];
export type SignInFlow = AccountView['signInFlows'][number];
export type SignInProgress = EventPayload<'accounts:sign-in-progress'>['progress'];
export type SignOutOutcome = ChannelResult<'accounts:logout'>;
export type TokenView = ChannelResult<'tokens:reveal'>;
export type TokenDetails = ChannelResult<'tokens:details'>;
export type ClientView = ChannelResult<'clients:list'>[number];
export type NewClientResult = ChannelResult<'clients:add'>;
export type AuditRow = ChannelResult<'audit:read'>[number];
export type Settings = ChannelResult<'settings:get'>;
export type VaultStatus = ChannelResult<'vault:status'>;
