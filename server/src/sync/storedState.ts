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
 * answered with the bytes as they are. The bytes are exactly what the
 * store holds, so a reply made from them is durable and complete.
 *
 * Invariant: computing the whole state costs time linear in what is
 * stored. The snapshot and the tail are folded as bytes (`appendUpdates`
 * in the engine: each client's structs copied run after run, the delete
 * sets joined), which decodes nothing into objects; the fold also gives
 * the state vector. Only a tail that does not fit the fold's shape (a gap,
 * a part Yjs alone can read) takes Yjs's own paths: a short one (at most
 * {@link MERGED_TAIL_MAX} events) merged as bytes, a longer one replayed
 * in order into a `Y.Doc` in one transaction. `Y.mergeUpdates` over an
 * unbounded list of small updates from many clients costs far more than
 * its input (20,000 updates from 16 clients: 12 s merged, under 0.1 s
 * replayed), so it is never given one.
 */
import * as Y from "yjs";
import { appendUpdates, type LoadedDoc } from "@taiku/engine";
import { syncStep2FrameOf } from "./syncMessages";

/**
 * The longest tail a load treats as short: when the fold cannot take it,
 * merged as bytes with `Y.mergeUpdates` (a longer one is replayed into a
 * `Y.Doc`), and short enough that no snapshot follows the load. Measured
 * over 16 writers: a snapshot of 600 KB plus 64 small events merges in
 * about a sixth of the time a replay takes, and up to 64 events the merge
 * never cost more than the replay; past a few hundred parts it grows much
 * faster than its input.
 */
export const MERGED_TAIL_MAX = 64;

/** The whole state, computed once. */
interface Whole {
  /** The state as one v1 update. */
  readonly update: Uint8Array;
  /** Its state vector, when computing the update gave it for free. */
  readonly stateVector: Uint8Array | null;
  /** True when the update is garbage-collected: the snapshot alone (the relay writes collected ones), or a replay. */
  readonly collected: boolean;
}

/** What the store holds for one document. */
export class StoredState {
  /** The seq of the last stored event; 0 for a document never written. */
  readonly lastSeq: number;
  /** The seq the stored snapshot covers (0 for none). */
  readonly snapshotSeq: number;
  /** Bytes of the stored snapshot (0 for none). */
  readonly snapshotBytes: number;
  /** True when the stored snapshot came with its state vector. */
  readonly snapshotHasVector: boolean;
  /** Events after the snapshot. */
  readonly tailEvents: number;
  /** Update bytes of the events after the snapshot. */
  readonly tailBytes: number;
  /** What the store returned, until the whole state is computed from it; then that state (the events are folded into it). */
  private held: LoadedDoc | Whole;
  private vector: Uint8Array | null;
  private fullReply: Uint8Array | null = null;

  constructor(loaded: LoadedDoc) {
    const { snapshot, tail } = loaded;
    this.held = loaded;
    this.lastSeq = tail.at(-1)?.seq ?? snapshot?.seq ?? 0;
    this.snapshotSeq = snapshot?.seq ?? 0;
    this.snapshotBytes = snapshot?.state.byteLength ?? 0;
    this.snapshotHasVector = snapshot?.stateVector !== undefined;
    this.tailEvents = tail.length;
    let bytes = 0;
    for (const event of tail) bytes += event.update.byteLength;
    this.tailBytes = bytes;
    this.vector = tail.length === 0 ? (snapshot?.stateVector ?? null) : null;
  }

  /**
   * True when the whole state, as these bytes give it, is garbage-collected:
   * the snapshot alone (the relay writes collected snapshots), or a replay.
   * Bytes folded or merged from a tail still carry every value a later event
   * deleted.
   */
  get collected(): boolean {
    return "update" in this.held ? this.held.collected : this.held.tail.length === 0;
  }

  /** True when the tail is longer than {@link MERGED_TAIL_MAX}: worth a snapshot once the whole state is computed. */
  get longTail(): boolean {
    return this.tailEvents > MERGED_TAIL_MAX;
  }

