/**
 * Live data of a session KV document, as DESIGN.md defines it: for each live
 * entry of the `kv` map, the UTF-8 bytes of its key plus those of its value's
 * JSON; every other root type, the UTF-8 bytes of its JSON (see
 * `jsonBytes.ts`). Deleted data and CRDT history never count, so the figure
 * is a pure function of the document's state and every replica agrees.
 *
 * {@link liveBytes} computes it from scratch; `LiveSizeTracker` keeps it
 * current incrementally from the same pieces.
 */
import type * as Y from "yjs";
import type { AnyType } from "./jsonBytes";
import { itemValue, typeJsonBytes, utf8Length, valueJsonBytes } from "./jsonBytes";

/** The root map holding a plugin's entries. */
export const KV_MAP = "kv";
/** Live data allowed per plugin per session, in bytes. */
export const KV_QUOTA_BYTES = 65_536;

/** Weight of the `kv` entry `key` (0 when absent). */
export function entryBytes(kv: AnyType, key: string): number {
  const item = kv._map.get(key);
  if (item === undefined || item.deleted) return 0;
  return utf8Length(key) + valueJsonBytes(itemValue(item));
}

/** Weight of what sits in the `kv` root's sequence part (not written by taiku; counted so nothing escapes). */
export function kvSequenceBytes(kv: AnyType): number {
  let bytes = 0;
  for (let item = kv._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    for (const value of item.content.getContent()) bytes += valueJsonBytes(value);
  }
  return bytes;
}

/** Weight of one root type other than `kv`. */
export function rootBytes(type: AnyType): number {
  return typeJsonBytes(type, true);
}

/** Live data of a document, computed from scratch. */
export function liveBytes(doc: Y.Doc): number {
  let bytes = 0;
  for (const [name, type] of doc.share) {
    if (name !== KV_MAP) {
      bytes += rootBytes(type);
      continue;
    }
    bytes += kvSequenceBytes(type);
    for (const key of type._map.keys()) bytes += entryBytes(type, key);
  }
  return bytes;
}
