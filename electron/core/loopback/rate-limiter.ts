// Token buckets per remote address: failed authentications spend tokens; an empty bucket answers 429.

export interface RateLimit {
  /** Failures allowed in a burst. */
  readonly burst: number;
  /** Failures forgiven per second once the burst is spent. */
  readonly perSecond: number;
}

export const DEFAULT_AUTH_RATE_LIMIT: RateLimit = { burst: 10, perSecond: 1 };

interface Bucket {
  tokens: number;
  at: number;
}

/** Addresses tracked at most; full buckets are forgotten first (on loopback there are very few). */
const MAX_BUCKETS = 4096;

export class FailureLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit = DEFAULT_AUTH_RATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Spends one token for a failure from `address`. Resolves 0 when the failure was within the
   * limit, else the milliseconds until a token is back (for Retry-After).
   */
  fail(address: string): number {
    const bucket = this.refill(address);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - bucket.tokens) / this.limit.perSecond) * 1000));
  }

  /** Whether `address` has failures left, without spending one. */
  allowed(address: string): boolean {
    return this.refill(address).tokens >= 1;
  }

  private refill(address: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(address);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.prune(now);
      bucket = { tokens: this.limit.burst, at: now };
      this.buckets.set(address, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    return bucket;
  }

  private prune(now: number): void {
    for (const [address, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond >= this.limit.burst) this.buckets.delete(address);
    }
    // Still full of busy addresses: forget the oldest quarter rather than grow without bound.
    if (this.buckets.size >= MAX_BUCKETS) {
      let excess = this.buckets.size - (MAX_BUCKETS * 3) / 4;
      for (const address of this.buckets.keys()) {
        if (excess-- <= 0) break;
        this.buckets.delete(address);
      }
    }
  }
}
