/**
 * The relay's {@link EventStore}: document logs and snapshots in LevelDB
 * (key layout in `eventKeys.ts`), passing the engine's contract suite.
 *
 * - Appends are group-committed (`writeQueue.ts`): every append of a tick
 *   goes into one write, and each caller resolves once that write is
 *   durable; a failed write rejects every caller in it and stores none of
 *   their events.
 * - A database on disk gets a journal (`eventJournal.ts`, two files in the
 *   database's folder): a group commit is durable once its frame is
 *   written there, synchronously, without waiting for LevelDB's thread
 *   pool; the events reach LevelDB in larger batches behind it
 *   (`durableWriter.ts`), and opening the store writes whatever a killed
 *   process left in the journal. Without a journal (`journal: null`, or a
 *   database not on disk) each group commit is one LevelDB batch. Either
 *   way a batch is a chained batch on the root database with fully
 *   prefixed keys: the same keys and atomicity as an array `batch()`
 *   through the sublevels, at a fraction of its CPU per event.
 * - The last assigned seq of each document is kept in memory, read once
 *   (one reverse key lookup) on first use, so appends never read the disk.
 *   Calls that need it (append, snapshot, delete) are served in call order
 *   per document, so concurrent appends never interleave or reuse seqs.
 * - `load` reads the latest snapshot (reverse iterator, limit 1) and only
 *   the events after it, so it costs the state's size plus a bounded tail,
 *   not the length of the history. Only the latest snapshot is kept, with
 *   its state vector when the writer gave one (sublevel `v`, same key,
 *   same batch) and its seal (sublevel `c`, `snapshotSeal.ts`).
 * - A damaged record is never served as if it were whole: `load` and
 *   `read` throw a `CorruptRecordError` naming the document and the key
 *   when an event does not decode (or is not the event its key names),
 *   when the events after the snapshot have a gap, or when the snapshot
 *   does not match its seal. The relay refuses that document and serves
 *   the others.
 * - Reads see every write whose promise has resolved: they and deletes
 *   first wait until LevelDB holds everything journaled. A delete therefore
 *   finds the journal empty, and no later recovery can bring back the
 *   events it removed.
 * - Snapshots are written beside the group commits, not in their queue: a
 *   snapshot waits until the events it covers are durable and in LevelDB,
 *   then takes its LevelDB round trips while later appends carry on. A
 *   delete waits for the snapshots of its document asked for before it.
 * - A prune (retention) queues with the document's snapshots: it writes the
 *   history base (sublevel `h`), then range-deletes the events it holds;
 *   reads start after the base, so a crash between the two loses nothing
 *   and shows nothing twice.
 */
import path from "node:path";
import { crc32 } from "node:zlib";
import type { AbstractBatchOptions, AbstractLevel, AbstractSublevel } from "abstract-level";
import {
  CorruptRecordError,
  ErrorCode,
  TaikuError,
  checkNewEvents,
  checkPrune,
  checkSnapshot,
  decodeDocEvent,
  encodeDocEvent,
  normalizeEventRange,
  storeClosedError,
} from "@taiku/engine";
import type { DocEvent, DocName, EventRange, EventStore, LoadedDoc, NewDocEvent, Snapshot } from "@taiku/engine";
import { createDirectWriter, createJournaledWriter, type DurableWriter, type JournaledWriterOptions } from "./durableWriter";
import { openEventJournal } from "./eventJournal";
import { checkStorableDocName, docKeyRange, parseSeqKey, prefixKeyRange, seqKey } from "./eventKeys";
import { checkContiguous, checkSeal, missingEvent, sealOf } from "./snapshotSeal";
import type { JournalEntry } from "./journalFrame";
import { createWriteQueue } from "./writeQueue";