  /** The whole stored state as one v1 update (the snapshot itself when no event follows it). */
  get update(): Uint8Array {
    return this.computeWhole().update;
  }

  /**
   * The state vector of the stored state: the snapshot's own when no event
   * follows it, the replayed document's after a replay, else decoded from
   * the merged bytes once, then kept. Decoding costs as much as the state
   * is long (measured 24–39 ms for a 600 KB state of 100,000 updates), on
   * the thread that a just-connected client's reply and its own apply are
   * waiting for.
   */
  get stateVector(): Uint8Array {
    this.vector ??= this.computeWhole().stateVector ?? Y.encodeStateVectorFromUpdate(this.update);
    return this.vector;
  }

  /** The state vector when it needs no decoding: kept with the snapshot, from a replay, or decoded already. */
  get knownStateVector(): Uint8Array | null {
    return this.vector ?? ("update" in this.held ? this.held.stateVector : null);
  }

  /**
   * The sync step 2 frame for a peer that holds nothing (a fresh page;
   * every client of a reconnect storm after a deploy): the stored state,
   * framed once and kept. A peer that holds part of the state is answered
   * from the built document instead, where a diff skips what the peer has
   * rather than decoding the whole history again for each such peer.
   */
  get fullSyncStep2(): Uint8Array {
    if (this.fullReply === null) {
      const whole = this.computeWhole();
      const frame = syncStep2FrameOf(whole.update);
      // The frame ends with the update: from now on the update is a view of it, and the bytes are held once.
      this.held = { ...whole, update: frame.subarray(frame.byteLength - whole.update.byteLength) };
      this.fullReply = frame;
    }
    return this.fullReply;
  }

  /** Builds the document the bytes describe. */
  build(): Y.Doc {
    const doc = new Y.Doc();
    if (!("update" in this.held)) {
      // One apply of the folded state costs far less than applying each event of a long tail.
      const folded = foldedOf(this.held);
      if (folded === null) {
        replayInto(doc, this.held);
        return doc;
      }
      this.held = folded;
    }
    Y.applyUpdate(doc, this.held.update);
    return doc;
  }

  private computeWhole(): Whole {
    if (!("update" in this.held)) this.held = wholeOf(this.held);
    return this.held;
  }
}

/** The whole state of `loaded`, at a cost linear in its bytes (see the module header). */
function wholeOf(loaded: LoadedDoc): Whole {
  const { snapshot, tail } = loaded;
  const folded = foldedOf(loaded);
  if (folded !== null) return folded;
  if (tail.length <= MERGED_TAIL_MAX) {
    const parts = tail.map((event) => event.update);
    if (snapshot !== null) parts.unshift(snapshot.state);
    return { update: parts.length === 1 && parts[0] !== undefined ? parts[0] : Y.mergeUpdates(parts), stateVector: null, collected: false };
  }
  const doc = new Y.Doc();
  try {
    replayInto(doc, loaded);
    return { update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc), collected: true };
  } finally {
    doc.destroy();
  }
}

/** The snapshot and the tail folded as bytes, or `null` when they do not fit the fold (see `appendUpdates`). */
function foldedOf({ snapshot, tail }: LoadedDoc): Whole | null {
  if (tail.length === 0) return { update: snapshot?.state ?? Y.encodeStateAsUpdate(new Y.Doc()), stateVector: snapshot?.stateVector ?? null, collected: true };
  const folded = appendUpdates(
    snapshot?.state ?? null,
    tail.map((event) => event.update),
  );
  return folded === null ? null : { ...folded, collected: false };
}

/** Applies the snapshot and then every event of the tail, in order, in one transaction. */
function replayInto(doc: Y.Doc, { snapshot, tail }: LoadedDoc): void {
  doc.transact(() => {
    if (snapshot !== null) Y.applyUpdate(doc, snapshot.state);
    for (const event of tail) Y.applyUpdate(doc, event.update);
  });
}
