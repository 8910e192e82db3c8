// Specifies watchForWake(): a gap in wall-clock time between ticks means the machine slept.
import { describe, expect, it } from 'vitest';
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
