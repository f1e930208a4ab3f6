import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createReverter } from "../arbiter/createReverter";
import type { DocName, UserId } from "../ids";
import type { DocEvent, EventKind, EventOrigin } from "./docEvent";
import { keyHistory } from "./keyHistory";
import { foldEvents } from "./replay";

const DOC = "sessions/s/kv/ci" as DocName;
const alice: EventOrigin = { userId: "alice" as UserId, connection: "c1" };
const bob: EventOrigin = { userId: "bob" as UserId, connection: "c2" };
const carol: EventOrigin = { userId: "carol" as UserId, connection: "c3" };
const server: EventOrigin = { userId: null, connection: null };

/** One replica that turns each of its transactions into an event, plus the updates it produced. */
function replica(clientID: number, gc = true) {
  const doc = new Y.Doc({ gc });
  doc.clientID = clientID;
  const kv = doc.getMap<unknown>("kv");
  function write(change: (kv: Y.Map<unknown>) => void): { update: Uint8Array; transaction: Y.Transaction } {
    let update: Uint8Array | undefined;
    let transaction: Y.Transaction | undefined;
    const capture = (u: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
      update = u;
      transaction = tr;
    };
    doc.on("update", capture);
    doc.transact(() => change(kv));
    doc.off("update", capture);
    if (update === undefined || transaction === undefined) throw new Error("the change produced no update");
    return { update, transaction };
  }
  return { doc, kv, write };
}

/** The relay's log: events numbered in the order they are accepted. */
function log() {
  const events: DocEvent[] = [];
  function accept(origin: EventOrigin, kind: EventKind, update: Uint8Array): DocEvent {
    const event: DocEvent = { seq: events.length + 1, doc: DOC, update, origin, ts: 1000 * (events.length + 1), kind };
    events.push(event);
    return event;
  }
  return { events, accept };
}

