// Single flight: at most one operation per key in flight; every caller for that key shares its result.

export class SingleFlight<K, V> {
  private readonly inFlight = new Map<K, Promise<V>>();

  /** Runs `fn` unless one is already running for `key`, in which case its promise is shared. */
  run(key: K, fn: () => Promise<V>): Promise<V> {
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    let settled = false;
    const promise = (async () => {
      try {
        return await fn();
      } finally {
        settled = true;
        this.inFlight.delete(key);
      }
    })();
    // An `fn` that throws before returning a promise has already settled: don't keep its rejection as "in flight".
    if (!settled) this.inFlight.set(key, promise);
    return promise;
  }

  isRunning(key: K): boolean {
    return this.inFlight.has(key);
  }

  get size(): number {
    return this.inFlight.size;
  }
}
