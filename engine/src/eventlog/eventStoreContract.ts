/**
 * The contract every {@link EventStore} must pass, as a Vitest suite.
 *
 * A store's test file calls `runEventStoreContract(name, setup)`; `setup`
 * runs before every test and returns a fresh, empty store, a `teardown`,
 * and — for stores that persist — `reopen`, which closes nothing itself but
 * opens the same data again after the test has closed the store.
 *
 * Exported only from `@taiku/engine/testing`, never from the main entry,
 * because it imports Vitest.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { ErrorCode } from "../errors";
import type { DocName } from "../ids";
import type { DocEvent, NewDocEvent } from "./docEvent";
import type { EventStore } from "./eventStore";
import { keyHistory } from "./keyHistory";
import { PrunedHistoryError } from "./prunedHistoryError";
import { randomEvents, RANDOM_UPDATE_KEYS } from "./randomUpdates";
import { foldEvents, replayTo } from "./replay";
import { pruneToWindow } from "./retention";

/** What `setup` hands the contract for one test. */
export interface EventStoreFixture {
  /** A fresh, empty store. */
  readonly store: EventStore;
  /** Opens the same data again, after the test closed `store`. */
  readonly reopen?: () => Promise<EventStore>;
  /** Releases everything `setup` created. */
  readonly teardown: () => Promise<void>;
}

const A = "sessions/a" as DocName;
const A_KV = "sessions/a/kv/notes" as DocName;
const B = "sessions/b" as DocName;

