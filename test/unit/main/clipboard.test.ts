// Specifies token copying: on the clipboard, cleared after the configured time only if it still holds the token.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearTime, createTokenClipboard, shouldClearClipboard, type ClipboardLike } from '../../../electron/main/clipboard.js';

function fakeClipboard(initial = '') {
  let text = initial;
  const clipboard = {
    readText: vi.fn(async () => text),
    writeText: vi.fn(async (next: string) => {
      text = next;
    }),
    clear: vi.fn(() => {
      text = '';
    }),
  };
  return { clipboard: clipboard as ClipboardLike & typeof clipboard, text: () => text, personCopies: (next: string) => (text = next) };
}

const NOW = 1_700_000_000_000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

describe('shouldClearClipboard', () => {
  it('clears only while the clipboard still holds exactly the copied token', () => {
    expect(shouldClearClipboard('eyJ.token', 'eyJ.token')).toBe(true);
    expect(shouldClearClipboard('something the person copied since', 'eyJ.token')).toBe(false);
    expect(shouldClearClipboard('eyJ.token ', 'eyJ.token')).toBe(false);
    expect(shouldClearClipboard('', '')).toBe(false);
  });
});

describe('clearTime', () => {
  it('is now plus the delay, or never for 0', () => {
    expect(clearTime(NOW, 30)).toBe(NOW + 30_000);
    expect(clearTime(NOW, 0)).toBeNull();
  });
});

describe('createTokenClipboard', () => {
  it('copies, reports when it clears, and clears after the delay', async () => {
    const { clipboard, text } = fakeClipboard();
    const tokens = createTokenClipboard(clipboard);
    expect(await tokens.copy('tok-1', 30)).toBe(NOW + 30_000);
    expect(text()).toBe('tok-1');
    await vi.advanceTimersByTimeAsync(29_999);
    expect(text()).toBe('tok-1');
    await vi.advanceTimersByTimeAsync(1);
    expect(text()).toBe('');
    expect(clipboard.clear).toHaveBeenCalledTimes(1);
  });

  it('leaves alone what the person copied in the meantime', async () => {
    const { clipboard, text, personCopies } = fakeClipboard();
    const tokens = createTokenClipboard(clipboard);
    await tokens.copy('tok-1', 5);
    personCopies('my shopping list');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(text()).toBe('my shopping list');
    expect(clipboard.clear).not.toHaveBeenCalled();
  });

  it('never clears with a delay of 0', async () => {
    const { clipboard, text } = fakeClipboard();
    const tokens = createTokenClipboard(clipboard);
    expect(await tokens.copy('tok-1', 0)).toBeNull();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(text()).toBe('tok-1');
  });

  it('a second copy replaces the first one timer', async () => {
    const { clipboard, text } = fakeClipboard();
    const tokens = createTokenClipboard(clipboard);
    await tokens.copy('tok-1', 10);
    await vi.advanceTimersByTimeAsync(8_000);
    await tokens.copy('tok-2', 10);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(text()).toBe('tok-2');
    await vi.advanceTimersByTimeAsync(8_000);
    expect(text()).toBe('');
  });

  it('clearNow (on quit) clears a token still there and cancels the timer', async () => {
    const { clipboard, text } = fakeClipboard();
    const tokens = createTokenClipboard(clipboard);
    await tokens.clearNow();
    expect(clipboard.clear).not.toHaveBeenCalled();
    await tokens.copy('tok-1', 30);
    await tokens.clearNow();
    expect(text()).toBe('');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(clipboard.clear).toHaveBeenCalledTimes(1);
  });

  it('survives a clipboard that cannot be read', async () => {
    const { clipboard, text } = fakeClipboard();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    clipboard.readText.mockRejectedValueOnce(new Error('no X selection owner'));
    const tokens = createTokenClipboard(clipboard);
    await tokens.copy('tok-1', 1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(text()).toBe('tok-1');
    expect(clipboard.clear).not.toHaveBeenCalled();
  });
});
