import { afterEach, describe, expect, it, vi } from "vitest";
import { configuredLiveness, createLivenessMonitor, DEFAULT_LIVENESS } from "./livenessMonitor";

afterEach(() => {
  vi.useRealTimers();
});

function start() {
  vi.useFakeTimers();
  const pings: number[] = [];
  const changes: boolean[] = [];
  const monitor = createLivenessMonitor({
    timing: { intervalMs: 3_000, timeoutMs: 10_000 },
    sendPing: (n) => pings.push(n),
    onChange: (responsive) => changes.push(responsive),
  });
  return { monitor, pings, changes };
}

describe("liveness monitor", () => {
  it("pings every interval with n counting up from 1", () => {
    const { monitor, pings } = start();
    expect(pings).toEqual([]);
    vi.advanceTimersByTime(9_000);
    expect(pings).toEqual([1, 2, 3]);
    monitor.stop();
    vi.advanceTimersByTime(9_000);
    expect(pings).toEqual([1, 2, 3]);
  });

  it("never judges an instance that has never answered a ping", () => {
    const { monitor, changes } = start();
    vi.advanceTimersByTime(60_000);
    expect(changes).toEqual([]);
    expect(monitor.responsive).toBe(true);
    monitor.stop();
  });

  it("calls an instance not responding once a ping has waited more than the timeout, and responsive at its next pong", () => {
    const { monitor, pings, changes } = start();
    vi.advanceTimersByTime(3_000);
    monitor.pong(1);
    vi.advanceTimersByTime(12_000);
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(3_000);
    expect(changes).toEqual([false]);
    expect(monitor.responsive).toBe(false);
    monitor.pong(pings.at(-1) ?? 0);
    expect(changes).toEqual([false, true]);
    expect(monitor.responsive).toBe(true);
    monitor.stop();
  });

  it("keeps an instance that answers every ping responsive", () => {
    const { monitor, changes } = start();
    for (let n = 1; n <= 20; n++) {
      vi.advanceTimersByTime(3_000);
      monitor.pong(n);
    }
    expect(changes).toEqual([]);
    monitor.stop();
  });

  it("ignores pongs for pings it never sent", () => {
    const { monitor, changes } = start();
    for (const n of [0, -1, 1.5, Number.NaN, 99]) monitor.pong(n);
    vi.advanceTimersByTime(60_000);
    expect(changes).toEqual([]);
    monitor.stop();
  });
});

describe("configuredLiveness", () => {
  const storage = (value: string | null) => ({ getItem: () => value });

  it("takes a complete override from localStorage", () => {
    expect(configuredLiveness(storage('{"intervalMs":200,"timeoutMs":1500}'))).toEqual({ intervalMs: 200, timeoutMs: 1500 });
  });

  it("falls back to the default without storage, without an override, or with a bad one", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(configuredLiveness(undefined)).toEqual(DEFAULT_LIVENESS);
    for (const raw of [null, "not json", '{"intervalMs":200}', '{"intervalMs":-1,"timeoutMs":5}', "[]", "null"]) {
      expect(configuredLiveness(storage(raw)), String(raw)).toEqual(DEFAULT_LIVENESS);
    }
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("not JSON"), expect.anything());
    warn.mockRestore();
  });
});
