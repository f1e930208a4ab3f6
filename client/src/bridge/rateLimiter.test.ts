/** The per-plugin token bucket. */
import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rateLimiter";

describe("rate limiter", () => {
  it("allows a burst, refuses beyond it, and refills over time", () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 10, burst: 5, floodAfter: 100 }, () => now);
    expect(Array.from({ length: 5 }, () => limiter.take())).toEqual([true, true, true, true, true]);
    expect(limiter.take()).toBe(false);
    expect(limiter.refusedRecently).toBe(1);
    now += 500;
    expect(Array.from({ length: 5 }, () => limiter.take()).filter(Boolean)).toHaveLength(5);
    now += 2500;
    expect(limiter.take()).toBe(true);
    expect(limiter.refusedRecently).toBe(0);
  });
});
