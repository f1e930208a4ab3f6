/**
 * The documents the relay holds in memory: loading each once, however many
 * sockets ask for it at the same time; keeping it while a socket uses it
 * (its peers are its reference count); evicting it once it has been idle for
 * `idleMs`; unloading it (flush, snapshot when worth it, free) and dropping
 * a failed one.
 *
 * Invariant: at most one `LiveDocument` per name is loaded or loading, and a
 * name being unloaded or dropped is loaded again only after its pending
 * writes settled, so a reload reads everything the last one made durable.
 *
 * A document whose stored records are damaged (the store's load throws a
 * `CorruptRecordError`) is *refused*: it is logged once, kept in the
 * refused set, and every later open of it fails with the same error
 * without reading the store again. It stays refused until the operator
 * repairs the data and restarts the relay; the other documents are served
 * as usual.
 */
import type { Logger } from "pino";
import { CorruptRecordError, type CorruptRecord, type DocName, type EventStore } from "@taiku/engine";
import { policyFor } from "./kvArbitration";
import { withAuthorship } from "./sessionAuthorship";
import { LiveDocument } from "./liveDocument";
import type { SnapshotPolicy } from "./snapshotPolicy";
import { StoredState } from "./storedState";

/** Options of {@link DocumentRegistry}. */
export interface DocumentRegistryOptions<Peer> {
  readonly store: EventStore;
  readonly logger: Logger;
  /** Session KV quota in bytes. */
  readonly quotaBytes: number;
  /** Session document quota in bytes (default `SESSION_QUOTA_BYTES`). */
  readonly sessionQuotaBytes?: number;
  /** When documents write snapshots (see `snapshotPolicy.ts`). */
  readonly snapshots: SnapshotPolicy;
  /** How long a document without peers stays in memory, ms. */
  readonly idleMs: number;
  /** How long a built document nothing uses stays built before it goes back to its bytes, ms (see `liveDocument.ts`). */
  readonly unbuildAfterMs?: number;
  /** Called once per document when its awareness is made, on first use (the relay hooks it up). */
  readonly onAwareness: (live: LiveDocument<Peer>) => void;
  /** Called when a document is dropped, before it is freed (the relay closes its sockets). */
  readonly onDropped: (live: LiveDocument<Peer>, reason: string) => void;
  /** Called with each append's duration in milliseconds. */
  readonly onPersisted: (ms: number) => void;
}

/** Loaded documents by name. */
export class DocumentRegistry<Peer> {
  private readonly documents = new Map<DocName, Promise<LiveDocument<Peer>>>();
  /**
   * The loaded instance of each name. A name can outlive an instance (dropped or unloaded, then loaded
   * again): every call that takes an instance acts only while that instance is the current one, so a late
   * call for an old instance (a socket of a dropped document closing late) never touches its successor.
   */
  private readonly current = new Map<DocName, LiveDocument<Peer>>();
  private readonly unloading = new Map<DocName, Promise<void>>();
  private readonly idleTimers = new Map<DocName, NodeJS.Timeout>();
  private readonly refusedDocs = new Map<DocName, CorruptRecordError>();
  private closed = false;
  /** Loaded documents built into a `Y.Doc`. */
  built = 0;

  constructor(private readonly options: DocumentRegistryOptions<Peer>) {}

  /** Documents loaded or loading. */
  get size(): number {
    return this.documents.size;
  }

  /** Names of the documents loaded or loading. */
  names(): IterableIterator<DocName> {
    return this.documents.keys();
  }

  /** True when `name` is loaded or loading. */
  has(name: DocName): boolean {
    return this.documents.has(name);
  }

  /** The document `name`, if it is loaded or loading. */
  loaded(name: DocName): Promise<LiveDocument<Peer>> | undefined {
    return this.documents.get(name);
  }

  /** The refusal of `name`, when its stored records are damaged. */
  refusal(name: DocName): CorruptRecordError | undefined {
    return this.refusedDocs.get(name);
  }

  /** Every refused document, in the order they were refused. */
  refused(): CorruptRecord[] {
    return [...this.refusedDocs].map(([doc, { record, seq, reason }]) => (seq === undefined ? { doc, record, reason } : { doc, record, seq, reason }));
  }

