/**
 * An {@link EventStore} that keeps everything in memory: for tests, for
 * tools, and as the reference behaviour of the contract. Nothing survives
 * the process; the data may outlive one store object, so a test can close a
 * store and open another over the same {@link MemoryEventData}.
 *
 * Invariant: a document's log holds its kept events, dense and ascending;
 * the first is the one after its history base (seq 1 when it has none).
 */
import type { DocName } from "../ids";
import type { DocEvent, NewDocEvent } from "./docEvent";
import type { EventRange, EventStore, LoadedDoc, Snapshot } from "./eventStore";
import { checkNewEvents, checkPrune, checkSnapshot, normalizeEventRange, storeClosedError } from "./eventStoreChecks";

/** The contents of an in-memory store: logs, latest snapshots and history bases by document. */
export interface MemoryEventData {
  /** Each document's kept events, ascending and dense. */
  readonly logs: Map<DocName, DocEvent[]>;
  /** Each document's latest snapshot. */
  readonly snapshots: Map<DocName, Snapshot>;
  /** Each pruned document's history base (the state after its removed events). */
  readonly bases: Map<DocName, Snapshot>;
}

/** Empty {@link MemoryEventData}. */
export function createMemoryEventData(): MemoryEventData {
  return { logs: new Map(), snapshots: new Map(), bases: new Map() };
}

/** Creates an in-memory {@link EventStore} over `data` (empty by default). */
export function createMemoryEventStore(data: MemoryEventData = createMemoryEventData()): EventStore {
  const { logs, snapshots, bases } = data;
  let closed = false;

  /** Runs `body` unless the store is closed; its throw becomes a rejection. */
  async function open<T>(body: () => T): Promise<T> {
    if (closed) throw storeClosedError();
    return body();
  }

  function logOf(doc: DocName): DocEvent[] {
    return logs.get(doc) ?? [];
  }

  function lastSeqOf(doc: DocName): number {
    return logOf(doc).at(-1)?.seq ?? 0;
  }

  /** The kept events of `doc` with seqs in `from..to`. */
  function slice(doc: DocName, from: number, to: number): DocEvent[] {
    const log = logOf(doc);
    const first = log[0]?.seq ?? 1;
    const start = Math.max(from - first, 0);
    return to === Infinity ? log.slice(start) : log.slice(start, Math.max(to - first + 1, start));
  }

  return {
    append: (doc: DocName, events: readonly NewDocEvent[]) =>
      open(() => {
        checkNewEvents(doc, events);
        const log = logOf(doc);
        const last = lastSeqOf(doc);
        const stored = events.map((event, index): DocEvent => ({ ...event, update: event.update.slice(), seq: last + index + 1 }));
        if (stored.length > 0) {
          for (const event of stored) log.push(event);
          logs.set(doc, log);
        }
        return stored;
      }),

    read: (doc: DocName, range?: EventRange) =>
      open(() => {
        const { from, to } = normalizeEventRange(range);
        return slice(doc, from, to);
      }),

    writeSnapshot: (doc: DocName, snapshot: Snapshot) =>
      open(() => {
        checkSnapshot(doc, snapshot, lastSeqOf(doc));
        const latest = snapshots.get(doc);
        if (latest === undefined || latest.seq <= snapshot.seq) snapshots.set(doc, copySnapshot(snapshot));
      }),

    load: (doc: DocName) =>
      open((): LoadedDoc => {
        const snapshot = snapshots.get(doc) ?? null;
        return { snapshot, tail: slice(doc, (snapshot?.seq ?? 0) + 1, Infinity) };
      }),

    lastSeq: (doc: DocName) => open(() => lastSeqOf(doc)),

    historyBase: (doc: DocName) => open(() => bases.get(doc) ?? null),

    prune: (doc: DocName, base: Snapshot) =>
      open(() => {
        checkPrune(doc, base, lastSeqOf(doc), snapshots.get(doc)?.seq ?? 0);
        if (base.seq <= (bases.get(doc)?.seq ?? 0)) return;
        const log = logOf(doc);
        log.splice(0, base.seq - (log[0]?.seq ?? 1) + 1);
        bases.set(doc, { seq: base.seq, state: base.state.slice() });
      }),

    listDocs: (prefix: string) => open(() => [...logs.keys()].filter((doc) => doc.startsWith(prefix)).sort()),

    deleteDoc: (doc: DocName) =>
      open(() => {
        logs.delete(doc);
        snapshots.delete(doc);
        bases.delete(doc);
      }),

    close: async () => {
      closed = true;
    },
  };
}

function copySnapshot({ seq, state, stateVector }: Snapshot): Snapshot {
  return stateVector === undefined ? { seq, state: state.slice() } : { seq, state: state.slice(), stateVector: stateVector.slice() };
}
