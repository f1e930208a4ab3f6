import { afterEach, describe, expect, it, vi } from "vitest";
import { FrameBudget } from "./frameBudget";

afterEach(() => {
  vi.useRealTimers();
});

describe("frame budget", () => {
  it("allows its rate per second and refills over time", () => {
    vi.useFakeTimers();
    const budget = new FrameBudget(10);
    for (let i = 0; i < 10; i++) {
      expect(budget.available()).toBe(true);
      budget.spend();
    }
    expect(budget.available()).toBe(false);
    vi.advanceTimersByTime(200);
    expect(budget.available()).toBe(true);
  });
});
