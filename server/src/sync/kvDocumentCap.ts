/**
 * Admission of plugin (KV) documents to a session: a session KV document
 * opens only for a plugin the session knows, and a session may hold at most
 * `max` of them, counting those stored and those only in memory so far.
 *
 * Which plugins a session knows is the relay's caller's to say
 * ({@link KnownPlugins}); the server's rule is "installed on this server, or
 * session-managed" (see `knownPlugins.ts`). Only documents of known plugins
 * count towards the cap, so a member cannot fill it with made-up plugin ids
 * (those are refused before anything is stored), and documents left by a
 * plugin since removed do not keep a session's real plugins out.
 *
 * Invariant: admission is one critical section per session: the check and
 * the registration of the opening document happen without another
 * admission of the same session in between, so concurrent first opens
 * cannot take a session past the cap. The session document is never capped.
 */
import { CloseCode, kvDocPrefix, parseDocName, type DocName, type EventStore, type PluginId, type SessionId } from "@taiku/engine";
import { KeyedLock } from "../data/keyedLock";

/** For a session, a test of whether it knows a plugin (asked once per admission). */
export type KnownPlugins = (sessionId: SessionId) => Promise<(pluginId: PluginId) => boolean>;

/** Every plugin is known: the relay's default when its caller names no rule. */
export const EVERY_PLUGIN_KNOWN: KnownPlugins = () => Promise.resolve(() => true);

/** Why a document was not opened. */
export interface KvRefusal {
  readonly code: CloseCode;
  readonly reason: string;
}

/** Decides whether a document may open, and opens it in the same critical section. */
export class KvDocumentCap {
  private readonly admissions = new KeyedLock();

  constructor(
    private readonly store: EventStore,
    /** Plugin documents one session may hold. */
    readonly max: number,
    /** Names of the documents loaded in memory now. */
    private readonly loaded: () => Iterable<DocName>,
    private readonly isLoaded: (name: DocName) => boolean,
    private readonly known: KnownPlugins = EVERY_PLUGIN_KNOWN,
  ) {}

  /**
   * Runs `open` (which must register the document as loaded before it
   * returns its promise) when `name` may open; the refusal otherwise, and
   * then nothing is opened or stored.
   */
  async admit<T>(name: DocName, open: () => Promise<T>): Promise<{ readonly opened: Promise<T> } | { readonly refused: KvRefusal }> {
    const parsed = parseDocName(name);
    if (parsed?.kind !== "kv") return { opened: open() };
    return this.admissions.run(parsed.sessionId, async () => {
      const knows = await this.known(parsed.sessionId);
      if (!knows(parsed.pluginId)) {
        return { refused: { code: CloseCode.DocumentNotFound, reason: `plugin ${parsed.pluginId} is not installed on this server nor enabled for this session` } };
      }
      if (await this.reached(name, parsed.sessionId, knows)) {
        return { refused: { code: CloseCode.DocumentCapReached, reason: `this session already holds ${this.max} plugin documents` } };
      }
      return { opened: open() };
    });
  }

  /** True when `name` is a KV document the session does not hold yet and it holds `max` documents of known plugins already. */
  private async reached(name: DocName, sessionId: SessionId, knows: (pluginId: PluginId) => boolean): Promise<boolean> {
    if (this.isLoaded(name)) return false;
    // A stored document is within the cap: one key lookup, where listing the session's documents walks them all.
    if ((await this.store.lastSeq(name)) > 0) return false;
    const prefix = kvDocPrefix(sessionId);
    const held = new Set<string>(await this.store.listDocs(prefix));
    if (held.has(name)) return false;
    for (const loaded of this.loaded()) if (loaded.startsWith(prefix)) held.add(loaded);
    let counted = 0;
    for (const doc of held) {
      const other = parseDocName(doc);
      if (other?.kind === "kv" && knows(other.pluginId)) counted++;
    }
    return counted >= this.max;
  }
}
