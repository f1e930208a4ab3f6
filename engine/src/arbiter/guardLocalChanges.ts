/**
 * The writer-side quota check for changes made directly on a replica (a
 * plugin's `sharedDoc()`), the judge's counterpart for local transactions:
 * the same live size tracker, the same rule (`quotaVerdict`) and the same
 * reverter as `createArbiter`, which judges incoming updates.
 *
 * Yjs has no hook that runs before a change is applied, so the guard judges
 * each local transaction as soon as it ends: if it took live data past the
 * quota (and grew it), the guard reverts exactly that transaction (what it
 * inserted is deleted, what it deleted is restored) before control returns
 * to the code that made the change, and that code gets a
 * `QuotaExceededError`. The over-quota state never leaves the replica: local
 * updates are sent to the host only after judgement, an over-quota change
 * merged with its revert. Remote changes (the host's, the relay's
 * compensations) are never judged here; the relay is the authority.
 *
 * Deleted content is kept from garbage collection only until judgement.
 */
import * as Y from "yjs";
import { QuotaExceededError, type QuotaFigures } from "../errors";
import { KV_QUOTA_BYTES } from "../kv/liveSize";
import { quotaVerdict } from "../kv/quotaVerdict";
import { acquireTracker } from "../kv/sessionKv";
import { createReverter } from "./createReverter";

/** Options of {@link guardLocalChanges}. */
export interface LocalChangeGuardOptions {
  /** Live data limit in bytes; the session KV quota by default. */
  readonly limit?: number;
  /** True for the origin of changes that came from elsewhere (never judged, never sent). */
  readonly isRemote: (origin: unknown) => boolean;
  /** Receives each judged local update, ready to send to the host. */
  readonly send: (update: Uint8Array) => void;
}

/** A quota guard attached to one document. */
export interface LocalChangeGuard {
  /** Live data of the document, in bytes. */
  liveBytes(): number;
  /** The limit in bytes. */
  readonly limit: number;
  /** Detaches the guard; the document is left as it is. */
  destroy(): void;
}

interface Judgement extends QuotaFigures {
  readonly transaction: Y.Transaction;
}

/** Attaches the quota guard to `doc`. */
export function guardLocalChanges(doc: Y.Doc, options: LocalChangeGuardOptions): LocalChangeGuard {
  const limit = options.limit ?? KV_QUOTA_BYTES;
  const { tracker, release } = acquireTracker(doc);
  const reverter = createReverter(doc);
  const bytesBefore = new WeakMap<Y.Transaction, number>();
  let judged: Y.Transaction[] = [];
  let over: Judgement[] = [];
  let outgoing: Uint8Array[] = [];
  let holding = false;
  let reverting = false;
  const previousGcFilter = doc.gcFilter;
  doc.gcFilter = (item) => !holding && previousGcFilter(item);

  const isLocal = (transaction: Y.Transaction): boolean => !options.isRemote(transaction.origin) && !reverting;

  const onBeforeTransaction = (transaction: Y.Transaction): void => {
    if (!isLocal(transaction)) return;
    holding = true;
    bytesBefore.set(transaction, tracker.bytes);
  };
  const onAfterTransaction = (transaction: Y.Transaction): void => {
    if (!isLocal(transaction)) return;
    judged.push(transaction);
    const refused = quotaVerdict(bytesBefore.get(transaction) ?? tracker.bytes, tracker.bytes, limit);
    if (refused !== null) over.push({ transaction, ...refused });
  };
  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (!options.isRemote(origin)) outgoing.push(update);
  };
  const onAfterAll = (): void => {
    if (reverting) return;
    const refused = over;
    const done = judged;
    over = [];
    judged = [];
    if (refused.length > 0) {
      reverting = true;
      try {
        for (const judgement of [...refused].reverse()) reverter.revert(judgement.transaction);
      } finally {
        reverting = false;
      }
    }
    holding = false;
    for (const transaction of done) Y.tryGc(transaction.deleteSet, doc.store, () => true);
    const updates = outgoing;
    outgoing = [];
    if (updates.length > 0) options.send(updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates));
    const first = refused[0];
    if (first !== undefined) {
      const last = refused[refused.length - 1] as Judgement;
      throw new QuotaExceededError({ used: first.used, limit, attempted: last.attempted });
    }
  };

  doc.on("beforeTransaction", onBeforeTransaction);
  doc.on("afterTransaction", onAfterTransaction);
  doc.on("update", onUpdate);
  doc.on("afterAllTransactions", onAfterAll);

  return {
    limit,
    liveBytes: () => tracker.bytes,
    destroy() {
      doc.off("beforeTransaction", onBeforeTransaction);
      doc.off("afterTransaction", onAfterTransaction);
      doc.off("update", onUpdate);
      doc.off("afterAllTransactions", onAfterAll);
      doc.gcFilter = previousGcFilter;
      reverter.destroy();
      release();
    },
  };
}
