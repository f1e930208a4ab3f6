/**
 * Rebuilding a document from its log: a document's state is the fold of its
 * events, starting from a snapshot or from the history base when retention
 * removed the oldest events.
 */
import * as Y from "yjs";
import type { DocName } from "../ids";
import type { DocEvent } from "./docEvent";
import type { EventStore, Snapshot } from "./eventStore";
import { PrunedHistoryError } from "./prunedHistoryError";

/**
 * A new `Y.Doc` holding `snapshot` (if any) with `events` applied in order.
 * Events at or before the snapshot's seq are already in it and are skipped.
 */
export function foldEvents(snapshot: Snapshot | null, events: readonly DocEvent[]): Y.Doc {
  const doc = new Y.Doc();
  const after = snapshot?.seq ?? 0;
  doc.transact(() => {
    if (snapshot !== null) Y.applyUpdate(doc, snapshot.state);
    for (const event of events) {
      if (event.seq > after) Y.applyUpdate(doc, event.update);
    }
  });
  return doc;
}

/**
 * `doc` as it was right after event `seq` (its current state when `seq` is at
 * or past the end). Starts from the latest snapshot when that is not past
 * `seq`, else from the history base (the beginning of the log when none).
 * Rejects with a {@link PrunedHistoryError} when `seq` is before the base.
 */
export async function replayTo(store: EventStore, doc: DocName, seq: number): Promise<Y.Doc> {
  const { snapshot, tail } = await store.load(doc);
  if (snapshot === null || snapshot.seq <= seq) {
    return foldEvents(snapshot, tail.filter((event) => event.seq <= seq));
  }
  const base = await store.historyBase(doc);
  if (base !== null && seq < base.seq) throw new PrunedHistoryError(doc, seq, base.seq + 1);
  return foldEvents(base, await store.read(doc, { from: (base?.seq ?? 0) + 1, to: seq }));
}
