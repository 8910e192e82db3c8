// What the UI and the CLI see of accounts, providers and tokens: plain data, never a secret but the token asked for.

import type { AccountState } from './account-state.js';

export interface SignInFieldView {
  readonly name: 'username' | 'password' | 'otp';
  readonly label: string;
  readonly required: boolean;
  readonly secret: boolean;
}

/** Known values of one of a preset's extra parameters, for a form to offer (SugarCRM's platform). */
export interface ExtraParamChoiceView {
  readonly name: string;
  readonly label: string;
  readonly options: string[];
}

/** The profile settings a person may change on an account; a preset has them too. */
export interface AccountSettingsView {
  readonly baseUrl: string;
  /** The token URL template (`{baseUrl}` not filled in), without any query. */
  readonly tokenUrl: string;
  readonly method: 'GET' | 'POST';
  readonly encoding: 'query' | 'form' | 'json' | 'xml';
  readonly clientAuth: 'basic' | 'body' | 'none';
  /** Fixed parameters sent with every token request (SugarCRM's `platform`). */
  readonly extraParams: Record<string, string>;
  readonly allowInsecureHttp: boolean;
  /** HTTP Basic credential form chosen for the account; absent: automatic. */
  readonly basicEncoding?: 'form' | 'raw';
  /** Seconds one token request may wait; absent: 30. */
  readonly timeoutSeconds?: number;
}

/** A preset: its settings and everything a form needs to know about its dialect. */
export interface ProviderSummary extends AccountSettingsView {
  readonly id: string;
  readonly label: string;
  readonly grants: string[];
  /** Values forms offer for some of `extraParams`. */
  readonly extraParamChoices: ExtraParamChoiceView[];
  /** The parameter that carries the scope; `null` where the endpoint takes none. */
  readonly scopeParam: string | null;
  readonly defaultScope: string | null;
  /** The client id used when the account gives none (SugarCRM's `sugar`). */
  readonly defaultClientId: string | null;
  readonly signInFields: SignInFieldView[];
}

export interface AccountIdentity {
  readonly id: string | null;
  readonly name: string | null;
  readonly email: string | null;
}

export interface AccountView {
  readonly name: string;
  readonly provider: string;
  readonly providerLabel: string;
  /** The token endpoint without its query. */
  readonly tokenUrl: string;
  readonly clientId: string | null;
  /** Whether a client secret is stored (never the secret). */
  readonly hasClientSecret: boolean;
  /** The effective settings: the preset's with the account's overrides laid over. */
  readonly settings: AccountSettingsView;
  readonly requestedScope: string[] | null;
  readonly grantedScope: string[] | null;
  readonly state: AccountState;
  readonly tokenType: string | null;
  readonly issuedAt: number | null;
  readonly expiresAt: number | null;
  readonly expirySource: 'expires_in' | 'jwt_exp' | 'unknown' | null;
  readonly hasRefreshToken: boolean;
  readonly refreshExpiresAt: number | null;
  readonly identity: AccountIdentity | null;
  /** Names of the provider's other answer fields (their values may be secrets). */
  readonly extraFields: string[];
  readonly signInFields: SignInFieldView[];
  readonly createdAt: number;
}

export interface NewAccountInput {
  readonly name: string;
  readonly provider: string;
  readonly overrides?: Record<string, unknown>;
  readonly scope?: string | string[] | null;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

export interface SignInInput {
  readonly username?: string;
  readonly password?: string;
  readonly otp?: string;
}

/** The token as `tokenry token --json` and the loopback endpoint hand it out. */
export interface TokenView {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_at: string | null;
  readonly expires_in: number | null;
  readonly scope: string | null;
  /** Set when the token cannot last as long as the caller asked: even a fresh one from this provider would not. */
  readonly warning?: string;
}

export interface AccountPatch {
  readonly overrides?: Record<string, unknown>;
  readonly scope?: string | null;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

export interface TokenDetails {
  readonly tokenType: string;
  readonly jwt: { readonly header: Record<string, unknown>; readonly claims: Record<string, unknown> } | null;
  readonly extra: Record<string, unknown>;
  readonly grantedScope: string[] | null;
  readonly requestedScope: string[] | null;
  readonly issuedAt: number;
  readonly expiresAt: number | null;
  readonly expirySource: 'expires_in' | 'jwt_exp' | 'unknown';
}
