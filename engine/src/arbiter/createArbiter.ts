/**
 * The quota arbiter the relay runs on every authoritative document.
 *
 * `apply(update, origin)` applies an incoming update. When the update leaves
 * the document in a state its policy forbids — live data over the quota
 * (and grown by this update), or a change to a root only the server may
 * write — the arbiter reverts exactly that update's effect in a transaction
 * of its own, the *compensation*: what the update inserted is deleted, what
 * it deleted is re-inserted. The update itself is never dropped, because
 * later updates from its sender depend on it; the relay persists and
 * broadcasts the update and its compensation together, so no other replica
 * ever sees the forbidden state.
 *
 * Works for every shared type (maps, texts, arrays, XML, nested types), not
 * only the `kv` map. Deleted content is kept from garbage collection only
 * while an update is being judged.
 */
import * as Y from "yjs";
import { ErrorCode, TaikuError } from "../errors";
import { KV_MAP, KV_QUOTA_BYTES } from "../kv/liveSize";
import { LiveSizeTracker } from "../kv/liveSizeTracker";
import type { Touched } from "../kv/touched";
import { touchedBy } from "../kv/touched";
import { createReverter } from "./createReverter";

/** What the arbiter forbids. */
export interface ArbiterPolicy {
  /** Live data limit in bytes; `null` disables the quota. Default {@link KV_QUOTA_BYTES}. */
  readonly limit?: number | null;
  /** Root types only {@link Arbiter.transact} may change (e.g. a session's `members`). */
  readonly protectedRoots?: readonly string[];
}

/** Why an update was compensated. */
export type RejectionReason = "quota_exceeded" | "protected_root";

/** The outcome of {@link Arbiter.apply}. */
export type ArbiterResult =
  | {
      readonly accepted: true;
      /** The update as given, or `null` when it changed nothing and left nothing pending (a duplicate): nothing to keep or forward. */
      readonly update: Uint8Array | null;
      readonly liveBytes: number;
    }
  | {
      readonly accepted: false;
      readonly reason: RejectionReason;
      /** The update as given; keep and forward it together with `compensation`. */
      readonly update: Uint8Array;
      /** The Yjs update that reverts `update`; apply both or neither. */
      readonly compensation: Uint8Array | null;
      /** `kv` keys the update touched, all reverted. */
      readonly revertedKeys: string[];
      /** Other root types the update touched, all reverted. */
      readonly revertedTypes: string[];
      /** Live bytes before the update, during it, and after the compensation. */
      readonly used: number;
      readonly attempted: number;
      readonly liveBytes: number;
      readonly limit: number | null;
    };

/**
 * Bytes that are not a Yjs update. When `altered`, part of them was applied
 * before the bytes broke; that part was never judged, persisted or sent, so
 * the document must be discarded and reloaded from its log.
 */