  /**
   * The document `name`, loaded from the store unless it is in memory
   * already; rejects with a `CorruptRecordError` for a refused document.
   */
  open(name: DocName): Promise<LiveDocument<Peer>> {
    const existing = this.documents.get(name);
    if (existing !== undefined) return existing;
    const refusal = this.refusedDocs.get(name);
    if (refusal !== undefined) return Promise.reject(refusal);
    const { store, logger } = this.options;
    const loading = (async () => {
      await this.unloading.get(name);
      const stored = new StoredState(
        await store.load(name).catch((error: unknown) => {
          if (error instanceof CorruptRecordError) this.refuse(name, error);
          throw error;
        }),
      );
      // Opened as its stored bytes; built on first need (see `liveDocument.ts`).
      const live = LiveDocument.open<Peer>(name, stored, {
        store,
        logger,
        policy: withAuthorship(name, policyFor(name, this.options.quotaBytes, this.options.sessionQuotaBytes)),
        snapshots: this.options.snapshots,
        onFailure: () => this.drop(live, "the relay could not persist an update"),
        onPersisted: this.options.onPersisted,
        onBuilt: () => this.built++,
        unbuildAfterMs: this.options.unbuildAfterMs,
        onUnbuilt: () => this.built--,
        onAwareness: () => this.options.onAwareness(live),
      });
      this.current.set(name, live);
      return live;
    })();
    this.documents.set(name, loading);
    loading.catch(() => this.documents.delete(name));
    return loading;
  }

  /** `live` is in use: it is not evicted while it has peers. */
  retain(live: LiveDocument<Peer>): void {
    if (!this.isCurrent(live)) return;
    clearTimeout(this.idleTimers.get(live.name));
    this.idleTimers.delete(live.name);
  }

  /** `live` may be idle now: without peers for `idleMs`, it is unloaded. */
  release(live: LiveDocument<Peer>): void {
    if (!this.isCurrent(live)) return;
    clearTimeout(this.idleTimers.get(live.name));
    if (live.peers.size > 0 || this.closed) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(live.name);
      if (live.peers.size === 0) void this.unload(live);
    }, this.options.idleMs);
    timer.unref();
    this.idleTimers.set(live.name, timer);
  }

  /**
   * Forgets a document whose memory no longer matches its log (a failed
   * write, or a malformed update applied in part): its sockets are closed
   * to reconnect, and it reloads from the store once the writes already
   * issued have settled.
   */
  drop(live: LiveDocument<Peer>, reason: string): void {
    live.failed = true;
    if (!this.isCurrent(live)) return;
    this.forget(live);
    this.options.onDropped(live, reason);
    const settled = live.flush().finally(() => {
      this.free(live);
      if (this.unloading.get(live.name) === settled) this.unloading.delete(live.name);
    });
    this.unloading.set(live.name, settled);
  }

  /** Writes what `live` has pending (and a snapshot when worth it), then frees it. */
  async unload(live: LiveDocument<Peer>): Promise<void> {
    if (!this.isCurrent(live)) return;
    this.forget(live);
    const done = (async () => {
      if (live.wantsSnapshotOnUnload) live.snapshot();
      await live.flush();
      this.free(live);
    })();
    this.unloading.set(live.name, done);
    await done.finally(() => {
      if (this.unloading.get(live.name) === done) this.unloading.delete(live.name);
    });
  }

  /** Unloads every document and waits for every write. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    const loaded = await Promise.allSettled(this.documents.values());
    for (const outcome of loaded) if (outcome.status === "fulfilled") await this.unload(outcome.value);
    await Promise.allSettled(this.unloading.values());
  }

  private isCurrent(live: LiveDocument<Peer>): boolean {
    return this.current.get(live.name) === live;
  }

  /** Takes `live` out of the registry: the next open of its name loads a new instance from the store. */
  private forget(live: LiveDocument<Peer>): void {
    this.documents.delete(live.name);
    this.current.delete(live.name);
    clearTimeout(this.idleTimers.get(live.name));
    this.idleTimers.delete(live.name);
  }

  /**
   * Refuses `name` from now until the relay restarts, because `error`
   * found its stored records damaged (by its load, or by another read of
   * the store on its way); logged once.
   */
  refuse(name: DocName, error: CorruptRecordError): void {
    if (this.refusedDocs.has(name)) return;
    this.refusedDocs.set(name, error);
    this.options.logger.error(
      { doc: name, record: error.record, seq: error.seq, reason: error.reason },
      `refusing document ${name}: stored record ${error.record} ${error.reason}`,
    );
  }

  private free(live: LiveDocument<Peer>): void {
    if (live.isBuilt) this.built--;
    live.destroy();
  }
}
