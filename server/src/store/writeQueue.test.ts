import { describe, expect, it } from "vitest";
import { createWriteQueue } from "./writeQueue";

/** A writer whose writes finish only when the test says so. */
function controlledWriter() {
  const written: string[][] = [];
  const pending: Array<{ ops: string[]; finish: (error?: Error) => void }> = [];
  const failures: unknown[] = [];
  const queue = createWriteQueue<string>({
    writeBatch: (ops) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ ops, finish: (error) => (error ? reject(error) : (written.push(ops), resolve())) });
      }),
    onFailure: (error) => failures.push(error),
  });
  const nextWrite = async () => {
    for (let i = 0; i < 20 && pending.length === 0; i++) await new Promise((r) => setImmediate(r));
    const write = pending.shift();
    if (write === undefined) throw new Error("no write started");
    return write;
  };
  return { queue, written, failures, nextWrite };
}

describe("write queue (group commit)", () => {
  it("operations queued in one tick are written as one batch", async () => {
    const { queue, written, nextWrite } = controlledWriter();
    const calls = [queue.batch(["a"]), queue.batch(["b", "c"]), queue.batch(["d"])];
    (await nextWrite()).finish();
    await Promise.all(calls);
    expect(written).toEqual([["a", "b", "c", "d"]]);
  });

  it("operations arriving while a batch is written form the next batch", async () => {
    const { queue, written, nextWrite } = controlledWriter();
    const first = queue.batch(["a"]);
    const inFlight = await nextWrite();
    const later = [queue.batch(["b"]), queue.batch(["c"])];
    inFlight.finish();
    await first;
    (await nextWrite()).finish();
    await Promise.all(later);
    expect(written).toEqual([["a"], ["b", "c"]]);
  });

  it("a failed write rejects its callers and every write queued behind it, then the queue recovers", async () => {
    const { queue, written, failures, nextWrite } = controlledWriter();
    const doomed = [queue.batch(["a"]), queue.batch(["b"])];
    const inFlight = await nextWrite();
    const behind = [queue.batch(["c"]), queue.task(async () => void written.push(["task"]))];
    inFlight.finish(new Error("disk full"));
    const results = await Promise.allSettled([...doomed, ...behind]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe("disk full");
    expect((results[2] as PromiseRejectedResult).reason.message).toMatch(/earlier write failed: disk full/);
    expect(failures).toHaveLength(1);
    const after = queue.batch(["d"]);
    (await nextWrite()).finish();
    await after;
    expect(written).toEqual([["d"]]);
  });

  it("a task runs alone, after what was queued before it and before what was queued after", async () => {
    const { queue, written, nextWrite } = controlledWriter();
    const calls = [
      queue.batch(["a"]),
      queue.task(async () => void written.push(["task"])),
      queue.batch(["b"]),
    ];
    (await nextWrite()).finish();
    (await nextWrite()).finish();
    await Promise.all(calls);
    expect(written).toEqual([["a"], ["task"], ["b"]]);
  });

  it("settled waits until everything queued so far has been written", async () => {
    const { queue, written, nextWrite } = controlledWriter();
    await queue.settled();
    void queue.batch(["a"]);
    let done = false;
    const settled = queue.settled().then(() => (done = true));
    const write = await nextWrite();
    expect(done).toBe(false);
    write.finish();
    await settled;
    expect(written).toEqual([["a"]]);
  });

  it("written settles with what was queued before it, while what is queued after it waits its turn", async () => {
    const { queue, written, nextWrite } = controlledWriter();
    await queue.written();
    void queue.batch(["a"]);
    const inFlight = await nextWrite();
    void queue.batch(["b"]);
    let done = false;
    const writtenSoFar = queue.written().then(() => (done = true));
    inFlight.finish();
    const second = await nextWrite();
    expect(done).toBe(false);
    void queue.batch(["c"]); // queued after the call: not waited for
    second.finish();
    await writtenSoFar;
    expect(written).toEqual([["a"], ["b"]]);
    (await nextWrite()).finish();
  });

  it("written rejects when a write it waits for fails", async () => {
    const { queue, nextWrite } = controlledWriter();
    void queue.batch(["a"]).catch(() => undefined);
    const writtenSoFar = queue.written();
    (await nextWrite()).finish(new Error("disk full"));
    await expect(writtenSoFar).rejects.toThrow("disk full");
  });
});
