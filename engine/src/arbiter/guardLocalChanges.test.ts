import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { QuotaExceededError } from "../errors";
import { guardLocalChanges } from "./guardLocalChanges";

const REMOTE = Symbol("remote");

function guarded() {
  const doc = new Y.Doc();
  const sent: Uint8Array[] = [];
  const guard = guardLocalChanges(doc, { isRemote: (origin) => origin === REMOTE, send: (update) => sent.push(update) });
  /** A replica built only from what the guard sent. */
  const receiver = (): Y.Doc => {
    const replica = new Y.Doc();
    for (const update of sent) Y.applyUpdate(replica, update);
    return replica;
  };
  return { doc, sent, guard, receiver };
}

describe("guardLocalChanges", () => {
  it("sends each local transaction once, and the receiver ends up equal", () => {
    const { doc, sent, receiver } = guarded();
    doc.getMap("kv").set("a", 1);
    doc.transact(() => {
      doc.getMap("kv").set("b", 2);
      doc.getText("t").insert(0, "hello");
    });
    expect(sent).toHaveLength(2);
    const replica = receiver();
    expect(replica.getMap("kv").toJSON()).toEqual({ a: 1, b: 2 });
    expect(replica.getText("t").toString()).toBe("hello");
  });

  it("an over-quota transaction throws QuotaExceededError and leaves the document and every receiver as before", () => {
    const { doc, guard, receiver } = guarded();
    const kv = doc.getMap("kv");
    kv.set("keep", "k".repeat(30_000));
    const before = guard.liveBytes();
    expect(() =>
      doc.transact(() => {
        kv.delete("keep");
        kv.set("big", "b".repeat(70_000));
      }),
    ).toThrow(QuotaExceededError);
    expect(kv.toJSON()).toEqual({ keep: "k".repeat(30_000) });
    expect(guard.liveBytes()).toBe(before);
    expect(receiver().getMap("kv").toJSON()).toEqual({ keep: "k".repeat(30_000) });
  });

  it("the error carries used, limit and attempted bytes", () => {
    const { doc } = guarded();
    let error: unknown;
    try {
      doc.getArray("list").push(["x".repeat(70_000)]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({ used: 0, limit: 65_536, code: "quota_exceeded" });
    expect((error as QuotaExceededError).attempted).toBeGreaterThan(70_000);
    expect(doc.getArray("list").length).toBe(0);
  });

  it("remote changes are applied without judgement and never sent back", () => {
    const { doc, sent } = guarded();
    const other = new Y.Doc();
    other.getMap("kv").set("theirs", "t".repeat(70_000));
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), REMOTE);
    expect(sent).toEqual([]);
    expect((doc.getMap("kv").get("theirs") as string).length).toBe(70_000);
  });

  it("over the quota because of others, a write that shrinks live data is still allowed", () => {
    const { doc, guard } = guarded();
    const other = new Y.Doc();
    other.getMap("kv").set("theirs", "t".repeat(70_000));
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), REMOTE);
    doc.getMap("kv").set("theirs", "short");
    expect(guard.liveBytes()).toBeLessThan(100);
    expect(() => doc.getMap("kv").set("grow", "g".repeat(65_536))).toThrow(QuotaExceededError);
  });

  it("a write made by an observer in reaction to another change is judged too", () => {
    const { doc } = guarded();
    const kv = doc.getMap("kv");
    kv.observe((event) => {
      if (event.keysChanged.has("trigger")) kv.set("echo", "e".repeat(70_000));
    });
    expect(() => kv.set("trigger", 1)).toThrow(QuotaExceededError);
    expect(kv.get("echo")).toBeUndefined();
    expect(kv.get("trigger")).toBe(1);
  });

  it("overwritten content is still garbage-collected once judged", () => {
    const { doc } = guarded();
    for (let i = 0; i < 100; i++) doc.getMap("kv").set("log", `${i}`.padEnd(1_000, "x"));
    expect(Y.encodeStateAsUpdate(doc).byteLength).toBeLessThan(5_000);
  });

  it("after destroy the document is no longer judged", () => {
    const { doc, guard } = guarded();
    guard.destroy();
    doc.getMap("kv").set("big", "b".repeat(70_000));
    expect((doc.getMap("kv").get("big") as string).length).toBe(70_000);
  });
});
