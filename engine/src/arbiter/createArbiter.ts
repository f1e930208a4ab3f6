/**
 * The quota judge: the one place that decides whether an update to a
 * session KV document may stand, and undoes it when not. The relay runs it
 * on every authoritative document; the host bridge runs it on its replica
 * for each update a plugin frame sends (see `createPluginKvHost`); `MockHost`
 * runs both.
 *
 * `apply(update, origin)` applies an incoming update from any origin in one
 * transaction. When the update leaves the document in a state its policy
 * forbids — live data over the quota and grown by this update (see
 * `quotaVerdict`), a change to a root only the server may write, or a change
 * the policy's `allows` rule refuses its origin (another member's chat) — the
 * judge reverts exactly that update's effect inside the same transaction:
 * what the update inserted is deleted, what it deleted is re-inserted. The
 * revert is returned as its own Yjs update, the *compensation*. The update
 * itself is never dropped, because later updates from its sender depend on
 * it; and since both happen in one transaction, every listener of the
 * document (a y-websocket provider, IndexedDB, the bridge) sees one update
 * whose net effect is within the policy, and no observer ever sees the
 * forbidden state.
 *
 * Live bytes are accounted incrementally (`LiveSizeTracker`, shared with the
 * document's `SessionKv`): only what the update touched is re-weighed.
 * Works for every shared type (maps, texts, arrays, XML, nested types), not
 * only the `kv` map. Do not call `apply` inside another transaction of the
 * document.
 */
import * as Y from "yjs";
import { ErrorCode, TaikuError } from "../errors";
import { KV_MAP, KV_QUOTA_BYTES } from "../kv/liveSize";
import { quotaVerdict } from "../kv/quotaVerdict";
import { acquireTracker } from "../kv/sessionKv";
import type { Touched } from "../kv/touched";
import { touchedBy } from "../kv/touched";
import type { QuotaUsage } from "../protocol/bridgeTypes";
import { createReverter } from "./createReverter";
import type { KvRejection } from "./kvRejection";

/** What the arbiter forbids. */
export interface ArbiterPolicy {
  /** Live data limit in bytes; `null` disables the quota. Default {@link KV_QUOTA_BYTES}. */
  readonly limit?: number | null;
  /** Root types only {@link Arbiter.transact} may change (e.g. a session's `members`). */
  readonly protectedRoots?: readonly string[];
  /**
   * Who may change what, judged inside the update's transaction once it
   * applied (its `origin` is the update's, its `beforeState` and
   * `deleteSet` say what it inserted and deleted; `roots` are the root types
   * it touched): `false` compensates the update as `not_author`.
   */
  readonly allows?: (transaction: Y.Transaction, roots: ReadonlySet<string>) => boolean;
}

/** Why an update was compensated. */
export type RejectionReason = "quota_exceeded" | "protected_root" | "not_author";

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
      /** The Yjs update that reverts `update` (applied after it); apply both or neither. */
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
 * before the bytes broke; the judge reverted that part in the same
 * transaction, but it was never persisted or sent, so a relay must discard
 * the document and reload it from its log.
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

/** The arbiter over one document. */
export interface Arbiter {
  readonly doc: Y.Doc;
  /** The quota in bytes, or `null` when the policy has none. */
  readonly limit: number | null;
  /** Live bytes of the document now. */
  liveBytes(): number;
  /** Live bytes now and the quota (`Infinity` when the policy has none): a plugin's headroom. */
  usage(): QuotaUsage;
  /**
   * Applies an incoming update and judges it, in one transaction whose
   * origin is `origin` (remote, as `Y.applyUpdate` opens). Throws
   * {@link MalformedUpdateError} only for bytes that are not a Yjs update.
   */
  apply(update: Uint8Array, origin: unknown): ArbiterResult;
  /** Applies a trusted server-authored change; returns the Yjs update it produced (`null` for none). */
  transact(change: (doc: Y.Doc) => void, origin?: unknown): Uint8Array | null;
  destroy(): void;
}

/** The rejection a compensated quota result reports to its sender (the `kv:rejected` event's data). */
export function rejectionOf(result: Extract<ArbiterResult, { accepted: false }>): KvRejection {
  return {
    revertedKeys: [...result.revertedKeys],
    revertedTypes: [...result.revertedTypes],
    used: result.used,
    limit: result.limit ?? Number.POSITIVE_INFINITY,
    attempted: result.attempted,
  };
}

/** A listener of a document's `update` event. */
type UpdateListener = (update: Uint8Array, origin: unknown, doc: Y.Doc, transaction: Y.Transaction) => void;

/** What one `apply` learned inside its transaction. */
interface Judgement {
  transaction: Y.Transaction | null;
  /** True when the update changed the document. */
  changed: boolean;
  /** Set when the bytes are not a Yjs update. */
  broken: { readonly cause: unknown; readonly altered: boolean } | null;
  /** Set when the update broke the policy and was reverted. */
  rejected: { readonly reason: RejectionReason; readonly touched: Touched; readonly attempted: number; readonly middle: Map<number, number> } | null;
  /** The transaction's whole update (incoming update plus revert), captured when rejected. */
  whole: Uint8Array | null;
}

/** Each client's clock in `doc` now (also inside a transaction). */
function stateOf(doc: Y.Doc): Map<number, number> {
  const state = new Map<number, number>();
  for (const client of doc.store.clients.keys()) state.set(client, Y.getState(doc.store, client));
  return state;
}

function changedAnything(transaction: Y.Transaction, now: ReadonlyMap<number, number>): boolean {
  if (transaction.deleteSet.clients.size > 0) return true;
  for (const [client, end] of now) if ((transaction.beforeState.get(client) ?? 0) !== end) return true;
  return false;
}

