// What the UI and the CLI see of accounts, providers and tokens: plain data, never a secret but the token asked for.

import type { AccountState } from './account-state.js';

export interface SignInFieldView {
  readonly name: 'username' | 'password' | 'otp';
  readonly label: string;
  readonly required: boolean;
  readonly secret: boolean;
}

export interface ProviderSummary {
  readonly id: string;
  readonly label: string;
  readonly grants: string[];
  readonly method: 'GET' | 'POST';
  readonly encoding: 'query' | 'form' | 'json' | 'xml';
  readonly clientAuth: 'basic' | 'body' | 'none';
  readonly tokenUrl: string;
  readonly baseUrl: string;
  readonly defaultScope: string | null;
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
