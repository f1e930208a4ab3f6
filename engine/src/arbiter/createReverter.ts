/**
 * Reverts exactly one change's effect: what it inserted is deleted, what it
 * deleted is re-inserted (as new items, at the same places, written with
 * the document's own client id). Built on Yjs's undo machinery, fed a
 * synthetic stack item, so it works for every shared type, nested ones
 * included.
 *
 * A change is a clock range per client plus a delete set: an ended
 * transaction, or the part of a still open one applied so far (the revert
 * then joins that transaction). The change's deleted content must still be
 * there: inside the open transaction it always is; after a transaction
 * ended, keep it from garbage collection (a `gcFilter` that says no) until
 * the revert ran.
 */
import * as Y from "yjs";

/** A run of clocks, shaped like Yjs's own delete-set items. */
class ClockRange {
  constructor(
    readonly clock: number,
    readonly len: number,
  ) {}
}

/** One change to revert: what a transaction (or the first part of one) did. */
export interface RevertibleChange {
  /** Each client's clock before the change. */
  readonly beforeState: ReadonlyMap<number, number>;
  /** Each client's clock after it. */
  readonly afterState: ReadonlyMap<number, number>;
  /** What the change deleted. */
  readonly deleteSet: Y.Transaction["deleteSet"];
}

/** Reverts changes of one document. */
export interface Reverter {
  /** Reverts `change`: in a transaction of its own whose origin is {@link origin}, or inside the open one. */
  revert(change: RevertibleChange): void;
  /** The origin of revert transactions (to recognise them in listeners). */
  readonly origin: unknown;
  destroy(): void;
}

/** Creates the reverter for `doc`. */
export function createReverter(doc: Y.Doc): Reverter {
  // Never captures on its own: it only undoes the stack items pushed below.
  const undo = new Y.UndoManager(doc, { trackedOrigins: new Set(), captureTransaction: () => false, captureTimeout: 0 });
  // Its transaction listener would only decline to capture, yet it runs after every transaction of the document;
  // undoing a pushed item does not need it.
  doc.off("afterTransaction", undo.afterTransactionHandler);
  return {
    origin: undo,
    revert(change) {
      const insertions = Y.createDeleteSet();
      for (const [client, end] of change.afterState) {
        const start = change.beforeState.get(client) ?? 0;
        if (end > start) insertions.clients.set(client, [new ClockRange(start, end - start)] as never);
      }
      undo.undoStack.push({ insertions, deletions: change.deleteSet, meta: new Map() } as never);
      undo.undo();
      undo.clear();
    },
    destroy: () => undo.destroy(),
  };
}
