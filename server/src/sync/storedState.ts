/**
 * A document's state as the store holds it, read but not built into a
 * `Y.Doc`: the latest snapshot (a v1 update) and the events after it.
 *
 * Building a `Y.Doc` from a long history costs time proportional to the
 * state (every tombstone of a map overwritten 100,000 times becomes an
 * object), and a new client pays the same again to apply the reply. The
 * relay therefore holds a document it opened as these bytes until something
 * needs the document itself (an update to judge, a server change, a read,
 * a peer that already holds part of it): a client that starts empty is
 * answered with the bytes as they are, with no decoding. The bytes are exactly what the store holds, so
 * a reply made from them is durable and complete.
 */
import * as Y from "yjs";
import type { LoadedDoc } from "@taiku/engine";
import { syncStep2FrameOf } from "./syncMessages";

/** What the store holds for one document. */
export class StoredState {
  private merged: Uint8Array | null = null;
  private vector: Uint8Array | null = null;
  private fullReply: Uint8Array | null = null;

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
      this.merged = parts.length === 0 ? Y.encodeStateAsUpdate(new Y.Doc()) : parts.length === 1 && parts[0] !== undefined ? parts[0] : Y.mergeUpdates(parts);
    }
    return this.merged;
  }

  /**
   * The state vector of the stored state: the snapshot's own when no event
   * follows it, else decoded from the merged bytes once, then kept.
   * Decoding costs as much as the state is long (45–64 ms measured for
   * 100,000 tombstones in a just-started relay), on the thread that a just-connected client's
   * reply and its own apply are waiting for.
   */
  get stateVector(): Uint8Array {
    this.vector ??= this.knownStateVector ?? Y.encodeStateVectorFromUpdate(this.update);
    return this.vector;
  }

  /** The state vector when it needs no decoding: kept with the snapshot, or decoded already. */
  get knownStateVector(): Uint8Array | null {
    if (this.vector !== null) return this.vector;
    const { snapshot, tail } = this.loaded;
    return tail.length === 0 && snapshot?.stateVector !== undefined ? snapshot.stateVector : null;
  }

  /**
   * The sync step 2 frame for a peer that holds nothing (a fresh page;
   * every client of a reconnect storm after a deploy): the stored state,
   * framed once and kept. A peer that holds part of the state is answered
   * from the built document instead, where a diff skips what the peer has
   * rather than decoding the whole history again for each such peer.
   */
  get fullSyncStep2(): Uint8Array {
    this.fullReply ??= syncStep2FrameOf(this.update);
    return this.fullReply;
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