function sync(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

const brief = (changes: ReturnType<typeof keyHistory>) =>
  changes.map(({ seq, to, superseded, supersededBy }) => ({ seq, to, superseded, supersededBy }));

describe("keyHistory", () => {
  it("lists who set a key, when, and from what to what, oldest first", () => {
    const a = replica(1);
    const { events, accept } = log();
    accept(alice, "update", a.write((kv) => kv.set("build_status", "running")).update);
    accept(bob, "update", a.write((kv) => kv.set("other", 1)).update);
    accept(bob, "update", a.write((kv) => kv.set("build_status", { ok: true, n: 2 })).update);
    accept(alice, "update", a.write((kv) => kv.delete("build_status")).update);
    const none = { superseded: false, supersededBy: null };
    expect(keyHistory(events, "build_status")).toEqual([
      { seq: 1, ts: 1000, origin: alice, kind: "update", from: undefined, to: "running", ...none },
      { seq: 3, ts: 3000, origin: bob, kind: "update", from: "running", to: { ok: true, n: 2 }, ...none },
      { seq: 4, ts: 4000, origin: alice, kind: "update", from: { ok: true, n: 2 }, to: undefined, ...none },
    ]);
  });

  it("a key that was never written has no history", () => {
    const a = replica(1);
    const { events, accept } = log();
    accept(alice, "update", a.write((kv) => kv.set("a", 1)).update);
    expect(keyHistory(events, "b")).toEqual([]);
    expect(keyHistory([], "a")).toEqual([]);
  });

  it("a concurrent write that loses the merge is listed, superseded by the one that won, in either arrival order", () => {
    for (const order of ["winner first", "loser first"] as const) {
      const left = replica(2);
      const right = replica(1);
      const l = left.write((kv) => kv.set("k", "left")).update;
      const r = right.write((kv) => kv.set("k", "right")).update;
      const { events, accept } = log();
      if (order === "winner first") {
        accept(alice, "update", l);
        accept(bob, "update", r);
      } else {
        accept(bob, "update", r);
        accept(alice, "update", l);
      }
      const merged = foldEvents(null, events);
      const winner = merged.getMap("kv").get("k");
      const history = keyHistory(events, "k");
      expect(history.map((c) => c.to).sort()).toEqual(["left", "right"]);
      const lost = history.filter((c) => c.superseded);
      expect(lost.map((c) => c.to)).toEqual([winner === "left" ? "right" : "left"]);
      expect(lost[0]?.supersededBy).toBe(history.find((c) => c.to === winner)?.seq);
    }
  });

  it("of three concurrent writes, the two that lost name the one every replica kept, in any arrival order", () => {
    const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (const order of orders) {
      const writers = [replica(7), replica(3), replica(5)];
      const base = replica(9);
      const { events, accept } = log();
      accept(carol, "update", base.write((kv) => kv.set("k", "start")).update);
      for (const writer of writers) sync(base.doc, writer.doc);
      const updates = writers.map((writer, i) => writer.write((kv) => kv.set("k", `v${i}`)).update);
      const origins = [alice, bob, carol];
      for (const i of order) accept(origins[i]!, "update", updates[i]!);
      const kept = foldEvents(null, events).getMap("kv").get("k");
      const history = keyHistory(events, "k");
      const keptSeq = history.find((c) => c.to === kept)!.seq;
      expect(history).toHaveLength(4);
      expect(history[0]).toMatchObject({ seq: 1, to: "start", superseded: false });
      expect(history.filter((c) => !c.superseded).map((c) => c.to)).toEqual(["start", kept]);
      expect(history.filter((c) => c.superseded).map((c) => c.supersededBy)).toEqual([keptSeq, keptSeq]);
      for (const change of history.slice(1)) expect(change.from).not.toBeUndefined();
    }
  });

  it("a delete concurrent with a set loses to the set, in either arrival order", () => {
    for (const order of ["delete first", "set first"] as const) {
      const a = replica(1);
      const b = replica(2);
      const { events, accept } = log();
      accept(alice, "update", a.write((kv) => kv.set("k", "old")).update);
      sync(a.doc, b.doc);
      const del = a.write((kv) => kv.delete("k")).update;
      const set = b.write((kv) => kv.set("k", "new")).update;
      if (order === "delete first") {
        accept(alice, "update", del);
        accept(bob, "update", set);
      } else {
        accept(bob, "update", set);
        accept(alice, "update", del);
      }
      expect(foldEvents(null, events).getMap("kv").get("k")).toBe("new");
      const history = keyHistory(events, "k");
      const setSeq = order === "delete first" ? 3 : 2;
      const delSeq = order === "delete first" ? 2 : 3;
      expect(history.find((c) => c.seq === delSeq)).toMatchObject({ origin: alice, from: order === "delete first" ? "old" : "new", to: undefined, superseded: true, supersededBy: setSeq });
      expect(history.find((c) => c.seq === setSeq)).toMatchObject({ origin: bob, to: "new", superseded: false, supersededBy: null });
      expect(history).toHaveLength(3);
    }
  });

  it("a compensation that reverts an over-quota write is its own entry, and the reverted write is not superseded", () => {
    const a = replica(1);
    // The relay keeps deleted content until a compensation ran (the reverter needs it).
    const relay = replica(99, false);
    const { events, accept } = log();
    accept(alice, "update", a.write((kv) => kv.set("k", "small")).update);
    sync(a.doc, relay.doc);
    const big = a.write((kv) => kv.set("k", "x".repeat(100))).update;
    let transaction: Y.Transaction | undefined;
    const capture = (tr: Y.Transaction) => void (transaction = tr);
    relay.doc.on("afterTransaction", capture);
    Y.applyUpdate(relay.doc, big);
    relay.doc.off("afterTransaction", capture);
    accept(bob, "update", big);
    const reverter = createReverter(relay.doc);
    const compensation = relay.write(() => reverter.revert(transaction!)).update;
    accept(server, "compensation", compensation);
    expect(relay.kv.get("k")).toBe("small");
    const history = keyHistory(events, "k");
    expect(history.map(({ seq, kind, from, to, superseded }) => ({ seq, kind, from, to, superseded }))).toEqual([
      { seq: 1, kind: "update", from: undefined, to: "small", superseded: false },
      { seq: 2, kind: "update", from: "small", to: "x".repeat(100), superseded: false },
      { seq: 3, kind: "compensation", from: "x".repeat(100), to: "small", superseded: false },
    ]);
    expect(history[2]?.origin).toEqual(server);
  });

  it("overwriting a nested type reports the nested content it replaced", () => {
    const a = replica(1);
    const { events, accept } = log();
    accept(alice, "update", a.write((kv) => kv.set("k", new Y.Map<unknown>([["ready", false]]))).update);
    accept(alice, "update", a.write((kv) => (kv.get("k") as Y.Map<unknown>).set("ready", true)).update);
    accept(bob, "update", a.write((kv) => kv.set("k", "flat")).update);
    expect(brief(keyHistory(events, "k"))).toEqual([
      { seq: 1, to: { ready: false }, superseded: false, supersededBy: null },
      { seq: 3, to: "flat", superseded: false, supersededBy: null },
    ]);
    expect(keyHistory(events, "k")[1]?.from).toEqual({ ready: true });
  });

  it("history from a base starts with the base's value as the first from", () => {
    const a = replica(1);
    const { events, accept } = log();
    accept(alice, "update", a.write((kv) => kv.set("k", 1)).update);
    accept(alice, "update", a.write((kv) => kv.set("k", 2)).update);
    accept(bob, "update", a.write((kv) => kv.set("k", 3)).update);
    const base = { seq: 2, state: Y.encodeStateAsUpdate(foldEvents(null, events.slice(0, 2))) };
    expect(keyHistory(events.slice(2), "k", base)).toMatchObject([{ seq: 3, from: 2, to: 3, superseded: false }]);
  });

  it("an event with a malformed update is refused with an error, not skipped", () => {
    const bad: DocEvent = { seq: 1, doc: DOC, update: new Uint8Array([9, 9, 9]), origin: alice, ts: 1, kind: "update" };
    expect(() => keyHistory([bad], "k")).toThrow();
  });
});
