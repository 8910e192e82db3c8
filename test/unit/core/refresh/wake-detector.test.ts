// Specifies watchForWake(): a gap in wall-clock time between ticks means the machine slept.
import { describe, expect, it, vi } from 'vitest';
import { watchForWake } from '../../../../electron/core/refresh/wake-detector.js';

function driver(): { now: () => number; every: (fn: () => void, ms: number) => { cancel(): void }; tick: (elapsedMs: number) => void; cancelled: () => boolean } {
  let time = 1_000_000;
  let callback: (() => void) | null = null;
  let cancelled = false;
  return {
    now: () => time,
    every: (fn) => {
      callback = fn;
      return { cancel: () => (cancelled = true) };
    },
    tick: (elapsedMs) => {
      time += elapsedMs;
      callback?.();
    },
    cancelled: () => cancelled,
  };
}

describe('watchForWake()', () => {
  it('stays quiet while ticks come on time', () => {
    const d = driver();
    let wakes = 0;
    watchForWake(() => (wakes += 1), { intervalMs: 30_000, toleranceMs: 30_000, now: d.now, every: d.every });
    for (let i = 0; i < 10; i++) d.tick(30_000 + 5_000);
    expect(wakes).toBe(0);
  });

  it('calls onWake once when a tick arrives long after the interval (the machine slept)', () => {
    const d = driver();
    let wakes = 0;
    watchForWake(() => (wakes += 1), { intervalMs: 30_000, toleranceMs: 30_000, now: d.now, every: d.every });
    d.tick(30_000);
    d.tick(2 * 3600_000);
    d.tick(30_000);
    expect(wakes).toBe(1);
  });

  it('calls onWake when the wall clock goes backwards', () => {
    const d = driver();
    let wakes = 0;
    watchForWake(() => (wakes += 1), { now: d.now, every: d.every });
    d.tick(-60_000);
    expect(wakes).toBe(1);
  });

  it('stops its timer when told to', () => {
    const d = driver();
    const stop = watchForWake(() => undefined, { now: d.now, every: d.every });
    stop();
    expect(d.cancelled()).toBe(true);
  });
});

describe('watchForWake() boundaries', () => {
  it('treats a tick exactly at the interval plus tolerance as on time, and one a millisecond later as a wake', () => {
    const d = driver();
    let wakes = 0;
    watchForWake(() => (wakes += 1), { intervalMs: 30_000, toleranceMs: 10_000, now: d.now, every: d.every });
    d.tick(40_000);
    expect(wakes).toBe(0);
    d.tick(40_001);
    expect(wakes).toBe(1);
  });

  it('treats a tick at the same wall-clock time as on time (the clock did not go backwards)', () => {
    const d = driver();
    let wakes = 0;
    watchForWake(() => (wakes += 1), { now: d.now, every: d.every });
    d.tick(0);
    expect(wakes).toBe(0);
  });

  it('ticks every 30 s by default and allows 30 s of lateness before it calls a tick a wake', () => {
    const d = driver();
    const intervals: number[] = [];
    let wakes = 0;
    watchForWake(() => (wakes += 1), {
      now: d.now,
      every: (fn, ms) => {
        intervals.push(ms);
        return d.every(fn, ms);
      },
    });
    d.tick(60_000);
    expect(wakes).toBe(0);
    d.tick(60_001);
    expect({ intervals, wakes }).toEqual({ intervals: [30_000], wakes: 1 });
  });

  it('runs on a real interval that does not keep the process alive, and stops it when told to', () => {
    vi.useFakeTimers();
    try {
      const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
      let wakes = 0;
      const stop = watchForWake(() => (wakes += 1), { intervalMs: 1_000, toleranceMs: 1_000, now: () => 0 });
      const handle = setIntervalSpy.mock.results[0]?.value as NodeJS.Timeout;
      expect(handle.hasRef()).toBe(false);
      expect(vi.getTimerCount()).toBe(1);
      stop();
      expect(vi.getTimerCount()).toBe(0);
      expect(wakes).toBe(0);
    } finally {
      vi.useRealTimers();
      vi.restoreAllMocks();
    }
  });
});
