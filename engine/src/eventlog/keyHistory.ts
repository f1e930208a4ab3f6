/**
 * Per-key history of a session KV document, derived from its event log:
 * who set a key, when, and from what to what.
 *
 * The events are replayed, in order, into a fresh `Y.Doc` while the `kv`
 * map is observed; each event that changed the key's visible value yields
 * one {@link KeyChange}. A compensation that restores an earlier value is its
 * own entry (kind `"compensation"`), so a reverted write stays visible.
 */
import * as Y from "yjs";
import type { DocEvent, EventKind, EventOrigin } from "./docEvent";

/** One change of one key. */
export interface KeyChange {
  /** The event that made the change. */
  readonly seq: number;
  /** When the relay accepted that event (ms since the Unix epoch). */
  readonly ts: number;
  /** Who made it. */
  readonly origin: EventOrigin;
  /** Why the event exists (a user's update, a compensation, the server). */
  readonly kind: EventKind;
  /** The JSON value before; `undefined` when the key was absent. */
  readonly from: unknown;
  /** The JSON value after; `undefined` when the key was deleted. */
  readonly to: unknown;
}

/**
 * The changes of `key` in `doc.getMap("kv")` made by `events`, oldest first.
 * `events` must be a log from seq 1 (or the `from` of the first change is
 * relative to the first event given).
 */
export function keyHistory(events: readonly DocEvent[], key: string): KeyChange[] {
  const doc = new Y.Doc();
  const kv = doc.getMap<unknown>("kv");
  const changes: KeyChange[] = [];
  let current: DocEvent | undefined;
  kv.observe((change) => {
    const keyChange = change.changes.keys.get(key);
    if (keyChange === undefined || current === undefined) return;
    const { seq, ts, origin, kind } = current;
    changes.push({ seq, ts, origin, kind, from: toJson(keyChange.oldValue), to: toJson(kv.get(key)) });
  });
  for (const event of events) {
    current = event;
    Y.applyUpdate(doc, event.update);
  }
  doc.destroy();
  return changes;
}

function toJson(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.toJSON() : value;
}
