// Noticing that the machine slept: timers stand still meanwhile, so a gap in wall-clock time between ticks says so.

export interface WakeDetectorOptions {
  readonly intervalMs?: number;
  /** A tick later than this beyond the interval counts as a wake (or a wall-clock jump). */
  readonly toleranceMs?: number;
  readonly now?: () => number;
  readonly every?: (fn: () => void, ms: number) => { cancel(): void };
}

const everyReal = (fn: () => void, ms: number): { cancel(): void } => {
  const handle = setInterval(fn, ms);
  // Never keeps a process alive on its own.
  handle.unref();
  return { cancel: () => clearInterval(handle) };
};

/** Calls `onWake` when wall-clock time between two ticks jumps past the interval: for shells without a power monitor (`tokenry serve`). */
export function watchForWake(onWake: () => void, options: WakeDetectorOptions = {}): () => void {
  const interval = options.intervalMs ?? 30_000;
  const tolerance = options.toleranceMs ?? 30_000;
  const now = options.now ?? Date.now;
  let last = now();
  const timer = (options.every ?? everyReal)(() => {
    const current = now();
    const gap = current - last;
    last = current;
    if (gap > interval + tolerance || gap < 0) onWake();
  }, interval);
  return () => timer.cancel();
}
