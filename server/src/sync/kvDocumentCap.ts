/**
 * The cap on plugin (KV) documents per session: a session may hold at most
 * `max` of them, counting those stored and those only in memory so far.
 * A document the session already holds always opens; the session document
 * is never capped.
 */
import { kvDocPrefix, parseDocName, type DocName, type EventStore } from "@taiku/engine";

/** Decides whether opening a document would take its session past the cap. */
export class KvDocumentCap {
  constructor(
    private readonly store: EventStore,
    /** Plugin documents one session may hold. */
    readonly max: number,
    /** Names of the documents loaded in memory now. */
    private readonly loaded: () => Iterable<DocName>,
    private readonly isLoaded: (name: DocName) => boolean,
  ) {}

  /** True when `name` is a KV document the session does not hold yet and it holds `max` already. */
  async reached(name: DocName): Promise<boolean> {
    const parsed = parseDocName(name);
    if (parsed?.kind !== "kv" || this.isLoaded(name)) return false;
    // A stored document is within the cap: one key lookup, where listing the session's documents walks them all.
    if ((await this.store.lastSeq(name)) > 0) return false;
    const prefix = kvDocPrefix(parsed.sessionId);
    const held = new Set<string>(await this.store.listDocs(prefix));
    if (held.has(name)) return false;
    for (const loaded of this.loaded()) if (loaded.startsWith(prefix)) held.add(loaded);
    return held.size >= this.max;
  }
}
