// Specifies systemClock, the real clock behind the refresh engine: wall-clock time, timers that never keep a
// process alive, and waits longer than setTimeout's 2^31-1 ms limit. Driven by Vitest's fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../../electron/core/refresh/clock.js';

const MAX_TIMEOUT = 2 ** 31 - 1;

describe('systemClock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2025, 0, 1) });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('systemClock.now() is the wall-clock time in epoch milliseconds', () => {
    expect(systemClock.now()).toBe(Date.UTC(2025, 0, 1));
    vi.advanceTimersByTime(1_500);
    expect(systemClock.now()).toBe(Date.UTC(2025, 0, 1) + 1_500);
  });

  it('systemClock.setTimer() calls back once, after the time asked and not before', () => {
    const fn = vi.fn();
    systemClock.setTimer(fn, 1_000);
    vi.advanceTimersByTime(999);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('systemClock.setTimer() fires a timer asked for a time already past at once', () => {
    const fn = vi.fn();
    systemClock.setTimer(fn, -5_000);
    vi.advanceTimersByTime(0);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('systemClock.setTimer() never keeps the process alive on its own (a CLI exits when its work is done)', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    systemClock.setTimer(() => undefined, 1_000);
    const handle = spy.mock.results[0]?.value as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
  });

  it('systemClock.setTimer() waits past the 2^31-1 ms limit of setTimeout by re-arming, without firing early', () => {
    const fn = vi.fn();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    systemClock.setTimer(fn, MAX_TIMEOUT + 5_000);
    expect(spy.mock.calls[0]?.[1]).toBe(MAX_TIMEOUT);
    vi.advanceTimersByTime(MAX_TIMEOUT);
    expect(fn).not.toHaveBeenCalled();
    expect(spy.mock.calls[1]?.[1]).toBe(5_000);
    expect((spy.mock.results[1]?.value as NodeJS.Timeout).hasRef()).toBe(false);
    vi.advanceTimersByTime(4_999);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('systemClock.setTimer() fires a wait of exactly 2^31-1 ms in one go', () => {
    const fn = vi.fn();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    systemClock.setTimer(fn, MAX_TIMEOUT);
    vi.advanceTimersByTime(MAX_TIMEOUT);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('systemClock.setTimer() is cancelled by its handle, also after it was re-armed', () => {
    const short = vi.fn();
    systemClock.setTimer(short, 1_000).cancel();
    const long = vi.fn();
    const handle = systemClock.setTimer(long, MAX_TIMEOUT + 5_000);
    vi.advanceTimersByTime(MAX_TIMEOUT);
    handle.cancel();
    vi.advanceTimersByTime(10_000);
    expect({ short: short.mock.calls.length, long: long.mock.calls.length, pending: vi.getTimerCount() }).toEqual({ short: 0, long: 0, pending: 0 });
  });

  it('systemClock.sleep() resolves after the time asked', async () => {
    let woke = false;
    const sleeping = systemClock.sleep(2_000).then(() => (woke = true));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(woke).toBe(true);
  });
});
