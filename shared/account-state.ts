// Each account's one state (docs/technical/architecture.md), as a readonly discriminated union derived from plain facts.

import type { ErrorValue } from './errors.js';

export type AccountState =
  | { readonly kind: 'signed_out' }
  | { readonly kind: 'valid'; readonly expiresAt: number | null }
  | { readonly kind: 'expiring'; readonly expiresAt: number }
  | { readonly kind: 'refreshing'; readonly expiresAt: number | null }
  | { readonly kind: 'expired'; readonly expiresAt: number }
  | { readonly kind: 'needs_sign_in'; readonly reason: string }
  | { readonly kind: 'error'; readonly error: ErrorValue; readonly retryAt: number | null };

export type AccountStateKind = AccountState['kind'];

export interface StateFacts {
  readonly now: number;
  /** Whether there is an access token at all. */
  readonly hasToken: boolean;
  readonly expiresAt: number | null;
  /** How long before expiry a token counts as expiring. */
  readonly leadMs: number;
  /** A refresh token or client credentials: the account can renew without the person. */
  readonly canRenew: boolean;
  readonly refreshing: boolean;
  readonly needsSignIn: string | null;
  readonly failure: { readonly error: ErrorValue; readonly retryAt: number | null } | null;
}

export function deriveState(f: StateFacts): AccountState {
  if (f.refreshing) return { kind: 'refreshing', expiresAt: f.expiresAt };
  if (f.needsSignIn !== null) return { kind: 'needs_sign_in', reason: f.needsSignIn };
  // A failed grant matters even before there is a token (a client_credentials account that cannot sign in).
  if (f.failure !== null) return { kind: 'error', error: f.failure.error, retryAt: f.failure.retryAt };
  if (!f.hasToken) return { kind: 'signed_out' };
  if (f.expiresAt === null) return { kind: 'valid', expiresAt: null };
  if (f.now >= f.expiresAt) {
    return f.canRenew
      ? { kind: 'expired', expiresAt: f.expiresAt }
      : { kind: 'needs_sign_in', reason: 'The access token expired and this account cannot renew it without you.' };
  }
  if (f.now >= f.expiresAt - f.leadMs) return { kind: 'expiring', expiresAt: f.expiresAt };
  return { kind: 'valid', expiresAt: f.expiresAt };
}

/** A label a person reads, for the CLI and the tray. */
export function describeState(state: AccountState): string {
  switch (state.kind) {
    case 'signed_out':
      return 'signed out';
    case 'valid':
      return 'valid';
    case 'expiring':
      return 'expiring soon';
    case 'refreshing':
      return 'refreshing';
    case 'expired':
      return 'expired';
    case 'needs_sign_in':
      return 'needs sign-in';
    case 'error':
      return `error: ${state.error.message}`;
  }
}
