/**
 * Request-rate limiting: one token bucket per caller (per login token, or per
 * address for anonymous requests), in memory. A bucket holds up to `burst`
 * requests and refills at `perSecond`; a request finding it empty is refused.
 * Full buckets are forgotten, so unknown callers cannot grow the map forever.
 */

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Token buckets keyed by caller. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request from `key`'s bucket; the seconds to wait when it is empty, else 0. */
  take(key: string): number {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return this.perSecond > 0 ? Math.ceil((1 - bucket.tokens) / this.perSecond) : 60;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }
}
