/**
 * Per-key history of a session KV document, derived from its event log:
 * every write of one key — who made it, when, from what to what, and
 * whether it lost to a concurrent write.
 *
 * The events are replayed, in seq order, into a fresh `Y.Doc` (from the
 * history base when the log was pruned). For each event, the Yjs items it
 * inserts into `kv` under the key are its sets, and the items of the key its
 * delete set covers while it inserts none are its delete. A set whose item
 * is not the map's entry for the key once integrated, or that a later item
 * not based on it overwrites, lost to a concurrent write; so did a delete
 * of an item that another write had already replaced, or that a later set
 * based on the deleted item replaces. Such a write is its own entry, marked
 * `superseded`, with the seq of the write that won (followed through writes
 * that themselves lost, so it names the one the replicas kept).
 * A compensation is its own entry (kind `"compensation"`).
 *
 * Invariant: the answer is a pure function of the base and the events, so
 * it is the same on every replica holding the same log and after a restart.
 */
import * as Y from "yjs";
import type { DocEvent, EventKind, EventOrigin } from "./docEvent";
import type { Snapshot } from "./eventStore";

/** One write of one key. */
export interface KeyChange {
  /** The event that made the write. */
  readonly seq: number;
  /** When the relay accepted that event (ms since the Unix epoch). */
  readonly ts: number;
  /** Who made it. */
  readonly origin: EventOrigin;
  /** Why the event exists (a user's update, a compensation, the server). */
  readonly kind: EventKind;
  /** The key's JSON value just before the event; `undefined` when the key was absent. */
  readonly from: unknown;
  /**
   * The JSON value the write set (for a superseded set, the value it tried
   * to set); `undefined` for a delete.
   */
  readonly to: unknown;
  /** True when the write lost to a concurrent one and never (or no longer) shows. */
  readonly superseded: boolean;
  /** The seq of the write that won over this one; `null` when not superseded, or when the winner was pruned. */
  readonly supersededBy: number | null;
}

/** The `deletedBy` of an item removed before the history base: by a write no longer in the log. */
const BEFORE_BASE = 0;

/** What the replay knows about one Yjs item of the key. */
interface ItemRecord {
  /** The event that inserted it; `null` for an item already in the base. */
  readonly seq: number | null;
  /** The event whose integration or delete removed it ({@link BEFORE_BASE} if unknown); `null` while it is the entry. */
  deletedBy: number | null;
}

/** A {@link KeyChange} while the replay may still mark it superseded. */
type MutableChange = { -readonly [K in keyof KeyChange]: KeyChange[K] };

/**
 * The writes of `key` in `doc.getMap("kv")` made by `events`, oldest first.
 * `events` must continue `base` (the document's state after events
 * 1..`base.seq`, `null` for a log from seq 1): the `from` of the first write
 * is then the key's value in the base.
 */
export function keyHistory(events: readonly DocEvent[], key: string, base: Snapshot | null = null): KeyChange[] {
  const doc = new Y.Doc();
  const kv = doc.getMap<unknown>("kv");
  if (base !== null) Y.applyUpdate(doc, base.state);
  const items = new Map<string, ItemRecord>();
  // The base's items of the key, so that later events deleting or building on them are recognised.
  for (let item = currentEntry(kv, key); item !== null; item = item.left) {
    for (let offset = 0; offset < item.length; offset++) {
      items.set(idName(item.id.client, item.id.clock + offset), { seq: null, deletedBy: item.deleted ? BEFORE_BASE : null });
    }
  }
  const bySeq = new Map<number, MutableChange>();
  const changes: MutableChange[] = [];
  // Read inside the transaction: once it ends, a losing item's content is garbage-collected.
  let inserted: InsertedItem[] = [];
  doc.on("afterTransaction", (transaction: Y.Transaction) => {
    inserted = insertedItems(doc, transaction, kv, key);
  });

  const recordOf = (id: Y.ID): ItemRecord => {
    const name = idName(id.client, id.clock);
    let record = items.get(name);
    if (record === undefined) {
      record = { seq: null, deletedBy: null };
      items.set(name, record);
    }
    return record;
  };
  const supersede = (seq: number | null, by: number): void => {
    const change = seq === null ? undefined : bySeq.get(seq);
    if (change === undefined || change.seq === by) return;
    change.superseded = true;
    change.supersededBy = by;
  };
  const add = (event: DocEvent, from: unknown, to: unknown, superseded: boolean, supersededBy: number | null): void => {
    const { seq, ts, origin, kind } = event;
    const change: MutableChange = { seq, ts, origin, kind, from, to, superseded, supersededBy };
    changes.push(change);
    if (!bySeq.has(seq)) bySeq.set(seq, change);
  };

  for (const event of events) {
    const entryBefore = currentEntry(kv, key);
    const from = toJson(kv.get(key));
    const targets = deletedRecords(event.update, items);
    inserted = [];
    Y.applyUpdate(doc, event.update);
    const entryAfter = currentEntry(kv, key);
    if (inserted.length === 0) {
      if (targets.length === 0) continue;
      const live = targets.filter((record) => record.deletedBy === null);
      if (live.length > 0) {
        for (const record of live) record.deletedBy = event.seq;
        add(event, from, undefined, false, null);
      } else {
        const winner = targets[0]!.deletedBy;
        add(event, from, undefined, true, winner === BEFORE_BASE ? null : winner);
      }
      continue;
    }
    for (const { item, value } of inserted) {
      const isEntry = entryAfter !== null && Y.compareIDs(entryAfter.lastId, item.id);
      const record: ItemRecord = { seq: event.seq, deletedBy: isEntry ? null : event.seq };
      items.set(idName(item.id.client, item.id.clock), record);
      if (!isEntry) {
        const winner = entryAfter === null ? null : recordOf(entryAfter.lastId).seq;
        // An earlier write of this same event replaced within it is not a write of its own.
        if (winner === event.seq) continue;
        add(event, from, value, true, winner);
        continue;
      }
      add(event, from, toJson(kv.get(key)), false, null);
      if (entryBefore !== null) {
        const previous = recordOf(entryBefore.lastId);
        if (previous.deletedBy === null) {
          previous.deletedBy = event.seq;
          if (item.origin === null || !Y.compareIDs(item.origin, entryBefore.lastId)) supersede(previous.seq, event.seq);
        }
      }
      // Based on an item some other write had removed before this one arrived: that write lost to this one.
      if (item.origin !== null) {
        const based = items.get(idName(item.origin.client, item.origin.clock));
        if (based !== undefined && based.deletedBy !== null && based.deletedBy !== event.seq) supersede(based.deletedBy, event.seq);
      }
    }
  }
  doc.destroy();
  return changes.map((change) => ({ ...change, supersededBy: finalWinner(change, bySeq) }));
}

