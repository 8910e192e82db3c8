// Specifies notifications: an account entering needs_sign_in is announced once; tray copies are confirmed.

import { describe, expect, it, vi } from 'vitest';

const shown: Array<{ options: unknown; clicked?: () => void }> = [];
const supported = { value: true };
vi.mock('electron', () => ({
  Notification: class {
    static isSupported = () => supported.value;
    private readonly entry: { options: unknown; clicked?: () => void };
    constructor(options: unknown) {
      this.entry = { options };
    }
    on(_name: string, listener: () => void) {
      this.entry.clicked = listener;
    }
    show() {
      shown.push(this.entry);
    }
  },
}));

const { copyNotice, createSignInNotifier, loopbackSignInNotice, showNotice, signInNotice } = await import('../../../electron/main/notifications.js');

describe('signInNotice', () => {
  it('announces entering needs_sign_in from any other state, not staying in it', () => {
    const state = { kind: 'needs_sign_in', reason: 'The refresh token was revoked.' } as const;
    expect(signInNotice('work', 'valid', state)).toEqual({ title: 'work needs you to sign in', body: 'The refresh token was revoked. Open Tokenry to sign in again.' });
    expect(signInNotice('work', undefined, state)).not.toBeNull();
    expect(signInNotice('work', 'needs_sign_in', state)).toBeNull();
    expect(signInNotice('work', 'needs_sign_in', { kind: 'valid', expiresAt: 1 })).toBeNull();
  });
});

describe('createSignInNotifier', () => {
  it('does not announce accounts already waiting at start, but does once they enter again', () => {
    const show = vi.fn();
    const notify = createSignInNotifier([{ name: 'old', state: { kind: 'needs_sign_in', reason: 'r' } }], show);
    notify('old', { kind: 'needs_sign_in', reason: 'r' });
    expect(show).not.toHaveBeenCalled();
    notify('old', { kind: 'valid', expiresAt: 1 });
    notify('old', { kind: 'needs_sign_in', reason: 'again' });
    notify('old', { kind: 'needs_sign_in', reason: 'again' });
    notify('new', { kind: 'refreshing', expiresAt: 1 });
    notify('new', { kind: 'needs_sign_in', reason: 'invalid_grant' });
    expect(show.mock.calls.map(([name]) => name)).toEqual(['old', 'new']);
  });
});

describe('copyNotice and loopbackSignInNotice', () => {
  it('confirms a copy silently with when the clipboard clears', () => {
    expect(copyNotice('work', { ok: true, value: { clearsAt: 1_000_030_000 } }, 1_000_000_000)).toEqual({
      title: 'Token of work copied',
      body: 'The access token is on the clipboard; it is cleared in 30 s if still there.',
      silent: true,
    });
    expect(copyNotice('work', { ok: true, value: { clearsAt: null } }, 0).body).toBe('The access token is on the clipboard.');
  });

  it('says why a copy failed', () => {
    const notice = copyNotice('work', { ok: false, error: { code: 'needs_sign_in', kind: 'needs_sign_in', message: 'Sign in to work again.' } }, 0);
    expect(notice).toEqual({ title: 'Could not copy the token of work', body: 'Sign in to work again.' });
  });

  it('names the account a program asked for', () => {
    expect(loopbackSignInNotice('ci').title).toBe('ci needs you to sign in');
  });
});

describe('showNotice', () => {
  it('shows through the OS and brings the window up on click; nothing where unsupported', () => {
    const onClick = vi.fn();
    showNotice({ title: 't', body: 'b' }, onClick);
    expect(shown).toHaveLength(1);
    expect(shown[0]!.options).toEqual({ title: 't', body: 'b', silent: false });
    shown[0]!.clicked?.();
    expect(onClick).toHaveBeenCalled();
    supported.value = false;
    showNotice({ title: 't', body: 'b' }, onClick);
    expect(shown).toHaveLength(1);
  });
});
