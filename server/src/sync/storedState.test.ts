/**
 * A document's stored bytes, read but not built: the whole state is the
 * snapshot itself, or the snapshot and its tail folded as bytes; a tail the
 * fold cannot take is merged (short) or replayed (long) by Yjs. Its state
 * vector comes from the snapshot when nothing follows it, from the fold or
 * the replay after one, and is decoded otherwise.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { appendUpdates, type DocEvent, type DocName, type LoadedDoc, type UserId } from "@taiku/engine";
import { MERGED_TAIL_MAX, StoredState } from "./storedState";

const DOC = "sessions/s1/kv/notes" as DocName;

/** `count` overwrites of 5 keys, one update each. */
function history(count: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getMap("kv").set(`k${i % 5}`, i);
  return { doc, updates };
}

function eventsOf(updates: readonly Uint8Array[], firstSeq: number): DocEvent[] {
  return updates.map((update, i) => ({ doc: DOC, seq: firstSeq + i, update, origin: { userId: "u" as UserId, connection: "c1" }, ts: 1, kind: "update" }));
}

/**
 * `count` small updates from `writers` replicas with distinct client ids,
 * each seeing the others' updates as a relay would pass them on; returns
 * the updates in the order they were made and one replica's final state.
 */
function manyWriters(count: number, writers: number): { updates: Uint8Array[]; final: Y.Doc } {
  const docs = Array.from({ length: writers }, (_, i) => {
    const doc = new Y.Doc();
    doc.clientID = 100 + i;
    return doc;
  });
  const updates: Uint8Array[] = [];
  for (const doc of docs) {
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === "relayed") return;
      updates.push(update);
      for (const other of docs) if (other !== doc) Y.applyUpdate(other, update, "relayed");
    });
  }
  for (let i = 0; i < count; i++) docs[i % writers]!.getMap("kv").set(`w${i % writers}-${i % 9}`, { i });
  return { updates, final: docs[0]! };
}

function stateAfter(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

describe("StoredState.stateVector", () => {
  it("is the snapshot's own state vector when no event follows the snapshot, without decoding the state", () => {
    const { doc } = history(40);
    const stateVector = Y.encodeStateVector(doc);
    // State bytes that cannot be decoded: only a state vector that is not decoded from them can come back.
    const loaded: LoadedDoc = { snapshot: { seq: 40, state: new Uint8Array([255, 255, 255]), stateVector }, tail: [] };
    const stored = new StoredState(loaded);
    expect(stored.knownStateVector).toBe(stateVector);
    expect(stored.stateVector).toBe(stateVector);
  });

  it("is decoded from the snapshot merged with its tail when events follow it", () => {
    const { doc, updates } = history(40);
    const atSnapshot = stateAfter(updates.slice(0, 30));
    const loaded: LoadedDoc = {
      snapshot: { seq: 30, state: Y.encodeStateAsUpdate(atSnapshot), stateVector: Y.encodeStateVector(atSnapshot) },
      tail: eventsOf(updates.slice(30), 31),
    };
    const stored = new StoredState(loaded);
    expect(stored.knownStateVector).toBeNull();
    expect(Y.decodeStateVector(stored.stateVector)).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)));
    // Decoded once, it is known from then on (an unload snapshot takes it along).
    expect(stored.knownStateVector).toBe(stored.stateVector);
  });

  it("is decoded from the snapshot when it was stored without one", () => {
    const { doc } = history(25);
    const stored = new StoredState({ snapshot: { seq: 25, state: Y.encodeStateAsUpdate(doc) }, tail: [] });
    expect(stored.knownStateVector).toBeNull();
    expect(Y.decodeStateVector(stored.stateVector)).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)));
  });
});

describe("StoredState.update", () => {
  it("folds a long tail from 16 writers, giving the whole state and its state vector", () => {
    const { updates, final } = manyWriters(1_000, 16);
    const atSnapshot = stateAfter(updates.slice(0, 200));
    const stored = new StoredState({ snapshot: { seq: 200, state: Y.encodeStateAsUpdate(atSnapshot) }, tail: eventsOf(updates.slice(200), 201) });
    expect(stored.longTail).toBe(true);
    expect(stored.lastSeq).toBe(1_000);
    expect(stateAfter([stored.update]).getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
    // The fold gave the state vector: nothing is decoded for the relay's sync step 1 or the snapshot that follows.
    expect(stored.knownStateVector).not.toBeNull();
    expect(Y.decodeStateVector(stored.knownStateVector!)).toEqual(Y.decodeStateVector(Y.encodeStateVector(final)));
    expect(stored.build().getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
  });

  it("folds a short tail, giving the whole state", () => {
    const { updates, final } = manyWriters(200 + MERGED_TAIL_MAX, 16);
    const atSnapshot = stateAfter(updates.slice(0, 200));
    const stored = new StoredState({ snapshot: { seq: 200, state: Y.encodeStateAsUpdate(atSnapshot) }, tail: eventsOf(updates.slice(200), 201) });
    expect(stored.longTail).toBe(false);
    expect(stateAfter([stored.update]).getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
    expect(Y.decodeStateVector(stored.stateVector)).toEqual(Y.decodeStateVector(Y.encodeStateVector(final)));
  });

  it("folds a long tail with no snapshot, and builds the same document before or after computing it", () => {
    const { updates, final } = manyWriters(300, 16);
    const loaded: LoadedDoc = { snapshot: null, tail: eventsOf(updates, 1) };
    expect(new StoredState(loaded).build().getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
    const stored = new StoredState(loaded);
    expect(stored.fullSyncStep2.byteLength).toBeGreaterThan(stored.update.byteLength);
    expect(stored.build().getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
  });

  it.each([
    ["merged by Yjs", 10],
    ["replayed by Yjs", MERGED_TAIL_MAX + 10],
  ])("gives the whole state of a tail the fold cannot take (%s)", (_, length) => {
    const { doc: final, updates } = history(length);
    // One event that holds a gap (a Skip struct, as `Y.mergeUpdates` writes for a part left out) does not fit the fold.
    const gapped = Y.mergeUpdates([updates[0]!, updates[2]!]);
    const tail = eventsOf([gapped, ...updates.slice(1)], 1);
    expect(appendUpdates(null, tail.map((event) => event.update))).toBeNull();
    const stored = new StoredState({ snapshot: null, tail });
    expect(stateAfter([stored.update]).getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
    expect(new StoredState({ snapshot: null, tail }).build().getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
  });

  it("is the empty document's state for a document never written", () => {
    const stored = new StoredState({ snapshot: null, tail: [] });
    expect(stored.lastSeq).toBe(0);
    expect(Array.from(stored.update)).toEqual(Array.from(Y.encodeStateAsUpdate(new Y.Doc())));
  });

  it.each([
    ["merged", 10],
    ["replayed", MERGED_TAIL_MAX + 10],
  ])("throws for a corrupt stored event rather than returning a state without it (%s tail)", (_, length) => {
    const { updates } = manyWriters(length, 4);
    const tail = eventsOf(updates, 1);
    tail[Math.floor(length / 2)] = { ...tail[Math.floor(length / 2)]!, update: Uint8Array.of(1, 2, 3, 4, 5) };
    const stored = new StoredState({ snapshot: null, tail });
    expect(() => stored.update).toThrow();
    expect(stored.knownStateVector).toBeNull();
  });
});