/** Registers the {@link EventStore} contract suite under `name`. */
export function runEventStoreContract(name: string, setup: () => Promise<EventStoreFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;
    beforeEach(async () => {
      fixture = await setup();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.teardown();
    });

    it("an unknown document reads as empty", async () => {
      expect(await store.lastSeq(A)).toBe(0);
      expect(await store.read(A)).toEqual([]);
      expect(await store.load(A)).toEqual({ snapshot: null, tail: [] });
      expect(await store.listDocs("")).toEqual([]);
    });

    it("append assigns dense seqs from 1 in call order and keeps every field", async () => {
      const events = randomEvents(A, 1, 5);
      const first = await store.append(A, events.slice(0, 3));
      const second = await store.append(A, events.slice(3));
      expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      const stored = await store.read(A);
      expect(stored.map(comparable)).toEqual(events.map((e, i) => comparable({ ...e, seq: i + 1 })));
      expect(await store.lastSeq(A)).toBe(5);
    });

    it("keeps the plugin of an origin and a server origin's null ids", async () => {
      const [event] = randomEvents(A, 2, 1);
      const withPlugin: NewDocEvent = { ...event!, origin: { userId: null, connection: "c1", plugin: "notes" as never } };
      const server: NewDocEvent = { ...event!, origin: { userId: null, connection: null }, kind: "compensation" };
      await store.append(A, [withPlugin, server]);
      const [first, second] = await store.read(A);
      expect(first?.origin).toEqual({ userId: null, connection: "c1", plugin: "notes" });
      expect(second?.origin).toEqual({ userId: null, connection: null });
      expect(second?.kind).toBe("compensation");
    });

    it("read returns an inclusive range, ascending", async () => {
      await store.append(A, randomEvents(A, 3, 10));
      expect(seqs(await store.read(A, { from: 3, to: 6 }))).toEqual([3, 4, 5, 6]);
      expect(seqs(await store.read(A, { from: 8 }))).toEqual([8, 9, 10]);
      expect(seqs(await store.read(A, { to: 2 }))).toEqual([1, 2]);
      expect(seqs(await store.read(A, { from: 7, to: 7 }))).toEqual([7]);
      expect(await store.read(A, { from: 11 })).toEqual([]);
      expect(await store.read(A, { from: 6, to: 5 })).toEqual([]);
    });

    it("appending nothing stores nothing", async () => {
      expect(await store.append(A, [])).toEqual([]);
      expect(await store.lastSeq(A)).toBe(0);
      expect(await store.listDocs("")).toEqual([]);
    });

    it("refuses an event for another document or a malformed range, and changes nothing", async () => {
      const [event] = randomEvents(B, 4, 1);
      await expect(store.append(A, [event!])).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
      await expect(store.read(A, { from: 1.5 })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
      expect(await store.lastSeq(A)).toBe(0);
      expect(await store.lastSeq(B)).toBe(0);
    });

    it("load (latest snapshot plus tail) equals folding the whole log", async () => {
      const events = await store.append(A, randomEvents(A, 5, 40));
      await store.writeSnapshot(A, { seq: 12, state: stateAt(events, 12) });
      await store.writeSnapshot(A, { seq: 25, state: stateAt(events, 25) });
      const { snapshot, tail } = await store.load(A);
      expect(snapshot?.seq).toBe(25);
      expect(seqs(tail)).toEqual(range(26, 40));
      expectSameState(foldEvents(snapshot, tail), foldEvents(null, events));
    });

    it("prune folds the oldest events into the history base; load, lastSeq and later appends are unchanged", async () => {
      const events = await store.append(A, randomEvents(A, 30, 20));
      await store.writeSnapshot(A, { seq: 15, state: stateAt(events, 15), stateVector: vectorAt(events, 15) });
      const before = await store.load(A);
      expect(await store.historyBase(A)).toBeNull();
      await store.prune(A, { seq: 9, state: stateAt(events, 9) });
      expect(seqs(await store.read(A))).toEqual(range(10, 20));
      expect(seqs(await store.read(A, { from: 3, to: 12 }))).toEqual(range(10, 12));
      expect(await store.read(A, { to: 9 })).toEqual([]);
      const base = await store.historyBase(A);
      expect(base?.seq).toBe(9);
      expectSameState(foldEvents(base, await store.read(A)), foldEvents(null, events));
      const after = await store.load(A);
      expect(after.snapshot?.seq).toBe(15);
      expect(seqs(after.tail)).toEqual(seqs(before.tail));
      expect(await store.lastSeq(A)).toBe(20);
      expect(await store.listDocs("")).toEqual([A]);
      const [next] = await store.append(A, randomEvents(A, 31, 1));
      expect(next?.seq).toBe(21);
      if (fixture.reopen === undefined) return;
      await store.close();
      store = await fixture.reopen();
      expect((await store.historyBase(A))?.seq).toBe(9);
      expect(seqs(await store.read(A))).toEqual(range(10, 21));
      expect(await store.lastSeq(A)).toBe(21);
    });

    it("prune refuses a base no snapshot covers, one that would remove the last event, or malformed bytes, and changes nothing", async () => {
      const events = await store.append(A, randomEvents(A, 32, 10));
      await expect(store.prune(A, { seq: 3, state: stateAt(events, 3) })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
      await store.writeSnapshot(A, { seq: 10, state: stateAt(events, 10) });
      await store.writeSnapshot(A, { seq: 10, state: stateAt(events, 10) });
      for (const seq of [0, -1, 1.5, 10, 11]) {
        await expect(store.prune(A, { seq, state: stateAt(events, 3) })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
      }
      await expect(store.prune(A, { seq: 3, state: "nope" as never })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
      await expect(store.prune(B, { seq: 1, state: stateAt(events, 1) })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
      expect(seqs(await store.read(A))).toEqual(range(1, 10));
      expect(await store.historyBase(A)).toBeNull();
    });

    it("a history base at or before the current one changes nothing", async () => {
      const events = await store.append(A, randomEvents(A, 33, 12));
      await store.writeSnapshot(A, { seq: 11, state: stateAt(events, 11) });
      await store.prune(A, { seq: 6, state: stateAt(events, 6) });
      await store.prune(A, { seq: 4, state: stateAt(events, 4) });
      await store.prune(A, { seq: 6, state: stateAt(events, 6) });
      expect((await store.historyBase(A))?.seq).toBe(6);
      expect(seqs(await store.read(A))).toEqual(range(7, 12));
    });

    it("replay to a pruned seq is refused with PrunedHistoryError; from the base on it equals replaying the whole log", async () => {
      const events = await store.append(A, randomEvents(A, 34, 30));
      await store.writeSnapshot(A, { seq: 25, state: stateAt(events, 25) });
      await store.prune(A, { seq: 10, state: stateAt(events, 10) });
      for (const seq of [10, 11, 24, 25, 30, 99]) {
        expectSameState(await replayTo(store, A, seq), foldEvents(null, events.slice(0, seq)));
      }
      for (const seq of [0, 1, 9]) {
        const refused = replayTo(store, A, seq);
        await expect(refused).rejects.toBeInstanceOf(PrunedHistoryError);
        await expect(refused).rejects.toMatchObject({ code: ErrorCode.NotFound, historyStartsAt: 11, seq });
      }
    });

    it("pruning to a window keeps the last events and the young ones, and never what no snapshot covers", async () => {
      const events = (await store.append(A, randomEvents(A, 35, 60).map((e, i) => ({ ...e, ts: 1000 + i })))).slice();
      // Only a snapshot bounds the prune: none yet, nothing goes.
      expect(await pruneToWindow(store, A, 0, { keepEvents: 1, keepAgeMs: 0 }, 10_000)).toBe(1);
      await store.writeSnapshot(A, { seq: 50, state: stateAt(events, 50) });
      // The count keeps the last 20 (41..60).
      expect(await pruneToWindow(store, A, 50, { keepEvents: 20, keepAgeMs: 0 }, 10_000)).toBe(41);
      expect(seqs(await store.read(A))).toEqual(range(41, 60));
      // The age keeps events with ts > now - age: seq 46 (ts 1045) is the oldest young one.
      expect(await pruneToWindow(store, A, 50, { keepEvents: 1, keepAgeMs: 1000 }, 2044)).toBe(46);
      // The snapshot bounds it: events 51..60 stay whatever the window.
      expect(await pruneToWindow(store, A, 50, { keepEvents: 1, keepAgeMs: 0 }, 10_000)).toBe(51);
      expect(seqs(await store.read(A))).toEqual(range(51, 60));
      expectSameState(await replayTo(store, A, 60), foldEvents(null, events));
      expectSameState(await replayTo(store, A, 50), foldEvents(null, events.slice(0, 50)));
    });

    it("key history from the history base equals the tail of the whole log's history", async () => {
      const events = await store.append(A, randomEvents(A, 36, 80));
      await store.writeSnapshot(A, { seq: 70, state: stateAt(events, 70) });
      await pruneToWindow(store, A, 70, { keepEvents: 40, keepAgeMs: 0 }, Date.now() + 1);
      const base = await store.historyBase(A);
      expect(base?.seq).toBe(40);
      const kept = await store.read(A);
      for (const key of RANDOM_UPDATE_KEYS) {
        const whole = keyHistory(events, key).filter((change) => change.seq > 40);
        expect(keyHistory(kept, key, base)).toEqual(whole);
      }
    });

    it("snapshots never remove events", async () => {
      const events = await store.append(A, randomEvents(A, 6, 8));
      await store.writeSnapshot(A, { seq: 8, state: stateAt(events, 8) });
      expect(seqs(await store.read(A))).toEqual(range(1, 8));
      expect(await store.load(A)).toMatchObject({ tail: [] });
    });

    it("keeps a snapshot's state vector with it, and only the latest one's", async () => {
      const events = await store.append(A, randomEvents(A, 19, 12));
      await store.writeSnapshot(A, { seq: 5, state: stateAt(events, 5), stateVector: vectorAt(events, 5) });
      await store.writeSnapshot(A, { seq: 9, state: stateAt(events, 9), stateVector: vectorAt(events, 9) });
      const { snapshot } = await store.load(A);
      expect(snapshot?.seq).toBe(9);
      expect(Array.from(snapshot?.stateVector ?? [])).toEqual(Array.from(vectorAt(events, 9)));
      // A later snapshot written without one (an older writer) never comes back with an earlier snapshot's.
      await store.writeSnapshot(A, { seq: 12, state: stateAt(events, 12) });
      const latest = await store.load(A);
      expect(latest.snapshot?.seq).toBe(12);
      expect(latest.snapshot?.stateVector).toBeUndefined();
    });

    it("refuses a snapshot outside the log", async () => {
      const events = await store.append(A, randomEvents(A, 7, 3));
      const state = stateAt(events, 3);
      await expect(store.writeSnapshot(A, { seq: 0, state })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
      await expect(store.writeSnapshot(A, { seq: 4, state })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
      await expect(store.writeSnapshot(B, { seq: 1, state })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
      expect((await store.load(A)).snapshot).toBeNull();
    });

    it("replays to any seq, before, at and after the snapshot", async () => {
      const events = await store.append(A, randomEvents(A, 8, 30));
      await store.writeSnapshot(A, { seq: 18, state: stateAt(events, 18) });
      for (const seq of [0, 1, 9, 17, 18, 19, 30, 99]) {
        expectSameState(await replayTo(store, A, seq), foldEvents(null, events.slice(0, seq)));
      }
    });

    it("concurrent appends to one document never lose or reuse a seq", async () => {
      const batches = range(1, 40).map((i) => randomEvents(A, 100 + i, 1 + (i % 3)));
      const results = await Promise.all(batches.map((batch) => store.append(A, batch)));
      const total = batches.reduce((sum, batch) => sum + batch.length, 0);
      for (const [i, result] of results.entries()) {
        const first = result[0]!.seq;
        expect(seqs(result)).toEqual(range(first, first + batches[i]!.length - 1));
      }
      const stored = await store.read(A);
      expect(seqs(stored)).toEqual(range(1, total));
      const byPayload = new Set(stored.map((e) => Array.from(e.update).join(",")));
      const sent = new Set(batches.flat().map((e) => Array.from(e.update).join(",")));
      expect(byPayload).toEqual(sent);
    });

    it("concurrent appends across documents keep every log dense", async () => {
      const docs = [A, A_KV, B, "sessions/c" as DocName];
      const calls = range(0, 59).map((i) => {
        const doc = docs[i % docs.length]!;
        return store.append(doc, randomEvents(doc, 200 + i, 1 + (i % 2)));
      });
      await Promise.all(calls);
      for (const doc of docs) {
        const last = await store.lastSeq(doc);
        expect(last).toBeGreaterThan(0);
        expect(seqs(await store.read(doc))).toEqual(range(1, last));
      }
    });

    it("deleteDoc removes that document's events, snapshots and history base and nothing else", async () => {
      const aEvents = await store.append(A, randomEvents(A, 9, 6));
      await store.writeSnapshot(A, { seq: 4, state: stateAt(aEvents, 4), stateVector: vectorAt(aEvents, 4) });
      await store.prune(A, { seq: 2, state: stateAt(aEvents, 2) });
      const kvEvents = await store.append(A_KV, randomEvents(A_KV, 10, 3));
      await store.append(B, randomEvents(B, 11, 2));
      await store.deleteDoc(A);
      expect(await store.lastSeq(A)).toBe(0);
      expect(await store.load(A)).toEqual({ snapshot: null, tail: [] });
      expect((await store.read(A_KV)).map(comparable)).toEqual(kvEvents.map(comparable));
      expect(await store.lastSeq(B)).toBe(2);
      expect(await store.listDocs("")).toEqual([A_KV, B]);
      expect(await store.historyBase(A)).toBeNull();
      const again = await store.append(A, randomEvents(A, 12, 4));
      expect(again[0]?.seq).toBe(1);
      expect((await store.load(A)).snapshot).toBeNull();
      // The deleted document's state vector went with it: a new snapshot at the same seq does not inherit it.
      await store.writeSnapshot(A, { seq: 4, state: stateAt(again, 4) });
      expect((await store.load(A)).snapshot?.stateVector).toBeUndefined();
    });

    it("calls take effect in call order: an append issued before deleteDoc is deleted with it", async () => {
      const [first, second, third] = randomEvents(A, 19, 3);
      const calls = [store.append(A, [first!]), store.deleteDoc(A), store.append(A, [second!, third!])];
      await Promise.all(calls);
      expect((await store.read(A)).map(comparable)).toEqual([
        comparable({ ...second!, seq: 1 }),
        comparable({ ...third!, seq: 2 }),
      ]);
    });

    it("listDocs returns the documents whose names start with a prefix, sorted", async () => {
      const names = ["sessions/s2", "sessions/s1/kv/b", "sessions/s10", "sessions/s1", "sessions/s1/kv/a"];
      for (const doc of names) await store.append(doc as DocName, randomEvents(doc as DocName, 13, 1));
      expect(await store.listDocs("sessions/s1/kv/")).toEqual(["sessions/s1/kv/a", "sessions/s1/kv/b"]);
      expect(await store.listDocs("sessions/s1")).toEqual([
        "sessions/s1",
        "sessions/s1/kv/a",
        "sessions/s1/kv/b",
        "sessions/s10",
      ]);
      expect(await store.listDocs("")).toEqual([...names].sort());
      expect(await store.listDocs("sessions/s3")).toEqual([]);
    });

    it("reopening after close keeps every event and snapshot", async () => {
      if (fixture.reopen === undefined) return;
      const events = await store.append(A, randomEvents(A, 14, 10));
      await store.append(B, randomEvents(B, 15, 3));
      await store.writeSnapshot(A, { seq: 7, state: stateAt(events, 7), stateVector: vectorAt(events, 7) });
      const before = await store.load(A);
      await store.close();
      store = await fixture.reopen();
      expect(Array.from((await store.load(A)).snapshot?.stateVector ?? [])).toEqual(Array.from(vectorAt(events, 7)));
      expect((await store.read(A)).map(comparable)).toEqual(events.map(comparable));
      const after = await store.load(A);
      expect(after.snapshot?.seq).toBe(7);
      expectSameState(foldEvents(after.snapshot, after.tail), foldEvents(before.snapshot, before.tail));
      expect(await store.listDocs("")).toEqual([A, B]);
      const [next] = await store.append(A, randomEvents(A, 16, 1));
      expect(next?.seq).toBe(11);
    });

    it("a closed store refuses every call", async () => {
      await store.append(A, randomEvents(A, 17, 1));
      await store.close();
      const unavailable = { code: ErrorCode.Unavailable };
      await expect(store.append(A, randomEvents(A, 18, 1))).rejects.toMatchObject(unavailable);
      await expect(store.read(A)).rejects.toMatchObject(unavailable);
      await expect(store.load(A)).rejects.toMatchObject(unavailable);
      await expect(store.deleteDoc(A)).rejects.toMatchObject(unavailable);
      await expect(store.historyBase(A)).rejects.toMatchObject(unavailable);
      await expect(store.prune(A, { seq: 1, state: new Uint8Array() })).rejects.toMatchObject(unavailable);
    });
  });
}

function seqs(events: readonly DocEvent[]): number[] {
  return events.map((event) => event.seq);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/** An event with its update as a plain array, so stores may return any byte view. */
function comparable(event: DocEvent): unknown {
  return { ...event, update: Array.from(event.update) };
}

function stateAt(events: readonly DocEvent[], seq: number): Uint8Array {
  return Y.encodeStateAsUpdate(foldEvents(null, events.slice(0, seq)));
}

function vectorAt(events: readonly DocEvent[], seq: number): Uint8Array {
  return Y.encodeStateVector(foldEvents(null, events.slice(0, seq)));
}

function expectSameState(actual: Y.Doc, expected: Y.Doc): void {
  expect(actual.getMap("kv").toJSON()).toEqual(expected.getMap("kv").toJSON());
  expect(actual.getText("text").toString()).toBe(expected.getText("text").toString());
  expect(Array.from(Y.encodeStateVector(actual))).toEqual(Array.from(Y.encodeStateVector(expected)));
}
