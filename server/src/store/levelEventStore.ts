/**
 * The relay's {@link EventStore}: document logs and snapshots in LevelDB
 * (key layout in `eventKeys.ts`), passing the engine's contract suite.
 *
 * - Appends are group-committed (`writeQueue.ts`): every append of a tick
 *   goes into one batch, and each caller resolves once that batch is
 *   written; a failed batch rejects every caller in it. The batch is a
 *   chained batch on the root database with fully prefixed keys: the same
 *   keys and atomicity as an array `batch()` through the sublevels, at a
 *   fraction of its CPU per event.
 * - The last assigned seq of each document is kept in memory, read once
 *   (one reverse key lookup) on first use, so appends never read the disk.
 *   Calls that need it (append, snapshot, delete) are served in call order
 *   per document, so concurrent appends never interleave or reuse seqs.
 * - `load` reads the latest snapshot (reverse iterator, limit 1) and only
 *   the events after it, so it costs the state's size plus a bounded tail,
 *   not the length of the history. Only the latest snapshot is kept.
 * - Reads see every write whose promise has resolved.
 */
import type { AbstractBatchOptions, AbstractLevel, AbstractSublevel } from "abstract-level";
import {
  ErrorCode,
  TaikuError,
  checkNewEvents,
  checkSnapshot,
  decodeDocEvent,
  encodeDocEvent,
  normalizeEventRange,
  storeClosedError,
} from "@taiku/engine";
import type { DocEvent, DocName, EventRange, EventStore, LoadedDoc, NewDocEvent, Snapshot } from "@taiku/engine";
import { checkStorableDocName, docKeyRange, parseSeqKey, prefixKeyRange, seqKey } from "./eventKeys";
import { createWriteQueue } from "./writeQueue";

