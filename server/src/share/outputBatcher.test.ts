import { afterEach, describe, expect, it, vi } from "vitest";
import { BATCH_BYTES, BATCH_INTERVAL_MS, HIGH_WATER, OutputBatcher } from "./outputBatcher";

afterEach(() => {
  vi.useRealTimers();
});

function sink(buffered = () => 0, mayFlush = () => true) {
  const sent: string[] = [];
  const pauses: boolean[] = [];
  return { sent, pauses, sink: { send: (data: string) => (sent.push(data), true), buffered, mayFlush, pause: (paused: boolean) => pauses.push(paused) } };
}

describe("output batcher", () => {
  it("coalesces small writes into one frame per interval", () => {
    vi.useFakeTimers();
    const { sent, sink: target } = sink();
    const batcher = new OutputBatcher(target);
    for (const piece of ["a", "b", "c"]) batcher.push(piece);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS + 1);
    expect(sent).toEqual(["abc"]);
  });

  it("sends at once when a batch's worth is waiting", () => {
    vi.useFakeTimers();
    const { sent, sink: target } = sink();
    const batcher = new OutputBatcher(target);
    batcher.push("x".repeat(BATCH_BYTES));
    expect(sent.map((s) => s.length)).toEqual([BATCH_BYTES]);
  });

  it("pauses the source while the socket is congested and resumes once it drains", () => {
    vi.useFakeTimers();
    let queued = HIGH_WATER;
    const { sent, pauses, sink: target } = sink(() => queued);
    const batcher = new OutputBatcher(target);
    batcher.push("flood");
    vi.advanceTimersByTime(BATCH_INTERVAL_MS + 1);
    expect(sent).toEqual([]);
    expect(pauses).toEqual([true]);
    queued = 0;
    vi.advanceTimersByTime(BATCH_INTERVAL_MS + 1);
    expect(sent).toEqual(["flood"]);
    expect(pauses).toEqual([true, false]);
    batcher.dispose();
  });

  it("keeps output waiting, not dropped, while the host's frame budget is spent", () => {
    vi.useFakeTimers();
    let allowed = false;
    const { sent, sink: target } = sink(() => 0, () => allowed);
    const batcher = new OutputBatcher(target);
    batcher.push("kept");
    vi.advanceTimersByTime(BATCH_INTERVAL_MS * 3);
    expect(sent).toEqual([]);
    allowed = true;
    batcher.push(" and more");
    vi.advanceTimersByTime(BATCH_INTERVAL_MS + 1);
    expect(sent).toEqual(["kept and more"]);
    batcher.dispose();
  });
});
