/**
 * Retention: the event log does not grow without bound. Events that a
 * snapshot covers and that are outside the retention window are folded into
 * the document's history base and removed ({@link EventStore.prune}).
 *
 * The window keeps, per document, the last `keepEvents` events and every
 * event younger than `keepAgeMs`; an event is pruned only when it is outside
 * both, and only the oldest such events go, so the log stays one dense run
 * of seqs. The default ({@link DEFAULT_RETENTION}: 10,000 events and 7
 * days) keeps per-key history useful — the last week of a session's changes
 * and, for a busy document, thousands of writes back — while a document's
 * log stays bounded by its write rate over a week instead of its lifetime.
 *
 * Invariant: no event is removed that the latest snapshot does not cover,
 * and the base is the fold of the removed events (the previous base plus
 * them), so replay and history from the base equal replay from seq 1.
 */
import * as Y from "yjs";
import { ErrorCode, TaikuError } from "../errors";
import type { DocName } from "../ids";
import type { EventStore } from "./eventStore";

/** How much of each document's log to keep. */
export interface RetentionWindow {
  /** Events to keep at the end of each log, whatever their age (≥ 1). */
  readonly keepEvents: number;
  /** Events younger than this (by their `ts`) are kept, in milliseconds. */
  readonly keepAgeMs: number;
}

/** 10,000 events and 7 days (see the module header for why). */
export const DEFAULT_RETENTION: RetentionWindow = Object.freeze({ keepEvents: 10_000, keepAgeMs: 7 * 24 * 60 * 60 * 1000 });

/**
 * Events read and folded per page while pruning: large, because each read
 * first waits until the store's backend holds every write before it, which
 * under steady appends costs a flush.
 */
const PAGE = 8192;

/**
 * Events applied between two yields to the event loop while pruning: a
 * prune runs beside live traffic (after a cold open's snapshot, beside the
 * reply still being written to its socket), so it never holds the thread
 * for more than one slice.
 */
const SLICE = 512;

/** Lets the event loop run what is waiting (socket writes, other documents) before the next slice. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Throws `invalid_params` for a window that is not two non-negative integers with `keepEvents ≥ 1`. */
export function checkRetentionWindow(keep: RetentionWindow): void {
  if (!Number.isInteger(keep.keepEvents) || keep.keepEvents < 1) {
    throw new TaikuError(ErrorCode.InvalidParams, `retention must keep at least one event, got ${String(keep.keepEvents)}`);
  }
  if (!Number.isInteger(keep.keepAgeMs) || keep.keepAgeMs < 0) {
    throw new TaikuError(ErrorCode.InvalidParams, `retention age must be a non-negative integer, got ${String(keep.keepAgeMs)}`);
  }
}

/**
 * Prunes `doc`'s log to `window` at time `now`: folds every event that the
 * snapshot at `snapshotSeq` covers and the window does not keep into the
 * history base. Resolves with the first seq the log still holds. Callers
 * must not prune one document twice at once ({@link withRetention} queues).
 */
export async function pruneToWindow(store: EventStore, doc: DocName, snapshotSeq: number, keep: RetentionWindow, now: number): Promise<number> {
  checkRetentionWindow(keep);
  const base = await store.historyBase(doc);
  const start = base?.seq ?? 0;
  const limit = Math.min(snapshotSeq, (await store.lastSeq(doc)) - keep.keepEvents);
  if (limit <= start) return start + 1;
  const oldest = now - keep.keepAgeMs;
  const state = new Y.Doc();
  if (base !== null) Y.applyUpdate(state, base.state);
  let through = start;
  let young = false;
  while (!young && through < limit) {
    if (through > start) await yieldToEventLoop();
    const page = await store.read(doc, { from: through + 1, to: Math.min(through + PAGE, limit) });
    if (page.length === 0) break;
    for (let at = 0; !young && at < page.length; at += SLICE) {
      if (at > 0) await yieldToEventLoop();
      state.transact(() => {
        for (const event of page.slice(at, at + SLICE)) {
          if (event.seq !== through + 1) {
            throw new TaikuError(ErrorCode.Internal, `${doc}'s log changed while it was pruned (expected seq ${through + 1}, read ${event.seq})`);
          }
          if (event.ts > oldest) {
            young = true;
            return;
          }
          Y.applyUpdate(state, event.update);
          through = event.seq;
        }
      });
    }
  }
  if (through > start) await store.prune(doc, { seq: through, state: Y.encodeStateAsUpdate(state) });
  state.destroy();
  return through + 1;
}

/** Options of {@link withRetention}. */
export interface RetentionOptions {
  /** The clock events' ages are judged by (default `Date.now`). */
  readonly now?: () => number;
  /** Told about a prune that failed; the snapshot it followed is stored all the same. */
  readonly onError: (error: unknown, doc: DocName) => void;
}

/** {@link EventStore} with retention: also tells when a document's pruning has caught up. */
export interface RetainingEventStore extends EventStore {
  /** Resolves once every prune started for `doc` so far has finished (or failed and been reported). */
  pruned(doc: DocName): Promise<void>;
}

/**
 * `store`, with its log pruned to `window` after every snapshot written
 * through it. A prune runs beside the writes, never in their way:
 * `writeSnapshot` resolves once the snapshot is stored, so the snapshot
 * cadence is the same with retention as without. One prune runs per
 * document at a time; snapshots written meanwhile collapse into one next
 * prune, up to the latest of them. A failed prune is reported to `onError`
 * and leaves the log longer, never shorter; the next snapshot tries again.
 * `deleteDoc` and `close` wait for the document's prunes.
 */
export function withRetention(store: EventStore, keep: RetentionWindow, options: RetentionOptions): RetainingEventStore {
  checkRetentionWindow(keep);
  const now = options.now ?? Date.now;
  /** Per document, its prune under way (settles, never rejects). */
  const running = new Map<DocName, Promise<void>>();
  /** Per document, the snapshot seq the next prune is to reach, when one is waiting. */
  const waitingSeq = new Map<DocName, number>();

  function pruneAfter(doc: DocName, snapshotSeq: number): void {
    const queued = waitingSeq.get(doc);
    waitingSeq.set(doc, Math.max(queued ?? 0, snapshotSeq));
    if (queued !== undefined) return;
    const run = (running.get(doc) ?? Promise.resolve()).then(async () => {
      const seq = waitingSeq.get(doc) ?? snapshotSeq;
      waitingSeq.delete(doc);
      await pruneToWindow(store, doc, seq, keep, now()).then(
        () => undefined,
        (error: unknown) => options.onError(error, doc),
      );
    });
    running.set(doc, run);
    void run.then(() => {
      if (running.get(doc) === run) running.delete(doc);
    });
  }

  return {
    append: (doc, events) => store.append(doc, events),
    read: (doc, range) => store.read(doc, range),
    writeSnapshot: async (doc, snapshot) => {
      await store.writeSnapshot(doc, snapshot);
      pruneAfter(doc, snapshot.seq);
    },
    pruned: async (doc) => {
      await running.get(doc);
    },
    load: (doc) => store.load(doc),
    lastSeq: (doc) => store.lastSeq(doc),
    historyBase: (doc) => store.historyBase(doc),
    prune: (doc, base) => store.prune(doc, base),
    listDocs: (prefix) => store.listDocs(prefix),
    deleteDoc: async (doc) => {
      await running.get(doc);
      await store.deleteDoc(doc);
    },
    close: async () => {
      await Promise.all(running.values());
      await store.close();
    },
  };
}
