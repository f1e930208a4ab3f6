import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rateLimiter";

describe("the request-rate limiter", () => {
  it("lets a burst through, refuses the next request with a wait, and refills over time", () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perSecond: 1, now: () => now });
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([0, 0, 0]);
    expect(limiter.take("a")).toBe(1);
    now += 1000;
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBeGreaterThan(0);
  });

  it("forgets a caller's bucket on request, which then starts full", () => {
    const limiter = new RateLimiter({ burst: 1, perSecond: 1, now: () => 0 });
    expect(limiter.take("gone")).toBe(0);
    expect(limiter.take("gone")).toBeGreaterThan(0);
    limiter.forget("gone");
    expect(limiter.take("gone")).toBe(0);
  });

  it("keeps one bucket per caller", () => {
    const limiter = new RateLimiter({ burst: 1, perSecond: 1, now: () => 0 });
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBeGreaterThan(0);
    expect(limiter.take("b")).toBe(0);
  });
});