/** Any abstract-level database or sublevel; the store makes its own sublevels in it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LevelDatabase = AbstractLevel<any, any, any>;

/** How a LevelDB event store writes. */
export interface LevelEventStoreOptions {
  /** fsync every batch (survives power loss, not only a killed process). Default `false`. */
  readonly sync?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type BinarySublevel = AbstractSublevel<any, any, string, Uint8Array>;

interface PutOp {
  readonly type: "put";
  readonly sublevel: BinarySublevel;
  readonly key: string;
  readonly value: Uint8Array;
}

/**
 * An {@link EventStore} over `db` (usually `root.sublevel("events")`).
 * `close()` finishes pending writes but leaves `db` open: its owner closes it.
 */
export function createLevelEventStore(db: LevelDatabase, options: LevelEventStoreOptions = {}): EventStore {
  const binary = { keyEncoding: "utf8", valueEncoding: "view" } as const;
  const events: BinarySublevel = db.sublevel<string, Uint8Array>("e", binary);
  const snapshots: BinarySublevel = db.sublevel<string, Uint8Array>("u", binary);
  const formerSnapshots: BinarySublevel = db.sublevel<string, Uint8Array>("s", binary);
  const batchOptions: AbstractBatchOptions<string, Uint8Array> & { sync: boolean } = { sync: options.sync ?? false };
  const root: LevelDatabase = events.db;
  const writes = createWriteQueue<PutOp>({
    writeBatch: (ops) => writeOps(ops),
    onFailure: () => lastAssigned.clear(),
  });
  /** Last seq handed out per document, including appends not yet written. */
  const lastAssigned = new Map<DocName, number>();
  /** Calls waiting, in call order, for a document's last seq to be read. */
  const waiting = new Map<DocName, Array<{ run: () => void; fail: (error: unknown) => void }>>();
  let closed = false;

  /** Runs `action` synchronously once `doc`'s last seq is known, after earlier such calls. */
  function inSeqOrder<T>(doc: DocName, action: (last: number) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        const last = lastAssigned.get(doc);
        if (last === undefined) return void reject(new TaikuError(ErrorCode.Unavailable, "an earlier write failed"));
        action(last).then(resolve, reject);
      };
      const queue = waiting.get(doc);
      if (queue !== undefined) return void queue.push({ run, fail: reject });
      if (lastAssigned.has(doc)) return run();
      const calls = [{ run, fail: reject }];
      waiting.set(doc, calls);
      readLastSeq(doc).then(
        (found) => {
          waiting.delete(doc);
          if (!lastAssigned.has(doc)) lastAssigned.set(doc, found);
          for (const call of calls) call.run();
        },
        (error: unknown) => {
          waiting.delete(doc);
          for (const call of calls) call.fail(error);
        },
      );
    });
  }

  /** Writes `ops` atomically, as one chained batch on the root database. */
  async function writeOps(ops: readonly PutOp[]): Promise<void> {
    const batch = root.batch();
    try {
      for (const op of ops) batch.put(op.sublevel.prefixKey(op.key, "utf8"), op.value, binary);
    } catch (error) {
      await batch.close();
      throw error;
    }
    await batch.write(batchOptions);
  }

  async function readLastSeq(doc: DocName): Promise<number> {
    const [key] = await events.keys({ ...docKeyRange(doc), reverse: true, limit: 1 }).all();
    return key === undefined ? 0 : parseSeqKey(key).seq;
  }

  function decodeStored(key: string, value: Uint8Array): DocEvent {
    const decoded = decodeDocEvent(value);
    if (decoded.error !== undefined) {
      throw new TaikuError(ErrorCode.Internal, `stored event ${key} is corrupt: ${decoded.error}`);
    }
    return decoded.event;
  }

  async function readEvents(range: { gt?: string; gte?: string; lt?: string; lte?: string }): Promise<DocEvent[]> {
    const entries = await events.iterator(range).all();
    return entries.map(([key, value]) => decodeStored(key, value));
  }

  /** Calls accepted before `close()`; it waits for them. */
  const accepted = new Set<Promise<void>>();

  /** Rejects when the store is closed or `doc` cannot be stored; else runs `body`. */
  function guarded<T>(doc: DocName | null, body: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(storeClosedError());
    const call = (async () => {
      if (doc !== null) checkStorableDocName(doc);
      return body();
    })();
    const forget = (): void => void accepted.delete(tracked);
    const tracked: Promise<void> = call.then(forget, forget);
    accepted.add(tracked);
    return call;
  }

  return {
    append: (doc: DocName, newEvents: readonly NewDocEvent[]) =>
      guarded(doc, async () => {
        checkNewEvents(doc, newEvents);
        if (newEvents.length === 0) return [];
        return inSeqOrder(doc, async (last) => {
          const stored = newEvents.map((event, i): DocEvent => ({ ...event, seq: last + i + 1 }));
          lastAssigned.set(doc, last + stored.length);
          const ops = stored.map((event): PutOp => {
            const value = encodeDocEvent(event);
            return { type: "put", sublevel: events, key: seqKey(doc, event.seq), value };
          });
          await writes.batch(ops);
          return stored;
        });
      }),

    read: (doc: DocName, range?: EventRange) =>
      guarded(doc, async () => {
        const { from, to } = normalizeEventRange(range);
        const { lt } = docKeyRange(doc);
        if (to < from) return [];
        return readEvents(to === Infinity ? { gte: seqKey(doc, from), lt } : { gte: seqKey(doc, from), lte: seqKey(doc, to) });
      }),

    writeSnapshot: (doc: DocName, snapshot: Snapshot) =>
      guarded(doc, () =>
        inSeqOrder(doc, async (last) => {
          checkSnapshot(doc, snapshot, last);
          const key = seqKey(doc, snapshot.seq);
          const state = snapshot.state.slice();
          await writes.task(async () => {
            await snapshots.put(key, state);
            await snapshots.clear({ gt: docKeyRange(doc).gt, lt: key });
            await formerSnapshots.clear(docKeyRange(doc));
          });
        }),
      ),

    load: (doc: DocName) =>
      guarded(doc, async (): Promise<LoadedDoc> => {
        const range = docKeyRange(doc);
        const [latest] = await snapshots.iterator({ ...range, reverse: true, limit: 1 }).all();
        if (latest === undefined) return { snapshot: null, tail: await readEvents(range) };
        const [key, state] = latest;
        const { seq } = parseSeqKey(key);
        return { snapshot: { seq, state }, tail: await readEvents({ gt: seqKey(doc, seq), lt: range.lt }) };
      }),

    lastSeq: (doc: DocName) => guarded(doc, () => readLastSeq(doc)),

    listDocs: (prefix: string) =>
      guarded(null, async () => {
        const range = prefixKeyRange(prefix);
        if (range === null) return [];
        const docs: DocName[] = [];
        const keys = events.keys(range);
        try {
          for (let key = await keys.next(); key !== undefined; key = await keys.next()) {
            const { doc } = parseSeqKey(key);
            if (doc.startsWith(prefix)) docs.push(doc);
            keys.seek(docKeyRange(doc).lt);
          }
        } finally {
          await keys.close();
        }
        return docs;
      }),

    deleteDoc: (doc: DocName) =>
      guarded(doc, () =>
        inSeqOrder(doc, async () => {
          lastAssigned.set(doc, 0);
          const range = docKeyRange(doc);
          await writes.task(async () => {
            await snapshots.clear(range);
            await formerSnapshots.clear(range);
            await events.clear(range);
          });
        }),
      ),

    close: async () => {
      closed = true;
      await Promise.all(accepted);
      await writes.settled();
    },
  };
}
