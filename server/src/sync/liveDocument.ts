/**
 * One document held in memory by the relay: the authoritative `Y.Doc`, its
 * quota arbiter, its awareness, its sockets, and the persist-then-broadcast
 * pipeline.
 *
 * A document is opened as the bytes the store holds (`storedState.ts`) and
 * built into a `Y.Doc` only when something needs the document itself: an
 * update to judge, a server change, a read. Until then sync replies come
 * from the stored bytes, so clients that only read a long history (a
 * restart, a reconnect storm) never wait for, or compete with, the build.
 *
 * Invariant: nothing reaches a peer before it is durable. Every accepted
 * change is appended to the event store at once (the store groups appends
 * of one tick into one batch), and what must follow it — a broadcast, a
 * sync reply — is chained behind that append, so sends leave in the order
 * their changes were applied and only after the store confirmed them.
 */
import type { Logger } from "pino";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { createArbiter, type Arbiter, type ArbiterPolicy, type DocName, type EventStore, type NewDocEvent } from "@taiku/engine";
import type { StoredState } from "./storedState";

/** What a document needs from the relay around it. */
export interface LiveDocumentOptions {
  readonly store: EventStore;
  readonly logger: Logger;
  readonly policy: ArbiterPolicy;
  /**
   * Events a snapshot waits for at least (the relay's default is 1,000).
   * It also waits until the events since the last snapshot weigh half as
   * much as that snapshot, so that encoding a large state stays a bounded
   * share of the work its updates cost (see {@link LiveDocument.snapshotDue}).
   */
  readonly snapshotEvery: number;
  /** Called once when a write fails; the relay then drops the document from memory. */
  readonly onFailure: (error: unknown) => void;
  /** Called with each append's duration in milliseconds. */
  readonly onPersisted: (ms: number) => void;
  /** Called once the document is built from its stored bytes. */
  readonly onBuilt?: () => void;
}

/** The built document and the arbiter judging its updates. */
interface Built {
  readonly doc: Y.Doc;
  readonly arbiter: Arbiter;
}

/** A document loaded in memory. */
export class LiveDocument<Peer = unknown> {
  readonly awareness: awarenessProtocol.Awareness;
  /** Sockets attached to this document. */
  readonly peers = new Set<Peer>();
  /** Set once a write failed; the document accepts nothing more. */
  failed = false;
  private chain: Promise<void> = Promise.resolve();
  private lastSeq: number;
  private sinceSnapshot: number;
  /** Update bytes of the events since the last snapshot. */
  private tailBytes: number;
  /** Bytes of the last snapshot (0 for none). */
  private snapshotBytes: number;
  private snapshotting: Promise<void> = Promise.resolve();
  /** The stored bytes until the document is built, then `null`. */
  private stored: StoredState | null;
  private built: Built | null = null;
  /** The awareness' own document: awareness needs one for its client id, and it must not force a build. */
  private readonly presence = new Y.Doc();

  private constructor(
    readonly name: DocName,
    private readonly options: LiveDocumentOptions,
    stored: StoredState,
  ) {
    this.stored = stored;
    this.lastSeq = stored.lastSeq;
    this.sinceSnapshot = stored.loaded.tail.length;
    this.tailBytes = 0;
    for (const event of stored.loaded.tail) this.tailBytes += event.update.byteLength;
    this.snapshotBytes = stored.loaded.snapshot?.state.byteLength ?? 0;
    this.awareness = new awarenessProtocol.Awareness(this.presence);
    this.awareness.setLocalState(null);
  }

  /** Opens a document from everything the store holds of it (snapshot plus tail); builds nothing yet. */
  static open<Peer>(name: DocName, stored: StoredState, options: LiveDocumentOptions): LiveDocument<Peer> {
    const live = new LiveDocument<Peer>(name, options, stored);
    if (live.snapshotDue) live.snapshot();
    return live;
  }

  /** The authoritative document (built on first use). */
  get doc(): Y.Doc {
    return this.build().doc;
  }

  /** The quota arbiter over {@link doc} (built on first use). */
  get arbiter(): Arbiter {
    return this.build().arbiter;
  }

  /** True once the document has been built from its stored bytes. */
  get isBuilt(): boolean {
    return this.built !== null;
  }

