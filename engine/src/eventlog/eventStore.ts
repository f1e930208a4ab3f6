/**
 * The persistence contract for document logs.
 *
 * A store keeps, per document, an append-only log of {@link DocEvent}s with
 * dense seqs starting at 1, plus snapshots (a Yjs update equal to the state
 * after events 1..seq) that make loading cheap. Writing a snapshot never
 * removes events; {@link EventStore.prune} does, and only events a snapshot
 * covers: it folds the oldest events into the document's *history base*
 * (the state after them), from which replay and per-key history start.
 * Which events to prune is decided once, in `retention.ts`.
 *
 * Every store — the in-memory one here, the LevelDB one in the server, any
 * future one — must pass `runEventStoreContract` from `@taiku/engine/testing`.
 */
import type { DocName } from "../ids";
import type { DocEvent, NewDocEvent } from "./docEvent";

/** A document's state after events 1..seq, as one Yjs update. */
export interface Snapshot {
  /** The last event folded into `state`. */
  readonly seq: number;
  /**
   * `Y.encodeStateAsUpdate` of the document after events 1..seq: the v1
   * format the sync protocol speaks, so a relay can answer a first sync with
   * these bytes without decoding them into a `Y.Doc`.
   */
  readonly state: Uint8Array;
  /**
   * `Y.encodeStateVector` of the same document state, when the writer had
   * it: kept beside the state so that a relay holding only these bytes can
   * send its own sync step 1 without decoding the whole state. A store
   * returns it with the snapshot it was written with; absent otherwise.
   */
  readonly stateVector?: Uint8Array;
}

/** An inclusive range of seqs; either end may be left open. */
export interface EventRange {
  /** First seq to include (default 1). */
  readonly from?: number;
  /** Last seq to include (default: the last event). */
  readonly to?: number;
}

/** What a document needs to be brought into memory. */
export interface LoadedDoc {
  /** The latest snapshot, or `null` when none was written. */
  readonly snapshot: Snapshot | null;
  /** Every event after the snapshot (all events when there is none), ascending. */
  readonly tail: DocEvent[];
}

/** Per-document append-only event logs with snapshots. */
export interface EventStore {
  /**
   * Appends `events` to `doc`'s log, in order and atomically, and assigns
   * their seqs. Resolves with the stored events once they are durable.
   * Concurrent calls for one document never interleave or reuse seqs; a call
   * that fails stores none of its events and rejects.
   */
  append(doc: DocName, events: readonly NewDocEvent[]): Promise<DocEvent[]>;
  /** The events of `doc` with seqs in `range` (inclusive), ascending. */
  read(doc: DocName, range?: EventRange): Promise<DocEvent[]>;
  /**
   * Stores a snapshot of `doc` at `snapshot.seq`. Refused (rejects with an
   * `invalid_params` error) unless `1 ≤ seq ≤ lastSeq`.
   */
  writeSnapshot(doc: DocName, snapshot: Snapshot): Promise<void>;
  /** The latest snapshot of `doc` plus every event after it. */
  load(doc: DocName): Promise<LoadedDoc>;
  /** The seq of `doc`'s last stored event; 0 when it has none. */
  lastSeq(doc: DocName): Promise<number>;
  /**
   * The state after the events {@link EventStore.prune} removed (its `seq`
   * is the last removed one, so history starts at `seq + 1`), or `null` when
   * the log is whole from seq 1.
   */
  historyBase(doc: DocName): Promise<Snapshot | null>;
  /**
   * Removes `doc`'s events 1..`base.seq` and keeps `base` (the state after
   * them) as its history base. Refused (rejects with an `invalid_params`
   * error, changing nothing) unless `1 ≤ base.seq < lastSeq` and a stored
   * snapshot covers `base.seq`: the last event always stays, so the log's
   * end and the next seq never move, and no event is lost that the latest
   * snapshot does not hold. A base at or before the current one changes
   * nothing. Afterwards `read` returns only events after `base.seq`; `load`
   * and `lastSeq` answer as before.
   */
  prune(doc: DocName, base: Snapshot): Promise<void>;
  /** Every document with at least one event whose name starts with `prefix`, sorted. */
  listDocs(prefix: string): Promise<DocName[]>;
  /** Removes `doc`'s events, snapshots and history base; its next append starts again at seq 1. */
  deleteDoc(doc: DocName): Promise<void>;
  /**
   * Finishes pending writes and releases the store; later calls reject with
   * an `unavailable` error. A store does not close a database it was given.
   */
  close(): Promise<void>;
}
