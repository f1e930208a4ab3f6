/**
 * Live data of a session KV document, as DESIGN.md defines it: for each live
 * entry of the `kv` map, the UTF-8 bytes of its key plus those of its value's
 * JSON; every other root type, the UTF-8 bytes of its JSON (see
 * `jsonBytes.ts`). Deleted data and CRDT history never count, so the figure
 * is a pure function of the document's state and every replica agrees.
 *
 * {@link LiveSizeTracker} keeps the figure incrementally: after each
 * transaction it re-weighs only the `kv` keys and root types the transaction
 * touched, so the cost of a write does not grow with the number of keys or
 * the length of the history.
 */
import * as Y from "yjs";
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
function kvSequenceBytes(kv: AnyType): number {
  let bytes = 0;
  for (let item = kv._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    for (const value of item.content.getContent()) bytes += valueJsonBytes(value);
  }
  return bytes;
}

/** Weight of one root type. */
function rootBytes(name: string, type: AnyType): number {
  if (name !== KV_MAP) return typeJsonBytes(type, true);
  let bytes = kvSequenceBytes(type);
  for (const key of type._map.keys()) bytes += entryBytes(type, key);
  return bytes;
}

/** Live data of a document, computed from scratch. */
export function liveBytes(doc: Y.Doc): number {
  let bytes = 0;
  for (const [name, type] of doc.share) bytes += rootBytes(name, type);
  return bytes;
}

/** The `kv` keys and root types a transaction touched. */
export interface Touched {
  /** `kv` keys whose entry (or something nested in it) changed. */
  readonly keys: Set<string>;
  /** Root types other than `kv` that changed, plus `kv` when its sequence part did. */
  readonly roots: Set<string>;
}

/** The name under which a root type is shared. */
function rootName(doc: Y.Doc, type: AnyType): string {
  for (const [name, shared] of doc.share) if (shared === type) return name;
  throw new Error("root type not found in its document");
}

const NO_ROOTS: Set<string> = new Set();

/** Which `kv` keys and roots a transaction touched, from its changed types. */
export function touchedBy(transaction: Y.Transaction): Touched {
  const doc = transaction.doc;
  const changed = transaction.changed;
  if (changed.size === 1) {
    // The common case, one write to the kv map: no walking, no lookups.
    const type = changed.keys().next().value as AnyType;
    const subs = changed.get(type) as Set<string | null>;
    if (type._item === null && !subs.has(null) && doc.share.get(KV_MAP) === type) return { keys: subs as Set<string>, roots: NO_ROOTS };
  }
  const keys = new Set<string>();
  const roots = new Set<string>();
  for (const [type, subs] of changed) {
    if (type._item === null) {
      const name = rootName(doc, type);
      if (name !== KV_MAP) roots.add(name);
      else for (const sub of subs) sub === null ? roots.add(KV_MAP) : keys.add(sub);
      continue;
    }
    let item: Y.Item = type._item;
    for (;;) {
      const parent = item.parent as AnyType;
      if (parent._item === null) {
        const name = rootName(doc, parent);
        if (name !== KV_MAP) roots.add(name);
        else if (item.parentSub === null) roots.add(KV_MAP);
        else keys.add(item.parentSub);
        break;
      }
      item = parent._item;
    }
  }
  return { keys, roots };
}

/** A weight the writer already computed, so the tracker need not weigh the value again. */
export interface WeightHint {
  readonly key: string;
  readonly value: unknown;
  readonly bytes: number;
}

/** Keeps a document's live data current, transaction by transaction. */
export class LiveSizeTracker {
  /** Live bytes of the whole document. */
  bytes = 0;
  /** What the most recent transaction touched. */
  lastTouched: Touched = { keys: new Set(), roots: new Set() };
  /** Set by a writer right before its transaction; consumed by it. */
  hint: WeightHint | null = null;
  private readonly entries = new Map<string, number>();
  private readonly roots = new Map<string, number>();
  private readonly onTransaction = (transaction: Y.Transaction): void => this.account(transaction);

  constructor(readonly doc: Y.Doc) {
    for (const [name, type] of doc.share) {
      if (name === KV_MAP) {
        for (const key of type._map.keys()) this.setEntry(key, entryBytes(type, key));
        this.setRoot(KV_MAP, kvSequenceBytes(type));
      } else this.setRoot(name, typeJsonBytes(type, true));
    }
    doc.on("afterTransaction", this.onTransaction);
  }

  /** Current weight of the `kv` entry `key`. */
  entry(key: string): number {
    return this.entries.get(key) ?? 0;
  }

  /** Stops tracking. */
  destroy(): void {
    this.doc.off("afterTransaction", this.onTransaction);
  }

  private account(transaction: Y.Transaction): void {
    const touched = touchedBy(transaction);
    this.lastTouched = touched;
    const hint = this.hint;
    this.hint = null;
    if (touched.keys.size > 0) {
      const kv = this.doc.share.get(KV_MAP);
      if (kv === undefined) throw new Error("kv keys changed without a kv root");
      for (const key of touched.keys) {
        if (hint !== null && hint.key === key) {
          const item = kv._map.get(key);
          if (item !== undefined && !item.deleted && itemValue(item) === hint.value) {
            this.setEntry(key, hint.bytes);
            continue;
          }
        }
        this.setEntry(key, entryBytes(kv, key));
      }
    }
    for (const name of touched.roots) {
      const type = this.doc.share.get(name);
      if (type === undefined) continue;
      this.setRoot(name, name === KV_MAP ? kvSequenceBytes(type) : typeJsonBytes(type, true));
    }
  }

  private setEntry(key: string, bytes: number): void {
    const previous = this.entries.get(key);
    if (previous === bytes) return;
    this.bytes += bytes - (previous ?? 0);
    if (bytes === 0) this.entries.delete(key);
    else this.entries.set(key, bytes);
  }

  private setRoot(name: string, bytes: number): void {
    this.bytes += bytes - (this.roots.get(name) ?? 0);
    if (bytes === 0) this.roots.delete(name);
    else this.roots.set(name, bytes);
  }
}