  /** The stored bytes while the document is not built (every change builds it first), else `null`. */
  get unbuilt(): StoredState | null {
    return this.stored;
  }

  /** The document's state vector, from the stored bytes while it is not built. */
  stateVector(): Uint8Array {
    return this.stored !== null ? this.stored.stateVector : Y.encodeStateVector(this.build().doc);
  }

  private build(): Built {
    if (this.built !== null) return this.built;
    if (this.stored === null) throw new Error(`${this.name} has neither stored bytes nor a document`);
    const doc = this.stored.build();
    this.built = { doc, arbiter: createArbiter(doc, this.options.policy) };
    this.stored = null;
    this.options.onBuilt?.();
    return this.built;
  }

  /** True when the store has never held an event of this document. */
  get isNew(): boolean {
    return this.lastSeq === 0;
  }

  /**
   * Appends `events` now and runs `then` once they are durable, after every
   * earlier `then`. A failed append fails the document. The returned promise
   * resolves after `then` ran with `true`, or with `false` when the change
   * could not be made durable (the document has then failed).
   */
  commit(events: readonly NewDocEvent[], then: () => void): Promise<boolean> {
    const started = performance.now();
    const appended = this.options.store.append(this.name, events);
    let durable = false;
    const step = this.chain.then(() =>
      appended.then(
        (stored) => {
          if (this.failed) return;
          durable = true;
          this.options.onPersisted(performance.now() - started);
          this.lastSeq = stored.at(-1)?.seq ?? this.lastSeq;
          this.sinceSnapshot += stored.length;
          for (const event of events) this.tailBytes += event.update.byteLength;
          then();
          if (this.snapshotDue) this.snapshot();
        },
        (error: unknown) => this.fail(error),
      ),
    );
    this.chain = step;
    return step.then(() => durable);
  }

  /** Runs `then` after everything committed so far is durable. */
  afterDurable(then: () => void): void {
    this.chain = this.chain.then(() => {
      if (!this.failed) then();
    });
  }

  /** Resolves when every commit so far has settled and the last snapshot is written. */
  async flush(): Promise<void> {
    await this.chain;
    await this.snapshotting;
  }

  /**
   * Writes the current state as a snapshot labelled with the last durable
   * seq. The state may already hold later, not yet durable changes; loading
   * replays the tail over it, which Yjs makes idempotent.
   */
  snapshot(): void {
    if (this.failed || this.lastSeq === 0) return;
    const seq = this.lastSeq;
    // Not built, nothing changed since the load: the stored bytes merged are the state at `seq`.
    const state = this.stored !== null ? this.stored.update : Y.encodeStateAsUpdate(this.build().doc);
    this.sinceSnapshot = 0;
    this.tailBytes = 0;
    this.snapshotBytes = state.byteLength;
    this.snapshotting = this.snapshotting
      .then(() => this.options.store.writeSnapshot(this.name, { seq, state }))
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, doc: this.name }, "snapshot write failed; the event log still holds every change");
        // Try again with the next commit.
        this.sinceSnapshot = this.options.snapshotEvery;
        this.snapshotBytes = 0;
      });
  }

  /**
   * True when the events since the last snapshot call for a new one: at
   * least `snapshotEvery` of them, weighing at least half the last
   * snapshot. Encoding a snapshot costs its whole state, so with a fixed
   * count a large document (a long history of tombstones) would spend a
   * growing share of its time re-encoding; weighed against the tail, each
   * byte appended pays for at most two bytes of snapshot, and a load still
   * replays a tail no heavier than half the state.
   */
  get snapshotDue(): boolean {
    return this.sinceSnapshot >= this.options.snapshotEvery && this.tailBytes * 2 >= this.snapshotBytes;
  }

  /** True when a snapshot would shorten the next load. */
  get hasUnsnapshotted(): boolean {
    return this.sinceSnapshot > 0;
  }

  /** Releases memory; the document must not be used afterwards. */
  destroy(): void {
    this.awareness.destroy();
    this.presence.destroy();
    if (this.built !== null) {
      this.built.arbiter.destroy();
      this.built.doc.destroy();
    }
    this.stored = null;
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.options.logger.error({ err: error, doc: this.name }, "persisting an update failed; dropping the document from memory");
    this.options.onFailure(error);
  }
}
