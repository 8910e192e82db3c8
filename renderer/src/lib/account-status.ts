// How each account state reads: one exhaustive switch over AccountState['kind'].
import type { AccountState, AccountView } from './types.js';
import { formatTime } from './format.js';

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
}

/** Whether the account has a token at all (its expiry stays worth showing in error and needs-sign-in states). */
export const holdsToken = (account: AccountView): boolean => account.issuedAt !== null && account.state.kind !== 'signed_out';

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
      return { label: 'Needs sign-in', tone: 'warn', detail: state.reason, expiresAt: null, needsPerson: true };
    case 'error':
      return {
        label: 'Error',
        tone: 'error',
        detail: state.retryAt === null ? state.error.message : `${sentence(state.error.message)} Retrying at ${formatTime(state.retryAt)}.`,
        expiresAt: null,
        needsPerson: false,
      };
    default:
      return unreachable(state);
  }
}
