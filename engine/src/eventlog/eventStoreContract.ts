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
import { randomEvents } from "./randomUpdates";
import { foldEvents, replayTo } from "./replay";

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

    it("deleteDoc removes that document's events and snapshots and nothing else", async () => {
      const aEvents = await store.append(A, randomEvents(A, 9, 6));
      await store.writeSnapshot(A, { seq: 4, state: stateAt(aEvents, 4), stateVector: vectorAt(aEvents, 4) });
      const kvEvents = await store.append(A_KV, randomEvents(A_KV, 10, 3));
      await store.append(B, randomEvents(B, 11, 2));
      await store.deleteDoc(A);
      expect(await store.lastSeq(A)).toBe(0);
      expect(await store.load(A)).toEqual({ snapshot: null, tail: [] });
      expect((await store.read(A_KV)).map(comparable)).toEqual(kvEvents.map(comparable));
      expect(await store.lastSeq(B)).toBe(2);
      expect(await store.listDocs("")).toEqual([A_KV, B]);
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
