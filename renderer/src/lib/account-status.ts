// How each account state reads: one exhaustive switch over AccountState['kind'], and the line a row shows.
import type { AccountState, AccountListItem } from './types.js';
import { formatTime, formatUntil } from './format.js';
import { usableUntil } from './account-actions.js';

export { holdsToken } from './account-actions.js';

export type Tone = 'ok' | 'warn' | 'busy' | 'error' | 'muted';

export interface StatusView {
  readonly label: string;
  readonly tone: Tone;
  /** A sentence saying why, or what to do; null when the label says it all. */
  readonly detail: string | null;
  /** When the access token expires, for states that have one. */
  readonly expiresAt: number | null;
  /** Whether the person must act (sign in) for the account to work again. */
  readonly needsPerson: boolean;
  /** What `detail` says beyond an error's own message (when it retries, how long the token lasts), for pages that show the error itself. */
  readonly extra?: string | null;
}

const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

function unreachable(state: never): never {
  throw new Error(`Unhandled account state ${JSON.stringify(state)}`);
}

export function statusOf(state: AccountState): StatusView {
  switch (state.kind) {
    case 'signed_out':
      return { label: 'Signed out', tone: 'muted', detail: 'Sign in to get a token.', expiresAt: null, needsPerson: true };
    case 'valid':
      return { label: 'Valid', tone: 'ok', detail: null, expiresAt: state.expiresAt, needsPerson: false };
    case 'expiring':
      return { label: 'Expiring soon', tone: 'warn', detail: null, expiresAt: state.expiresAt, needsPerson: false };
    case 'refreshing':
      return { label: 'Refreshing', tone: 'busy', detail: null, expiresAt: state.expiresAt, needsPerson: false };
    case 'expired':
      return { label: 'Expired', tone: 'warn', detail: 'Renewing shortly.', expiresAt: state.expiresAt, needsPerson: false };
    case 'needs_sign_in':
      return { label: 'Needs sign-in', tone: 'warn', detail: sentence(state.reason), expiresAt: null, needsPerson: true };
    case 'error':
      return {
        label: 'Error',
        tone: 'error',
        detail: state.retryAt === null ? sentence(state.error.message) : `${sentence(state.error.message)} Retrying at ${formatTime(state.retryAt)}.`,
        extra: state.retryAt === null ? null : `Retrying at ${formatTime(state.retryAt)}.`,
        expiresAt: null,
        // Nothing retries a failure without a retry time (a failed or cancelled first sign-in): the person must act.
        needsPerson: state.retryAt === null,
      };
    default:
      return unreachable(state);
  }
}

/**
 * The status of an account as a row or detail page shows it: the state's reading, plus how long a
 * token that still works lasts when the account cannot renew it (needs sign-in, a failure).
 */
export function accountStatus(account: AccountListItem, now: number): StatusView {
  const status = statusOf(account.state);
  if (account.state.kind !== 'needs_sign_in' && account.state.kind !== 'error') return status;
  const until = usableUntil(account, now);
  if (until === null) return status;
  const lasts = until === Number.POSITIVE_INFINITY ? 'The current token still works (no stated expiry).' : `The current token still works until ${formatUntil(until, now)}.`;
  return { ...status, detail: `${status.detail ?? ''} ${lasts}`.trim(), extra: `${status.extra ?? ''} ${lasts}`.trim() };
}
