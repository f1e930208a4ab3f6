/**
 * An {@link EventStore} that keeps everything in memory: for tests, for
 * tools, and as the reference behaviour of the contract. Nothing survives
 * the process; the data may outlive one store object, so a test can close a
 * store and open another over the same {@link MemoryEventData}.
 */
import type { DocName } from "../ids";
import type { DocEvent, NewDocEvent } from "./docEvent";
import type { EventRange, EventStore, LoadedDoc, Snapshot } from "./eventStore";
import { checkNewEvents, checkSnapshot, normalizeEventRange, storeClosedError } from "./eventStoreChecks";

/** The contents of an in-memory store: logs and latest snapshots by document. */
export interface MemoryEventData {
  /** Each document's log, seq `i + 1` at index `i`. */
  readonly logs: Map<DocName, DocEvent[]>;
  /** Each document's latest snapshot. */
  readonly snapshots: Map<DocName, Snapshot>;
}

/** Empty {@link MemoryEventData}. */
export function createMemoryEventData(): MemoryEventData {
  return { logs: new Map(), snapshots: new Map() };
}

/** Creates an in-memory {@link EventStore} over `data` (empty by default). */
export function createMemoryEventStore(data: MemoryEventData = createMemoryEventData()): EventStore {
  const { logs, snapshots } = data;
  let closed = false;

  /** Runs `body` unless the store is closed; its throw becomes a rejection. */
  async function open<T>(body: () => T): Promise<T> {
    if (closed) throw storeClosedError();
    return body();
  }

  function logOf(doc: DocName): DocEvent[] {
    return logs.get(doc) ?? [];
  }

  return {
    append: (doc: DocName, events: readonly NewDocEvent[]) =>
      open(() => {
        checkNewEvents(doc, events);
        const log = logOf(doc);
        const stored = events.map(
          (event, index): DocEvent => ({ ...event, update: event.update.slice(), seq: log.length + index + 1 }),
        );
        if (stored.length > 0) {
          for (const event of stored) log.push(event);
          logs.set(doc, log);
        }
        return stored;
      }),

    read: (doc: DocName, range?: EventRange) =>
      open(() => {
        const { from, to } = normalizeEventRange(range);
        return logOf(doc).slice(from - 1, to === Infinity ? undefined : Math.max(to, from - 1));
      }),

    writeSnapshot: (doc: DocName, snapshot: Snapshot) =>
      open(() => {
        checkSnapshot(doc, snapshot, logOf(doc).length);
        const latest = snapshots.get(doc);
        if (latest === undefined || latest.seq <= snapshot.seq) {
          const { seq, state, stateVector } = snapshot;
          snapshots.set(doc, stateVector === undefined ? { seq, state: state.slice() } : { seq, state: state.slice(), stateVector: stateVector.slice() });
        }
      }),

    load: (doc: DocName) =>
      open((): LoadedDoc => {
        const snapshot = snapshots.get(doc) ?? null;
        return { snapshot, tail: logOf(doc).slice(snapshot?.seq ?? 0) };
      }),

    lastSeq: (doc: DocName) => open(() => logOf(doc).length),

    listDocs: (prefix: string) => open(() => [...logs.keys()].filter((doc) => doc.startsWith(prefix)).sort()),

    deleteDoc: (doc: DocName) =>
      open(() => {
        logs.delete(doc);
        snapshots.delete(doc);
      }),

    close: async () => {
      closed = true;
    },
  };
}
