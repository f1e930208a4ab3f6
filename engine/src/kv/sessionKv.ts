/**
 * Session KV: a plugin's shared entries in `doc.getMap("kv")`, with the
 * quota checked before every local write: the would-be size comes from the
 * document's live size tracker and the decision from `quotaVerdict`, the
 * rule every judge of the quota shares. A write that would take live data
 * past the limit throws {@link QuotaExceededError} and changes nothing; a
 * write that shrinks live data is always allowed, even over the limit.
 */
import * as Y from "yjs";
import { QuotaExceededError } from "../errors";
import type { JsonValue } from "../protocol/bridgeValue";
import { storedValueBytes, utf8Length } from "./jsonBytes";
import { KV_MAP, KV_QUOTA_BYTES } from "./liveSize";
import { LiveSizeTracker } from "./liveSizeTracker";
import { quotaVerdict } from "./quotaVerdict";

/** How one key changed in a transaction. */
export interface KvKeyChange {
  readonly action: "add" | "update" | "delete";
  readonly oldValue: JsonValue | undefined;
  readonly newValue: JsonValue | undefined;
}

/** One transaction's changes to the entries. */
export interface KvChangeEvent {
  readonly keys: ReadonlyMap<string, KvKeyChange>;
  /** The transaction's origin (the relay's provider for remote changes). */
  readonly origin: unknown;
  /** True when this replica made the change. */
  readonly local: boolean;
}

/** Options of {@link createSessionKv}. */
export interface SessionKvOptions {
  /** Live data limit in bytes; {@link KV_QUOTA_BYTES} by default. */
  readonly limit?: number;
  /** Origin given to local write transactions. */
  readonly origin?: unknown;
}

/** A plugin's session KV over a `Y.Doc`. */
export interface SessionKv {
  readonly doc: Y.Doc;
  readonly limit: number;
  /** The value at `key`, or `undefined`. */
  get(key: string): JsonValue | undefined;
  has(key: string): boolean;
  /** Sets `key`; throws {@link QuotaExceededError} (nothing changes) when over quota, `TypeError` for a value JSON cannot carry. */
  set(key: string, value: JsonValue): void;
  /** Deletes `key`; true when it existed. */
  delete(key: string): boolean;
  /** Every live entry. */
  entries(): Array<[string, JsonValue]>;
  /** Live data of the whole document, in bytes. */
  liveBytes(): number;
  /** Bytes `set(key, value)` would leave live, without writing. */
  bytesAfterSet(key: string, value: JsonValue): number;
  /** Calls `handler` after every transaction that changed the value of an entry; returns an unsubscribe function. */
  observe(handler: (event: KvChangeEvent) => void): () => void;
  /** Stops accounting; the document is left as it is. */
  destroy(): void;
}

const trackers = new WeakMap<Y.Doc, { tracker: LiveSizeTracker; users: number }>();

/** The shared live size tracker of a document (one per document, reference counted). */
export function acquireTracker(doc: Y.Doc): { tracker: LiveSizeTracker; release(): void } {
  let entry = trackers.get(doc);
  if (entry === undefined) {
    entry = { tracker: new LiveSizeTracker(doc), users: 0 };
    trackers.set(doc, entry);
  }
  entry.users++;
  const held = entry;
  let released = false;
  return {
    tracker: held.tracker,
    release() {
      if (released) return;
      released = true;
      held.users--;
      if (held.users === 0) {
        held.tracker.destroy();
        trackers.delete(doc);
      }
    },
  };
}

/** Creates the session KV view of `doc`. */
export function createSessionKv(doc: Y.Doc, options: SessionKvOptions = {}): SessionKv {
  const limit = options.limit ?? KV_QUOTA_BYTES;
  const origin = options.origin ?? null;
  const map = doc.getMap<JsonValue>(KV_MAP);
  const { tracker, release } = acquireTracker(doc);

  function weigh(key: string, value: JsonValue): number {
    const bytes = storedValueBytes(value);
    if (bytes === undefined) throw new TypeError(`value for "${key}" is not JSON`);
    return utf8Length(key) + bytes;
  }

  function write(key: string, value: JsonValue): void {
    if (origin === null) map.set(key, value);
    else doc.transact(() => map.set(key, value), origin);
  }

  return {
    doc,
    limit,
    get: (key) => map.get(key),
    has: (key) => map.has(key),
    set(key, value) {
      const bytes = weigh(key, value);
      const used = tracker.bytes;
      // Whatever the key weighs now, a write that fits even on top of it fits: only near the limit does the old weight matter.
      if (used + bytes > limit) {
        const refused = quotaVerdict(used, used - tracker.entry(key) + bytes, limit);
        if (refused !== null) throw new QuotaExceededError(refused);
      }
      // Taken only if the write's own transaction ends inside `write`: in a caller's transaction, the value may
      // still change before the tracker sees it, and the hint is gone by then.
      tracker.expect(key, value, bytes);
      try {
        write(key, value);
      } finally {
        tracker.forget();
      }
    },
    delete(key) {
      if (!map.has(key)) return false;
      doc.transact(() => map.delete(key), origin);
      return true;
    },
    entries: () => Array.from(map.entries()),
    liveBytes: () => tracker.bytes,
    bytesAfterSet: (key, value) => tracker.bytes - tracker.entry(key) + weigh(key, value),
    observe(handler) {
      const listener = (event: Y.YMapEvent<JsonValue>, transaction: Y.Transaction): void => {
        const keys = new Map<string, KvKeyChange>();
        for (const [key, change] of event.changes.keys) {
          keys.set(key, { action: change.action, oldValue: change.oldValue as JsonValue | undefined, newValue: map.get(key) });
        }
        // A key set and undone in one transaction (a compensated update) changed nothing anyone can see.
        if (keys.size === 0) return;
        handler({ keys, origin: transaction.origin, local: transaction.local });
      };
      map.observe(listener);
      return () => map.unobserve(listener);
    },
    destroy: release,
  };
}
