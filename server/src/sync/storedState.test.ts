/**
 * A document's stored bytes, read but not built: its state vector comes
 * from the snapshot when nothing follows it, and is decoded otherwise.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { DocEvent, DocName, LoadedDoc, UserId } from "@taiku/engine";
import { StoredState } from "./storedState";

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
