/**
 * The quiet timer fires once, a quiet time after the last touch, however
 * many touches came before; stopping it cancels it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QuietTimer } from "./quietTimer";

let clock = 0;
beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
});
afterEach(() => vi.useRealTimers());

/** Moves the test clock and the faked timers on together. */
function pass(ms: number): void {
  for (let step = 0; step < ms; step++) {
    clock++;
    vi.advanceTimersByTime(1);
  }
}

describe("QuietTimer", () => {
  it("fires once the quiet time has passed since the last touch, not since the first", () => {
    const fired: number[] = [];
    const quiet = new QuietTimer(100, () => fired.push(clock), () => clock);
    quiet.touch();
    pass(60);
    quiet.touch();
    pass(60);
    expect(fired).toEqual([]);
    pass(40);
    expect(fired).toEqual([160]);
    pass(500);
    expect(fired).toEqual([160]);
  });

  it("keeps one timer however often it is touched", () => {
    const quiet = new QuietTimer(100, () => undefined, () => clock);
    for (let i = 0; i < 1_000; i++) quiet.touch();
    expect(vi.getTimerCount()).toBe(1);
  });

  it("looks again a quiet time later when retried, without a new touch", () => {
    const fired: number[] = [];
    const quiet = new QuietTimer(100, () => fired.push(clock), () => clock);
    quiet.touch();
    pass(100);
    quiet.retry();
    pass(100);
    expect(fired).toEqual([100, 200]);
  });

  it("never fires once stopped", () => {
    const fired: number[] = [];
    const quiet = new QuietTimer(100, () => fired.push(clock), () => clock);
    quiet.touch();
    pass(50);
    quiet.stop();
    pass(500);
    expect(fired).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
