// What a person can do with an account right now: whether its token can be handed out, and the one
// primary action its row and detail page offer (Copy when a token is usable, Sign in when none is).
import type { AccountListItem } from './types.js';

export type PrimaryAction = 'copy' | 'sign-in';

/** Whether the account holds an access token at all (kept through error and needs-sign-in states). */
export const holdsToken = (account: AccountListItem): boolean => account.issuedAt !== null && account.state.kind !== 'signed_out';

/**
 * Until when a held token can still be handed out without the person: its expiry, `Infinity` when
 * the provider stated none, null when there is no token or it has expired. The core hands out an
 * unexpired token even when the account needs a new sign-in to renew it (the CLI does too).
 */
export function usableUntil(account: AccountListItem, now: number): number | null {
  if (!holdsToken(account)) return null;
  if (account.expiresAt === null) return Number.POSITIVE_INFINITY;
  return account.expiresAt > now ? account.expiresAt : null;
}

/** Whether asking for a token needs no person: a usable token, or one the core renews by itself first. */
export function canGetToken(account: AccountListItem, now: number): boolean {
  switch (account.state.kind) {
    case 'signed_out':
      return false;
    case 'valid':
    case 'expiring':
    case 'refreshing':
    case 'expired':
      return true;
    case 'needs_sign_in':
    case 'error':
      return usableUntil(account, now) !== null;
  }
}

export const primaryAction = (account: AccountListItem, now: number): PrimaryAction => (canGetToken(account, now) ? 'copy' : 'sign-in');

/**
 * When the answer of `primaryAction` may change by the clock alone (a held token running out in a
 * state that cannot renew it), so a row can flip from Copy to Sign in at that moment without
 * reading the ticking clock; null when only a state change can change it.
 */
export function actionChangesAt(account: AccountListItem, now: number): number | null {
  if (account.state.kind !== 'needs_sign_in' && account.state.kind !== 'error') return null;
  const until = usableUntil(account, now);
  return until === null || until === Number.POSITIVE_INFINITY ? null : until;
}

/** An account of a client of its own: it signs in with its client credentials only, no person ever does. */
export const isClientOnly = (account: Pick<AccountListItem, 'signInFlows'>): boolean =>
  account.signInFlows.length > 0 && account.signInFlows.every((flow) => flow === 'client_credentials');
