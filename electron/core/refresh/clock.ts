// The clock the refresh engine runs on: injected, so tests drive time by hand.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` after `ms`; timers must not keep a CLI process alive on their own. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    // setTimeout's limit is 2^31-1 ms; longer waits are re-armed.
    const MAX = 2 ** 31 - 1;
    let handle: ReturnType<typeof setTimeout>;
    const arm = (remaining: number): void => {
      handle = setTimeout(() => (remaining > MAX ? arm(remaining - MAX) : fn()), Math.min(Math.max(0, remaining), MAX));
      handle.unref?.();
    };
    arm(ms);
    return { cancel: () => clearTimeout(handle) };
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