/** Any abstract-level database or sublevel; the store makes its own sublevels in it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LevelDatabase = AbstractLevel<any, any, any>;

/** How a LevelDB event store writes. */
export interface LevelEventStoreOptions extends JournaledWriterOptions {
  /** fsync every group commit (survives power loss, not only a killed process). Default `false`. */
  readonly sync?: boolean;
  /**
   * Path and name prefix of the journal files (`<journal>.0`, `<journal>.1`),
   * or `null` for none. Default: `journal-<sublevel>` in the folder of a
   * database on disk; none for other databases.
   */
  readonly journal?: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type BinarySublevel = AbstractSublevel<any, any, string, Uint8Array>;

/** The default journal of a store in `db`: beside the database's own files, named for the sublevel. */
function defaultJournalOf(db: LevelDatabase, root: LevelDatabase): string | null {
  const location: unknown = (root as { location?: unknown }).location;
  if (typeof location !== "string") return null;
  const prefix: unknown = (db as { prefix?: unknown }).prefix;
  const words = typeof prefix === "string" ? prefix.split(/[^A-Za-z0-9]+/).filter((word) => word !== "") : [];
  return path.join(location, ["journal", ...words].join("-"));
}

/** The writer used before the store is open: nothing may reach it. */
const notOpen: DurableWriter = {
  write: () => Promise.reject(new TaikuError(ErrorCode.Unavailable, "the event store is not open")),
  inLevel: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

/**
 * An {@link EventStore} over `db` (usually `root.sublevel("events")`).
 * `close()` finishes pending writes but leaves `db` open: its owner closes it.
 */
export function createLevelEventStore(db: LevelDatabase, options: LevelEventStoreOptions = {}): EventStore {
  const binary = { keyEncoding: "utf8", valueEncoding: "view" } as const;
  const events: BinarySublevel = db.sublevel<string, Uint8Array>("e", binary);
  const snapshots: BinarySublevel = db.sublevel<string, Uint8Array>("u", binary);
  /** A snapshot's state vector, under the same key as the snapshot, written in the same batch. */
  const vectors: BinarySublevel = db.sublevel<string, Uint8Array>("v", binary);
  const formerSnapshots: BinarySublevel = db.sublevel<string, Uint8Array>("s", binary);
  /** Each snapshot's length and CRC-32 (`snapshotSeal.ts`), same key, same batch: a damaged snapshot is refused, never served. */
  const seals: BinarySublevel = db.sublevel<string, Uint8Array>("c", binary);
  /** A pruned document's history base, under the key of its seq; only the latest is kept. */
  const bases: BinarySublevel = db.sublevel<string, Uint8Array>("h", binary);
  const batchOptions: AbstractBatchOptions<string, Uint8Array> & { sync: boolean } = { sync: options.sync ?? false };
  const root: LevelDatabase = events.db;
  const sync = options.sync ?? false;
  const journalBase = options.journal === undefined ? defaultJournalOf(db, root) : options.journal;
  /** Where group commits go, once the store is open. */
  let writer: DurableWriter = notOpen;
  /** Opens the journal and writes what a previous process left in it to LevelDB. */
  const opened: Promise<void> = (async () => {
    if (journalBase === null) {
      writer = createDirectWriter(writeEntries);
      return;
    }
    const { journal, recovered } = await openEventJournal(journalBase, { sync });
    try {
      if (recovered.length > 0) await writeEntries(recovered);
      journal.clear();
    } catch (error) {
      journal.close();
      throw error;
    }
    writer = createJournaledWriter(journal, writeEntries, options);
  })();
  let isOpen = false;
  // A failure to open reaches every call (each waits for `opened`); this handler only marks the store open.
  void opened.then(
    () => (isOpen = true),
    () => undefined,
  );
  const writes = createWriteQueue<JournalEntry>({
    writeBatch: (entries) => writer.write(entries),
    onFailure: () => lastAssigned.clear(),
  });
  /**
   * Per document, its latest snapshot write still under way (settles, never
   * rejects). A document's snapshots are written one after another, beside
   * the write queue rather than in it: a snapshot's put and clears take
   * several LevelDB round trips, and appends (which the relay broadcasts
   * only once durable) must not wait for them.
   */
  const pendingSnapshots = new Map<DocName, Promise<void>>();
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

  /** Writes `entries` (keys of the root database) atomically, as one chained batch. */
  async function writeEntries(entries: readonly JournalEntry[]): Promise<void> {
    const batch = root.batch();
    try {
      for (const entry of entries) batch.put(entry.key, entry.value, binary);
    } catch (error) {
      await batch.close();
      throw error;
    }
    await batch.write(batchOptions);
  }

  async function readLastSeq(doc: DocName): Promise<number> {
    await writer.inLevel();
    const [key] = await events.keys({ ...docKeyRange(doc), reverse: true, limit: 1 }).all();
    return key === undefined ? 0 : parseSeqKey(key).seq;
  }

  /** The event stored under `key`; a {@link CorruptRecordError} naming the document and the key when the bytes are not that event. */
  function decodeStored(key: string, value: Uint8Array): DocEvent {
    const { doc, seq } = parseSeqKey(key);
    const decoded = decodeDocEvent(value);
    const reason =
      decoded.error !== undefined
        ? `does not decode (${decoded.error})`
        : decoded.event.doc !== doc || decoded.event.seq !== seq
          ? `holds event ${decoded.event.seq} of ${decoded.event.doc}`
          : null;
    if (reason !== null || decoded.event === undefined) throw new CorruptRecordError({ doc, record: `e!${key}`, seq, reason: reason ?? "does not decode" });
    return decoded.event;
  }

  /**
   * `doc`'s events after `after`, for a load: values only (a crash can
   * leave thousands, and their keys need no decoding), each checked to be
   * the event its place in the log names. A record that holds another
   * event, or a gap (an acknowledged event gone), is a
   * {@link CorruptRecordError}: damage, never a shorter document.
   */
  async function readTail(doc: DocName, after: number): Promise<DocEvent[]> {
    await writer.inLevel();
    const range = { gt: seqKey(doc, after), lt: docKeyRange(doc).lt };
    const [values, last] = await Promise.all([events.values(range).all(), readLastSeq(doc)]);
    // Values in place but keys not (a gap hidden by a record stored under the wrong key): read the keys too, and
    // name the record.
    if (values.length > 0 && last !== after + values.length) return checkContiguous(doc, after, await readEvents(range));
    return values.map((value, i) => {
      const seq = after + 1 + i;
      const decoded = decodeDocEvent(value);
      if (decoded.event === undefined || decoded.event.doc !== doc) return decodeStored(seqKey(doc, seq), value);
      if (decoded.event.seq !== seq) throw missingEvent(doc, seq, decoded.event.seq);
      return decoded.event;
    });
  }

  async function readEvents(range: { gt?: string; gte?: string; lt?: string; lte?: string }): Promise<DocEvent[]> {
    await writer.inLevel();
    const entries = await events.iterator(range).all();
    return entries.map(([key, value]) => decodeStored(key, value));
  }

  /** `doc`'s history base, or `null` when its log is whole. */
  async function readBase(doc: DocName): Promise<Snapshot | null> {
    const [latest] = await bases.iterator({ ...docKeyRange(doc), reverse: true, limit: 1 }).all();
    return latest === undefined ? null : { seq: parseSeqKey(latest[0]).seq, state: latest[1] };
  }

  /** Calls accepted before `close()`; it waits for them. */
  const accepted = new Set<Promise<void>>();

  /** Rejects when the store is closed or `doc` cannot be stored; else runs `body` once the store is open. */
  function guarded<T>(doc: DocName | null, body: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(storeClosedError());
    let call: Promise<T>;
    try {
      if (doc !== null) checkStorableDocName(doc);
      call = isOpen ? body() : opened.then(body);
    } catch (error) {
      call = Promise.reject(error);
    }
    const forget = (): void => void accepted.delete(tracked);
    const tracked: Promise<void> = call.then(forget, forget);
    accepted.add(tracked);
    return call;
  }

  /** Numbers `newEvents` after `last` and queues their write. */
  function appendAfter(doc: DocName, last: number, newEvents: readonly NewDocEvent[]): Promise<DocEvent[]> {
    const stored = newEvents.map((event, i): DocEvent => ({ ...event, seq: last + i + 1 }));
    lastAssigned.set(doc, last + stored.length);
    const entries = stored.map((event): JournalEntry => ({ key: events.prefixKey(seqKey(doc, event.seq), "utf8"), value: encodeDocEvent(event) }));
    return writes.batch(entries).then(() => stored);
  }

  return {
    append: (doc: DocName, newEvents: readonly NewDocEvent[]) => {
      // The common case, without a detour through `guarded` and `inSeqOrder`: the store is open and
      // `doc`'s last seq is known with no call waiting for it, so the write is queued at once (and
      // `close()` waits for it in the queue).
      const last = closed || !isOpen || waiting.has(doc) ? undefined : lastAssigned.get(doc);
      if (last !== undefined && newEvents.length > 0) {
        try {
          checkStorableDocName(doc);
          checkNewEvents(doc, newEvents);
        } catch (error) {
          return Promise.reject(error);
        }
        return appendAfter(doc, last, newEvents);
      }
      return guarded(doc, async () => {
        checkNewEvents(doc, newEvents);
        if (newEvents.length === 0) return [];
        return inSeqOrder(doc, (known) => appendAfter(doc, known, newEvents));
      });
    },

    read: (doc: DocName, range?: EventRange) =>
      guarded(doc, async () => {
        const { to, from: asked } = normalizeEventRange(range);
        // Events a prune left behind a crash (it writes the base before clearing them) are never read.
        const from = Math.max(asked, ((await readBase(doc))?.seq ?? 0) + 1);
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
          const stateVector = snapshot.stateVector?.slice();
          // Behind the document's earlier snapshots, once the events it covers are durable (some may still be
          // queued) and then in LevelDB, ahead of it in LevelDB's own log: whatever a crash keeps of that log, a
          // snapshot never survives without the events before it. Appends queued meanwhile go on.
          const eventsWritten = writes.written();
          const written = (pendingSnapshots.get(doc) ?? Promise.resolve()).then(async () => {
            await eventsWritten;
            await writer.inLevel();
            const batch = root.batch();
            batch.put(key, state, { sublevel: snapshots });
            batch.put(key, sealOf(state), { sublevel: seals });
            // Without a vector, any one left at this key (a snapshot at the same seq) goes: it might not match.
            if (stateVector === undefined) batch.del(key, { sublevel: vectors });
            else batch.put(key, sealVector(state, stateVector), { sublevel: vectors });
            await batch.write(batchOptions);
            await snapshots.clear({ gt: docKeyRange(doc).gt, lt: key });
            await vectors.clear({ gt: docKeyRange(doc).gt, lt: key });
            await seals.clear({ gt: docKeyRange(doc).gt, lt: key });
            await formerSnapshots.clear(docKeyRange(doc));
          });
          const settled = written.catch(() => undefined);
          pendingSnapshots.set(doc, settled);
          void settled.then(() => {
            if (pendingSnapshots.get(doc) === settled) pendingSnapshots.delete(doc);
          });
          await written;
        }),
      ),

    load: (doc: DocName) =>
      guarded(doc, async (): Promise<LoadedDoc> => {
        const range = docKeyRange(doc);
        await writer.inLevel();
        const [latest] = await snapshots.iterator({ ...range, reverse: true, limit: 1 }).all();
        if (latest === undefined) return { snapshot: null, tail: await readTail(doc, 0) };
        const [key, state] = latest;
        const { seq } = parseSeqKey(key);
        const damage = checkSeal(state, await seals.get(key));
        if (damage !== null) throw new CorruptRecordError({ doc, record: `u!${key}`, seq, reason: damage });
        const stateVector = unsealVector(state, await vectors.get(key));
        const tail = await readTail(doc, seq);
        return { snapshot: stateVector === undefined ? { seq, state } : { seq, state, stateVector }, tail };
      }),

    lastSeq: (doc: DocName) => guarded(doc, () => readLastSeq(doc)),

    historyBase: (doc: DocName) =>
      guarded(doc, async () => {
        await writer.inLevel();
        return readBase(doc);
      }),

    prune: (doc: DocName, base: Snapshot) =>
      guarded(doc, () =>
        inSeqOrder(doc, async (last) => {
          const { seq } = base;
          const state = base.state instanceof Uint8Array ? base.state.slice() : base.state;
          // Behind the document's snapshots asked for before it (the one covering `base` may be on its way), and
          // ahead of a delete asked for after it. The base is written before the events it holds are cleared.
          const pruned = (pendingSnapshots.get(doc) ?? Promise.resolve()).then(async () => {
            await writer.inLevel();
            const range = docKeyRange(doc);
            const [latest] = await snapshots.keys({ ...range, reverse: true, limit: 1 }).all();
            checkPrune(doc, { seq, state }, last, latest === undefined ? 0 : parseSeqKey(latest).seq);
            if (seq <= ((await readBase(doc))?.seq ?? 0)) return;
            const key = seqKey(doc, seq);
            // Older bases go only once their events have: the oldest one left marks where events may remain, so
            // each clear starts there instead of scanning the tombstones of every event pruned before.
            const [oldest] = await bases.keys({ ...range, limit: 1 }).all();
            const batch = root.batch();
            batch.put(key, state, { sublevel: bases });
            await batch.write(batchOptions);
            await events.clear({ gt: oldest ?? range.gt, lte: key });
            if (oldest !== undefined) await bases.clear({ gte: oldest, lt: key });
          });
          const settled = pruned.catch(() => undefined);
          pendingSnapshots.set(doc, settled);
          void settled.then(() => {
            if (pendingSnapshots.get(doc) === settled) pendingSnapshots.delete(doc);
          });
          await pruned;
        }),
      ),

    listDocs: (prefix: string) =>
      guarded(null, async () => {
        const range = prefixKeyRange(prefix);
        if (range === null) return [];
        await writer.inLevel();
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
          // Taken now: a snapshot of this document asked for before the delete lands first, so the clear below
          // removes it. One asked for later may wait for this very task (it covers the appends queued before it).
          const snapshotsBefore = pendingSnapshots.get(doc);
          await writes.task(async () => {
            await snapshotsBefore;
            await writer.inLevel();
            await snapshots.clear(range);
            await vectors.clear(range);
            await seals.clear(range);
            await formerSnapshots.clear(range);
            await bases.clear(range);
            await events.clear(range);
          });
        }),
      ),

    close: async () => {
      closed = true;
      await Promise.all(accepted);
      await writes.settled();
      await opened;
      await writer.close();
    },
  };
}

/**
 * A state vector as stored: the CRC-32 of the state it belongs to (4 bytes,
 * big-endian), then the vector. A vector that does not belong to the state
 * under its key (left behind by a writer that did not know about vectors,
 * beside a later snapshot at the same seq) is never returned: one that
 * claimed more than the state holds would have a client leave out edits
 * the relay lacks.
 */
function sealVector(state: Uint8Array, stateVector: Uint8Array): Uint8Array {
  const sealed = new Uint8Array(4 + stateVector.byteLength);
  new DataView(sealed.buffer).setUint32(0, crc32(state));
  sealed.set(stateVector, 4);
  return sealed;
}

/** The vector stored for `state`; `undefined` when none is, or when the stored one belongs to other bytes. */
function unsealVector(state: Uint8Array, sealed: Uint8Array | undefined): Uint8Array | undefined {
  if (sealed === undefined || sealed.byteLength < 4) return undefined;
  const check = new DataView(sealed.buffer, sealed.byteOffset, sealed.byteLength).getUint32(0);
  return check === crc32(state) ? sealed.subarray(4) : undefined;
}
