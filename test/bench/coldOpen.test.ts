/**
 * cold-open's own rules: cells are named exactly or refused by name, the
 * goal is judged as the benchmark states it, and the floor serves a stock
 * client the very state it was handed (over a real WebSocket), so "÷ floor"
 * compares like with like.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { cellSpec, judgeGoal, parseCells } from "../../bench/harness/coldOpenCells";
import { docTarget } from "../../bench/harness/docTarget";
import { canonicalKv, connectReplica } from "../../bench/harness/replicaClient";
import { waitFor } from "../../bench/harness/stats";
import { startSystem, type SystemProcess } from "../../bench/harness/systemProcess";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("cold-open cells", () => {
  it("reads cells written as <updates>x<writers>:<clean|kill>, comma-separated", () => {
    expect(parseCells("20000x16:kill, 100000x1:clean")).toEqual([cellSpec(20_000, 16, "kill"), cellSpec(100_000, 1, "clean")]);
  });

  it.each(["20000x16", "20000x0:kill", "20000x300:kill", "0x4:clean", "-5x4:kill", "1e5x4:kill", "20000x16:crash", "20000x16:kill;rm", "", "20000x16:kill,"])(
    "refuses %j, naming the part that is wrong",
    (text) => {
      expect(() => parseCells(text)).toThrow(/is not <updates>x<writers>:<clean\|kill>/);
    },
  );
});

describe("cold-open goal", () => {
  it("holds at 5× faster than the baseline, and not at 4× while the floor leaves room for 5×", () => {
    expect(judgeGoal(100, 500, 50).held).toBe(true);
    expect(judgeGoal(125, 500, 100).held).toBe(false);
  });

  it("where the floor leaves under 5×, holds within 1.3× of the floor and not beyond", () => {
    expect(judgeGoal(120, 400, 100).held).toBe(true);
    expect(judgeGoal(140, 400, 100).held).toBe(false);
  });

  it("is not judged when a system has no median", () => {
    expect(judgeGoal(Number.NaN, 400, 100).held).toBeUndefined();
    expect(judgeGoal(100, 400, 0).held).toBeUndefined();
  });
});

async function floorWith(state: Uint8Array | undefined): Promise<SystemProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), "taiku-floor-test-"));
  const env: Record<string, string> = {};
  if (state !== undefined) {
    env.BENCH_FLOOR_STATE = path.join(dir, "state.bin");
    writeFileSync(env.BENCH_FLOOR_STATE, state);
  }
  const floor = await startSystem("floor", dir, env);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => floor.kill9());
  return floor;
}

describe("the floor", () => {
  it("serves a stock client the whole state it was handed, in its first sync reply", async () => {
    const source = new Y.Doc();
    const kv = source.getMap("kv");
    // Over 127 bytes, so the length prefix of the update takes more than one byte.
    for (let i = 0; i < 200; i++) kv.set(`w0k${i}`, { s: i, w: 0, p: "x".repeat(i % 40) });
    const floor = await floorWith(Y.encodeStateAsUpdate(source));
    const client = connectReplica(docTarget(floor, { token: undefined, sessionIds: ["floor"] }, 0));
    cleanups.push(() => client.destroy());
    expect(await waitFor(() => client.synced(), 10_000)).toBe(true);
    expect(client.canonical()).toBe(canonicalKv(kv));
  });

  it("without a state, answers with an empty one (the client still counts itself synced)", async () => {
    const floor = await floorWith(undefined);
    const client = connectReplica(docTarget(floor, { token: undefined, sessionIds: ["floor"] }, 0));
    cleanups.push(() => client.destroy());
    expect(await waitFor(() => client.synced(), 10_000)).toBe(true);
    expect(client.kv.size).toBe(0);
  });
});
