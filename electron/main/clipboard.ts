// Copying a token: onto the clipboard, and off it again after the configured time, but only if it is still there.
import type { Clipboard } from 'electron';

/** The clipboard is cleared only while it still holds the copied token: never wipe what the person copied since. */
export function shouldClearClipboard(current: string, copied: string): boolean {
  return copied !== '' && current === copied;
}

/** When a copy made at `now` is cleared, or null when it is never cleared (0 seconds). */
export function clearTime(now: number, clearAfterSeconds: number): number | null {
  return clearAfterSeconds > 0 ? now + clearAfterSeconds * 1000 : null;
}

/** Electron 45's clipboard: readText and writeText are asynchronous (modelled on navigator.clipboard). */
export type ClipboardLike = Pick<Clipboard, 'readText' | 'writeText' | 'clear'>;

export interface ClipboardTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface TokenClipboard {
  /** Puts `token` on the clipboard; resolves with when it will be cleared (null: never). For HandlerDeps.copyToClipboard. */
  copy(token: string, clearAfterSeconds: number): Promise<number | null>;
  /** Clears now if the clipboard still holds the last copied token (on quit), and cancels the timer. */
  clearNow(): Promise<void>;
}

const NODE_TIMERS: ClipboardTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** One pending clear at a time: a new copy replaces the previous one's timer. */
export function createTokenClipboard(clipboard: ClipboardLike, timers: ClipboardTimers = NODE_TIMERS, now: () => number = Date.now): TokenClipboard {
  let pending: { readonly token: string; readonly timer: unknown } | null = null;

  const clearIfUnchanged = async (token: string): Promise<void> => {
    try {
      if (shouldClearClipboard(await clipboard.readText(), token)) clipboard.clear();
    } catch (error) {
      console.warn('Tokenry: could not check the clipboard', error);
    }
  };

  return {
    async copy(token, clearAfterSeconds) {
      if (pending !== null) timers.clearTimeout(pending.timer);
      pending = null;
      await clipboard.writeText(token);
      const at = clearTime(now(), clearAfterSeconds);
      if (at === null) return null;
      const timer = timers.setTimeout(() => {
        pending = null;
        void clearIfUnchanged(token);
      }, clearAfterSeconds * 1000);
      pending = { token, timer };
      return at;
    },
    async clearNow() {
      if (pending === null) return;
      timers.clearTimeout(pending.timer);
      const { token } = pending;
      pending = null;
      await clearIfUnchanged(token);
    },
  };
}