export class MalformedUpdateError extends TaikuError {
  constructor(
    cause: unknown,
    readonly altered: boolean,
  ) {
    super(ErrorCode.InvalidParams, `not a Yjs update: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "MalformedUpdateError";
  }
}

/** Marks the transaction of one judged update. */
class Judged {
  constructor(readonly origin: unknown) {}
}

/** The arbiter over one authoritative document. */
export interface Arbiter {
  readonly doc: Y.Doc;
  /** Live bytes of the document now. */
  liveBytes(): number;
  /** Applies an incoming update and judges it. Throws {@link MalformedUpdateError} only for bytes that are not a Yjs update. */
  apply(update: Uint8Array, origin: unknown): ArbiterResult;
  /** Applies a trusted server-authored change; returns the Yjs update it produced (`null` for none). */
  transact(change: (doc: Y.Doc) => void, origin?: unknown): Uint8Array | null;
  destroy(): void;
}

const collectAll = (): boolean => true;

/** Creates the arbiter for `doc`. */
export function createArbiter(doc: Y.Doc, policy: ArbiterPolicy = {}): Arbiter {
  const limit = policy.limit === undefined ? KV_QUOTA_BYTES : policy.limit;
  const protectedRoots = new Set(policy.protectedRoots ?? []);
  // The relay never names the roots, so an update's `kv` would arrive as a root of no particular type, which
  // cannot be observed: naming it a map (as every writer does) lets the tracker follow `kv` alone.
  const kv = doc.share.get(KV_MAP);
  if (kv === undefined || kv.constructor === Y.AbstractType) doc.getMap(KV_MAP);
  const tracker = new LiveSizeTracker(doc);
  let holding = false;
  doc.gcFilter = () => !holding;

  let captureOrigin: unknown = undefined;
  let captured: Uint8Array | null = null;
  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (captureOrigin !== undefined && origin === captureOrigin) captured = captured === null ? update : Y.mergeUpdates([captured, update]);
  };

  // The update being applied, and the transaction it is applied in (opened here, so no document listener is needed).
  let incoming: Uint8Array | null = null;
  let judged: Y.Transaction | null = null;
  const applyIncoming = (transaction: Y.Transaction): void => {
    judged = transaction;
    Y.applyUpdate(doc, incoming as Uint8Array);
  };

  const reverter = createReverter(doc);

  function capture(origin: unknown, run: () => void): Uint8Array | null {
    captureOrigin = origin;
    captured = null;
    // Listening to "update" makes Yjs encode every transaction, so listen only while capturing.
    doc.on("update", onUpdate);
    try {
      run();
      return captured;
    } finally {
      doc.off("update", onUpdate);
      captureOrigin = undefined;
      captured = null;
    }
  }

  function revert(transaction: Y.Transaction): Uint8Array | null {
    return capture(reverter.origin, () => reverter.revert(transaction));
  }

  function changedAnything(transaction: Y.Transaction): boolean {
    if (transaction.deleteSet.clients.size > 0) return true;
    for (const [client, end] of transaction.afterState) if ((transaction.beforeState.get(client) ?? 0) !== end) return true;
    return false;
  }

  function violation(before: number, touched: Touched): RejectionReason | null {
    if (protectedRoots.size > 0) for (const root of touched.roots) if (protectedRoots.has(root)) return "protected_root";
    const after = tracker.bytes;
    if (limit !== null && after > limit && after > before) return "quota_exceeded";
    return null;
  }

  return {
    doc,
    liveBytes: () => tracker.bytes,
    apply(update, origin) {
      const before = tracker.bytes;
      judged = null;
      incoming = update;
      holding = true;
      try {
        // A remote transaction, as `Y.applyUpdate` would open, whose origin marks it as judged.
        Y.transact(doc, applyIncoming, new Judged(origin), false);
      } catch (error) {
        // Yjs integrates an update's structs before it reads its delete set, so bytes that break late leave part of them applied.
        const partial = judged as Y.Transaction | null;
        throw new MalformedUpdateError(error, partial !== null && changedAnything(partial));
      } finally {
        holding = false;
        incoming = null;
      }
      const transaction = judged as Y.Transaction | null;
      judged = null;
      const changed = transaction !== null && changedAnything(transaction);
      // Structs waiting for a missing dependency change nothing yet but must be kept.
      const kept = changed || doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
      if (transaction === null || !changed) return { accepted: true, update: kept ? update : null, liveBytes: tracker.bytes };
      const touched = touchedBy(transaction);
      const reason = violation(before, touched);
      if (reason === null) {
        Y.tryGc(transaction.deleteSet, doc.store, collectAll);
        return { accepted: true, update, liveBytes: tracker.bytes };
      }
      const attempted = tracker.bytes;
      const compensation = revert(transaction);
      Y.tryGc(transaction.deleteSet, doc.store, collectAll);
      return {
        accepted: false,
        reason,
        update,
        compensation,
        revertedKeys: [...touched.keys].sort(),
        revertedTypes: [...touched.roots].sort(),
        used: before,
        attempted,
        liveBytes: tracker.bytes,
        limit,
      };
    },
    transact(change, origin = "server") {
      return capture(origin, () => doc.transact(() => change(doc), origin));
    },
    destroy() {
      reverter.destroy();
      tracker.destroy();
    },
  };
}
