/**
 * Which `kv` keys and root types one transaction touched, read from the
 * types it changed. The arbiter names these in a rejection (and checks them
 * against its protected roots); the live size tracker re-weighs them.
 */
import type * as Y from "yjs";
import type { AnyType } from "./jsonBytes";
import { KV_MAP } from "./liveSize";

/** The `kv` keys and root types a transaction touched. */
export interface Touched {
  /** `kv` keys whose entry (or something nested in it) changed. */
  readonly keys: ReadonlySet<string>;
  /** Root types other than `kv` that changed, plus `kv` when its sequence part did. */
  readonly roots: ReadonlySet<string>;
}

/** The name under which a root type is shared. */
function rootName(doc: Y.Doc, type: AnyType): string {
  for (const [name, shared] of doc.share) if (shared === type) return name;
  throw new Error("root type not found in its document");
}

const NO_ROOTS: ReadonlySet<string> = new Set();

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
