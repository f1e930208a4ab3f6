/**
 * Reverts exactly one transaction's effect in a new transaction: what it
 * inserted is deleted, what it deleted is re-inserted (as new items, at the
 * same places). Built on Yjs's undo machinery, fed a synthetic stack item,
 * so it works for every shared type, nested ones included.
 *
 * The reverted transaction's deleted content must still be there: keep it
 * from garbage collection (a `gcFilter` that says no) until the revert ran.
 */
import * as Y from "yjs";

/** A run of clocks, shaped like Yjs's own delete-set items. */
class ClockRange {
  constructor(
    readonly clock: number,
    readonly len: number,
  ) {}
}

/** Reverts transactions of one document. */
export interface Reverter {
  /** Reverts `transaction` in a transaction whose origin is `origin`. */
  revert(transaction: Y.Transaction): void;
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
    revert(transaction) {
      const insertions = Y.createDeleteSet();
      for (const [client, end] of transaction.afterState) {
        const start = transaction.beforeState.get(client) ?? 0;
        if (end > start) insertions.clients.set(client, [new ClockRange(start, end - start)] as never);
      }
      undo.undoStack.push({ insertions, deletions: transaction.deleteSet, meta: new Map() } as never);
      undo.undo();
      undo.clear();
    },
    destroy: () => undo.destroy(),
  };
}
