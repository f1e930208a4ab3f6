import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { DocName, UserId } from "../ids";
import type { DocEvent, EventKind, EventOrigin } from "./docEvent";
import { keyHistory } from "./keyHistory";

const DOC = "sessions/s/kv/ci" as DocName;
const alice: EventOrigin = { userId: "alice" as UserId, connection: "c1" };
const bob: EventOrigin = { userId: "bob" as UserId, connection: "c2" };
const server: EventOrigin = { userId: null, connection: null };

/** Records each transaction on one writer document as the next event. */
function recorder() {
  const doc = new Y.Doc();
  const kv = doc.getMap<unknown>("kv");
  const events: DocEvent[] = [];
  function record(origin: EventOrigin, kind: EventKind, change: (kv: Y.Map<unknown>) => void): void {
    let update: Uint8Array | undefined;
    const capture = (u: Uint8Array) => (update = u);
    doc.on("update", capture);
    doc.transact(() => change(kv));
    doc.off("update", capture);
    if (update === undefined) throw new Error("the change produced no update");
    events.push({ seq: events.length + 1, doc: DOC, update, origin, ts: 1000 * (events.length + 1), kind });
  }
  return { doc, events, record };
}

describe("keyHistory", () => {
  it("lists who set a key, when, and from what to what, oldest first", () => {
    const { events, record } = recorder();
    record(alice, "update", (kv) => kv.set("build_status", "running"));
    record(bob, "update", (kv) => kv.set("other", 1));
    record(bob, "update", (kv) => kv.set("build_status", { ok: true, n: 2 }));
    record(alice, "update", (kv) => kv.delete("build_status"));
    expect(keyHistory(events, "build_status")).toEqual([
      { seq: 1, ts: 1000, origin: alice, kind: "update", from: undefined, to: "running" },
      { seq: 3, ts: 3000, origin: bob, kind: "update", from: "running", to: { ok: true, n: 2 } },
      { seq: 4, ts: 4000, origin: alice, kind: "update", from: { ok: true, n: 2 }, to: undefined },
    ]);
  });

  it("a compensation that restores a value is its own entry", () => {
    const { events, record } = recorder();
    record(alice, "update", (kv) => kv.set("k", "small"));
    record(bob, "update", (kv) => kv.set("k", "x".repeat(100)));
    record(server, "compensation", (kv) => kv.set("k", "small"));
    const history = keyHistory(events, "k");
    expect(history.map(({ seq, kind, to }) => ({ seq, kind, to }))).toEqual([
      { seq: 1, kind: "update", to: "small" },
      { seq: 2, kind: "update", to: "x".repeat(100) },
      { seq: 3, kind: "compensation", to: "small" },
    ]);
    expect(history[2]?.origin).toEqual(server);
  });

  it("a key that was never written has no history", () => {
    const { events, record } = recorder();
    record(alice, "update", (kv) => kv.set("a", 1));
    expect(keyHistory(events, "b")).toEqual([]);
    expect(keyHistory([], "a")).toEqual([]);
  });

  it("a concurrent write that loses the merge does not appear as a change", () => {
    const left = recorder();
    const right = recorder();
    left.doc.clientID = 2;
    right.doc.clientID = 1;
    left.record(alice, "update", (kv) => kv.set("k", "left"));
    right.record(bob, "update", (kv) => kv.set("k", "right"));
    const events = [left.events[0]!, { ...right.events[0]!, seq: 2 }];
    const merged = new Y.Doc();
    for (const event of events) Y.applyUpdate(merged, event.update);
    expect(merged.getMap("kv").get("k")).toBe("left");
    expect(keyHistory(events, "k")).toEqual([
      { seq: 1, ts: 1000, origin: alice, kind: "update", from: undefined, to: "left" },
    ]);
  });
});
