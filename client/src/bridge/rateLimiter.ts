/**
 * A token bucket per plugin: `burst` requests at once, refilled at `perSecond`.
 * A plugin that keeps hitting the limit is flooding; the host then stops it.
 */

/** A request-rate limit. */
export interface RateLimiter {
  /** Takes one token; false when the bucket is empty. */
  take(): boolean;
  /** Requests refused in the current flood window (for flood detection). */
  readonly refusedRecently: number;
}

/** Limits used by the host bridge per plugin instance. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
  /**
   * Refusals within {@link FLOOD_WINDOW_MS} after which the plugin counts as
   * flooding: it kept sending past the limit, however fast the host drains
   * its messages.
   */
  readonly floodAfter: number;
}

/** The window in which refusals are counted towards {@link RateLimit.floodAfter}. */
export const FLOOD_WINDOW_MS = 2000;

/** Default limit: 2,000 requests/s sustained, bursts of 2,000, flooding after 200 refusals within 2 s. */
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 2000, burst: 2000, floodAfter: 200 };

/** Creates a token bucket; `now` is injectable for tests. */
export function createRateLimiter(limit: RateLimit, now: () => number = () => performance.now()): RateLimiter {
  let tokens = limit.burst;
  let last = now();
  let refused = 0;
  let refusedSince = last;
  return {
    take() {
      const t = now();
      tokens = Math.min(limit.burst, tokens + ((t - last) / 1000) * limit.perSecond);
      last = t;
      if (t - refusedSince > FLOOD_WINDOW_MS) {
        refused = 0;
        refusedSince = t;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      refused++;
      return false;
    },
    get refusedRecently() {
      return refused;
    },
  };
}

/**
 * The limit this client uses: {@link DEFAULT_RATE_LIMIT}, unless
 * `localStorage["taiku:bridge-rate-limit"]` holds a complete override
 * `{ perSecond, burst, floodAfter }` (for benchmarks and development).
 */
export function configuredRateLimit(storage: Pick<Storage, "getItem"> = localStorage): RateLimit {
  const raw = storage.getItem("taiku:bridge-rate-limit");
  if (raw === null) return DEFAULT_RATE_LIMIT;
  const parsed: unknown = JSON.parse(raw);
  const { perSecond, burst, floodAfter } = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const positive = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value > 0;
  return positive(perSecond) && positive(burst) && positive(floodAfter) ? { perSecond, burst, floodAfter } : DEFAULT_RATE_LIMIT;
}