/** The seq a superseded change finally lost to, following winners that lost in turn. */
function finalWinner(change: KeyChange, bySeq: ReadonlyMap<number, KeyChange>): number | null {
  let winner = change.supersededBy;
  const seen = new Set<number>([change.seq]);
  while (winner !== null && !seen.has(winner)) {
    seen.add(winner);
    const next = bySeq.get(winner);
    if (next === undefined || !next.superseded) break;
    winner = next.supersededBy;
  }
  return winner;
}

/** The item `kv` holds as `key`'s entry (deleted when the key is absent), or `null`. */
function currentEntry(kv: Y.Map<unknown>, key: string): Y.Item | null {
  return kv._map.get(key) ?? null;
}

/** An item of the key an event inserted, with the JSON value it carried. */
interface InsertedItem {
  readonly item: Y.Item;
  readonly value: unknown;
}

/** The items of `key` in `kv` that `transaction` inserted. */
function insertedItems(doc: Y.Doc, transaction: Y.Transaction, kv: Y.Map<unknown>, key: string): InsertedItem[] {
  const found: InsertedItem[] = [];
  for (const [client, end] of transaction.afterState) {
    const start = transaction.beforeState.get(client) ?? 0;
    if (end <= start) continue;
    const structs = doc.store.clients.get(client);
    if (structs === undefined) continue;
    for (let i = Y.findIndexSS(structs, start); i < structs.length; i++) {
      const struct = structs[i]!;
      if (struct.id.clock >= end) break;
      if (struct instanceof Y.Item && struct.parent === kv && struct.parentSub === key) {
        found.push({ item: struct, value: contentOf(struct) });
      }
    }
  }
  return found;
}

/** The records of the key's items that `update`'s delete set covers. */
function deletedRecords(update: Uint8Array, items: ReadonlyMap<string, ItemRecord>): ItemRecord[] {
  if (items.size === 0) return [];
  const found: ItemRecord[] = [];
  const { ds } = Y.decodeUpdate(update);
  for (const [client, ranges] of ds.clients) {
    for (const { clock, len } of ranges) {
      // A key's items are few next to a long range; a short range is cheaper to walk.
      for (let c = clock; c < clock + Math.min(len, 4096); c++) {
        const record = items.get(idName(client, c));
        if (record !== undefined) found.push(record);
      }
      if (len > 4096) {
        for (const [name, record] of items) {
          const [itemClient, itemClock] = name.split(":").map(Number) as [number, number];
          if (itemClient === client && itemClock >= clock + 4096 && itemClock < clock + len) found.push(record);
        }
      }
    }
  }
  return found;
}

function idName(client: number, clock: number): string {
  return `${client}:${clock}`;
}

function contentOf(item: Y.Item): unknown {
  const values = item.content.getContent();
  return toJson(values[values.length - 1]);
}

function toJson(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.toJSON() : value;
}
