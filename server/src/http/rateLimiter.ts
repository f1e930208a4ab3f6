/**
 * Rate limiting, for API requests and sync frames alike: one token bucket
 * per key (a login token, an address, a sync connection), in memory. A
 * bucket holds up to `burst` takes and refills at `perSecond`; a take
 * finding it empty is refused. Full buckets are forgotten, so unknown
 * callers cannot grow the map forever.
 */

/** Options of {@link RateLimiter}, named so that rate and burst cannot be swapped. */
export interface RateLimiterOptions {
  /** Takes per second a key may make, sustained. */
  readonly perSecond: number;
  /** Takes a full bucket allows at once. */
  readonly burst: number;
  /** The clock, in milliseconds (default `performance.now`). */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Token buckets keyed by caller. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly now: () => number;
  private lastSweep: number;

  constructor(options: RateLimiterOptions) {
    this.perSecond = options.perSecond;
    this.burst = options.burst;
    this.now = options.now ?? (() => performance.now());
    this.lastSweep = this.now();
  }

  /** Takes one token from `key`'s bucket; the seconds to wait when it is empty, else 0. */
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

  /** The seconds `key` would wait if it took a token now (0: it would not); takes nothing. */
  peek(key: string): number {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return this.burst >= 1 ? 0 : this.perSecond > 0 ? Math.ceil(1 / this.perSecond) : 60;
    const tokens = Math.min(this.burst, bucket.tokens + ((this.now() - bucket.updatedAt) / 1000) * this.perSecond);
    if (tokens >= 1) return 0;
    return this.perSecond > 0 ? Math.ceil((1 - tokens) / this.perSecond) : 60;
  }

  /** Forgets `key`'s bucket (its caller is gone). */
  forget(key: string): void {
    this.buckets.delete(key);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }
}
