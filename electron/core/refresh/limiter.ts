// A concurrency limit on upstream calls, so that many accounts renewing at once don't flood providers.

export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private peak = 0;

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('Limiter needs a positive whole number of slots.');
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing call hands its slot straight to the next waiter, so no newcomer can slip in between.
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** The most calls ever running at once: lets tests check the bound holds. */
  get highWater(): number {
    return this.peak;
  }
}
