/**
 * A document's state as the store holds it, read but not built into a
 * `Y.Doc`: the latest snapshot (a v1 update) and the events after it.
 *
 * Building a `Y.Doc` from a long history costs time proportional to the
 * state (every tombstone of a map overwritten 100,000 times becomes an
 * object), and a new client pays the same again to apply the reply. The
 * relay therefore answers the first sync of a document that is still being
 * opened from these bytes (`syncReply`), which needs no decoding when the
 * client starts empty, and builds its own copy while the reply travels.
 * The bytes are exactly what the store holds, so the reply is durable and
 * complete.
 */
import * as Y from "yjs";
import type { LoadedDoc } from "@taiku/engine";

/** What the store holds for one document. */
export class StoredState {
  private merged: Uint8Array | null = null;

  constructor(readonly loaded: LoadedDoc) {}

  /** The seq of the last stored event; 0 for a document never written. */
  get lastSeq(): number {
    return this.loaded.tail.at(-1)?.seq ?? this.loaded.snapshot?.seq ?? 0;
  }

  /** The whole stored state as one v1 update (the snapshot itself when no event follows it). */
  get update(): Uint8Array {
    if (this.merged === null) {
      const { snapshot, tail } = this.loaded;
      const parts = tail.map((event) => event.update);
      if (snapshot !== null) parts.unshift(snapshot.state);
      this.merged = parts.length === 1 && parts[0] !== undefined ? parts[0] : Y.mergeUpdates(parts);
    }
    return this.merged;
  }

  /**
   * What a peer with `stateVector` lacks, as a v1 update. Throws on a
   * malformed state vector.
   */
  syncReply(stateVector: Uint8Array): Uint8Array {
    if (Y.decodeStateVector(stateVector).size === 0) return this.update;
    return Y.diffUpdate(this.update, stateVector);
  }

  /** Builds the document the bytes describe. */
  build(): Y.Doc {
    const doc = new Y.Doc();
    const { snapshot, tail } = this.loaded;
    doc.transact(() => {
      if (this.merged !== null) Y.applyUpdate(doc, this.merged);
      else {
        if (snapshot !== null) Y.applyUpdate(doc, snapshot.state);
        for (const event of tail) Y.applyUpdate(doc, event.update);
      }
    });
    return doc;
  }
}