/** Creates the arbiter for `doc`. */
export function createArbiter(doc: Y.Doc, policy: ArbiterPolicy = {}): Arbiter {
  const limit = policy.limit === undefined ? KV_QUOTA_BYTES : policy.limit;
  const protectedRoots = new Set(policy.protectedRoots ?? []);
  // The relay never names the roots, so an update's `kv` would arrive as a root of no particular type, which
  // cannot be observed: naming it a map (as every writer does) lets the tracker follow `kv` alone.
  const kv = doc.share.get(KV_MAP);
  if (kv === undefined || kv.constructor === Y.AbstractType) doc.getMap(KV_MAP);
  const { tracker, release } = acquireTracker(doc);
  const reverter = createReverter(doc);

  function capture(origin: unknown, run: () => void): Uint8Array | null {
    let captured: Uint8Array | null = null;
    const onUpdate = (update: Uint8Array, updateOrigin: unknown): void => {
      if (updateOrigin === origin) captured = captured === null ? update : Y.mergeUpdates([captured, update]);
    };
    // Listening to "update" makes Yjs encode every transaction, so listen only while capturing.
    doc.on("update", onUpdate);
    try {
      run();
      return captured;
    } finally {
      doc.off("update", onUpdate);
    }
  }

  function violation(before: number, attempted: number, touched: Touched, transaction: Y.Transaction): RejectionReason | null {
    if (protectedRoots.size > 0) for (const root of touched.roots) if (protectedRoots.has(root)) return "protected_root";
    if (policy.allows !== undefined && !policy.allows(transaction, touched.roots)) return "not_author";
    return quotaVerdict(before, attempted, limit) === null ? null : "quota_exceeded";
  }

  /** Reverts, inside `transaction`, what it did up to the state `middle`. */
  function revertInside(transaction: Y.Transaction, middle: ReadonlyMap<number, number>): void {
    // The revert is written with this document's client id: a remote transaction that grew it would make Yjs
    // think another replica uses the id, and change it. The transaction now holds a change of this replica's own.
    transaction.local = true;
    // A copy of the delete set: the revert adds its own deletions to the transaction's while it walks this one.
    reverter.revert({ beforeState: transaction.beforeState, afterState: middle, deleteSet: Y.mergeDeleteSets([transaction.deleteSet]) });
  }

  /** Inside the judged transaction: applies `update`, weighs what it touched, and reverts it when it breaks the policy. */
  function judgeInside(transaction: Y.Transaction, update: Uint8Array, before: number, judged: Judgement, onUpdate: UpdateListener): void {
    judged.transaction = transaction;
    try {
      Y.applyUpdate(doc, update);
    } catch (cause) {
      // Yjs integrates an update's structs before it reads its delete set, so bytes that break late leave part of them applied.
      const middle = stateOf(doc);
      const altered = changedAnything(transaction, middle);
      judged.broken = { cause, altered };
      if (!altered) return;
      try {
        revertInside(transaction, middle);
      } catch (failure) {
        judged.broken = { cause: new AggregateError([cause, failure], "the bytes broke, and reverting what they applied failed too"), altered };
      }
      return;
    }
    const middle = stateOf(doc);
    judged.changed = changedAnything(transaction, middle);
    if (!judged.changed) return;
    const touched = touchedBy(transaction);
    const attempted = tracker.projected(touched);
    const reason = violation(before, attempted, touched, transaction);
    if (reason === null) return;
    judged.rejected = { reason, touched, attempted, middle };
    revertInside(transaction, middle);
    // Registered before the transaction ends, so Yjs encodes it: the incoming update and its revert, as one.
    doc.on("update", onUpdate);
  }

  return {
    doc,
    limit,
    liveBytes: () => tracker.bytes,
    usage: () => ({ used: tracker.bytes, limit: limit ?? Number.POSITIVE_INFINITY }),
    apply(update, origin) {
      const before = tracker.bytes;
      const judged: Judgement = { transaction: null, changed: false, broken: null, rejected: null, whole: null };
      const onUpdate: UpdateListener = (bytes, _origin, _doc, transaction) => {
        if (transaction === judged.transaction) judged.whole = bytes;
      };
      // A remote transaction, as `Y.applyUpdate` would open; the update and, when needed, its revert join it.
      Y.transact(doc, (transaction) => judgeInside(transaction, update, before, judged, onUpdate), origin, false);
      doc.off("update", onUpdate);
      if (judged.broken !== null) throw new MalformedUpdateError(judged.broken.cause, judged.broken.altered);
      const rejected = judged.rejected;
      if (rejected === null) {
        // Structs waiting for a missing dependency change nothing yet but must be kept.
        const kept = judged.changed || doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
        return { accepted: true, update: kept ? update : null, liveBytes: tracker.bytes };
      }
      // The transaction's update holds the incoming update and its revert; what lies past the middle state is the revert.
      const compensation = judged.whole === null ? null : Y.diffUpdate(judged.whole, Y.encodeStateVector(rejected.middle));
      return {
        accepted: false,
        reason: rejected.reason,
        update,
        compensation,
        revertedKeys: [...rejected.touched.keys].sort(),
        revertedTypes: [...rejected.touched.roots].sort(),
        used: before,
        attempted: rejected.attempted,
        liveBytes: tracker.bytes,
        limit,
      };
    },
    transact(change, origin = "server") {
      return capture(origin, () => doc.transact(() => change(doc), origin));
    },
    destroy() {
      reverter.destroy();
      release();
    },
  };
}
