/**
 * A document's stored bytes, read but not built: the whole state is the
 * snapshot itself, the snapshot merged with a short tail, or a long tail
 * replayed in order; its state vector comes from the snapshot when nothing
 * follows it, from the replay after one, and is decoded otherwise.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { DocEvent, DocName, LoadedDoc, UserId } from "@taiku/engine";
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
  it("replays a tail from 16 writers longer than it merges, giving the whole state and its state vector", () => {
    const { updates, final } = manyWriters(1_000, 16);
    const atSnapshot = stateAfter(updates.slice(0, 200));
    const stored = new StoredState({ snapshot: { seq: 200, state: Y.encodeStateAsUpdate(atSnapshot) }, tail: eventsOf(updates.slice(200), 201) });
    expect(stored.replaysTail).toBe(true);
    expect(stored.lastSeq).toBe(1_000);
    expect(stateAfter([stored.update]).getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
    // The replay gave the state vector: nothing is decoded for the relay's sync step 1 or the snapshot that follows.
    expect(stored.knownStateVector).not.toBeNull();
    expect(Y.decodeStateVector(stored.knownStateVector!)).toEqual(Y.decodeStateVector(Y.encodeStateVector(final)));
    expect(stored.build().getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
  });

  it("merges a tail of at most the bound as bytes, giving the whole state", () => {
    const { updates, final } = manyWriters(200 + MERGED_TAIL_MAX, 16);
    const atSnapshot = stateAfter(updates.slice(0, 200));
    const stored = new StoredState({ snapshot: { seq: 200, state: Y.encodeStateAsUpdate(atSnapshot) }, tail: eventsOf(updates.slice(200), 201) });
    expect(stored.replaysTail).toBe(false);
    expect(stateAfter([stored.update]).getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
    expect(Y.decodeStateVector(stored.stateVector)).toEqual(Y.decodeStateVector(Y.encodeStateVector(final)));
  });

  it("replays a long tail with no snapshot, and builds the same document before or after computing it", () => {
    const { updates, final } = manyWriters(300, 16);
    const loaded: LoadedDoc = { snapshot: null, tail: eventsOf(updates, 1) };
    expect(new StoredState(loaded).build().getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
    const stored = new StoredState(loaded);
    expect(stored.fullSyncStep2.byteLength).toBeGreaterThan(stored.update.byteLength);
    expect(stored.build().getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
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
