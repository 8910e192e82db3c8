// Desktop notifications: an account entering needs_sign_in is worth interrupting for; nothing else is.
import { Notification } from 'electron';
import type { AccountState, AccountStateKind } from '../../shared/account-state.js';
import type { ErrorValue } from '../../shared/errors.js';
import type { Result } from '../../shared/result.js';

export interface Notice {
  readonly title: string;
  readonly body: string;
  /** No sound: for confirmations the person just asked for. */
  readonly silent?: boolean;
}

/** The notice for an account that has just entered `needs_sign_in` (from any other state), else null. */
export function signInNotice(name: string, previous: AccountStateKind | undefined, next: AccountState): Notice | null {
  if (next.kind !== 'needs_sign_in' || previous === 'needs_sign_in') return null;
  return { title: `${name} needs you to sign in`, body: `${next.reason} Open Tokenry to sign in again.` };
}

/** A program asked the loopback endpoint for an account that needs the person. */
export function loopbackSignInNotice(name: string): Notice {
  return { title: `${name} needs you to sign in`, body: 'A program asked Tokenry for its token, but the account needs you to sign in again. Open Tokenry to sign in.' };
}

/** The confirmation of a tray copy (or why it failed). */
export function copyNotice(name: string, response: Result<{ readonly clearsAt: number | null }, ErrorValue>, now: number): Notice {
  if (!response.ok) return { title: `Could not copy the token of ${name}`, body: response.error.message };
  const { clearsAt } = response.value;
  const body =
    clearsAt === null
      ? 'The access token is on the clipboard.'
      : `The access token is on the clipboard; it is cleared in ${Math.max(0, Math.round((clearsAt - now) / 1000))} s if still there.`;
  return { title: `Token of ${name} copied`, body, silent: true };
}

/**
 * Tracks each account's last state kind and calls `show` when one enters `needs_sign_in`.
 * Accounts already in that state when the app starts are seeded as such: no burst at launch
 * (the tray and the window show them).
 */
export function createSignInNotifier(
  initial: Iterable<{ readonly name: string; readonly state: AccountState }>,
  show: (name: string, notice: Notice) => void,
): (name: string, state: AccountState) => void {
  const last = new Map<string, AccountStateKind>();
  for (const account of initial) last.set(account.name, account.state.kind);
  return (name, state) => {
    const notice = signInNotice(name, last.get(name), state);
    last.set(name, state.kind);
    if (notice !== null) show(name, notice);
  };
}

/** Shows a notice with the OS, when it supports notifications; `onClick` brings the window up. */
export function showNotice(notice: Notice, onClick: () => void): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: notice.title, body: notice.body, silent: notice.silent ?? false });
  notification.on('click', onClick);
  notification.show();
}
