/**
 * One document held in memory by the relay: the authoritative `Y.Doc`, its
 * quota arbiter, its awareness, its sockets, and the persist-then-broadcast
 * pipeline.
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
  /** Write a snapshot after this many events (default 1,000). */
  readonly snapshotEvery: number;
  /** Called once when a write fails; the relay then drops the document from memory. */
  readonly onFailure: (error: unknown) => void;
  /** Called with each append's duration in milliseconds. */
  readonly onPersisted: (ms: number) => void;
}

/** A document loaded in memory. */
export class LiveDocument<Peer = unknown> {
  readonly doc: Y.Doc;
  readonly arbiter: Arbiter;
  readonly awareness: awarenessProtocol.Awareness;
  /** Sockets attached to this document. */
  readonly peers = new Set<Peer>();
  /** Set once a write failed; the document accepts nothing more. */
  failed = false;
  private chain: Promise<void> = Promise.resolve();
  private lastSeq: number;
  private sinceSnapshot: number;
  private snapshotting: Promise<void> = Promise.resolve();

  private constructor(
    readonly name: DocName,
    private readonly options: LiveDocumentOptions,
    doc: Y.Doc,
    lastSeq: number,
    sinceSnapshot: number,
  ) {
    this.doc = doc;
    this.arbiter = createArbiter(doc, options.policy);
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    this.lastSeq = lastSeq;
    this.sinceSnapshot = sinceSnapshot;
  }

  /** Builds a document from everything the store holds of it (snapshot plus tail). */
  static build<Peer>(name: DocName, stored: StoredState, options: LiveDocumentOptions): LiveDocument<Peer> {
    const tail = stored.loaded.tail.length;
    const live = new LiveDocument<Peer>(name, options, stored.build(), stored.lastSeq, tail);
    if (tail >= options.snapshotEvery) live.snapshot();
    return live;
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
          then();
          if (this.sinceSnapshot >= this.options.snapshotEvery) this.snapshot();
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
    const state = Y.encodeStateAsUpdate(this.doc);
    this.sinceSnapshot = 0;
    this.snapshotting = this.snapshotting
      .then(() => this.options.store.writeSnapshot(this.name, { seq, state }))
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, doc: this.name }, "snapshot write failed; the event log still holds every change");
        this.sinceSnapshot = this.options.snapshotEvery;
      });
  }

  /** True when a snapshot would shorten the next load. */
  get hasUnsnapshotted(): boolean {
    return this.sinceSnapshot > 0;
  }

  /** Releases memory; the document must not be used afterwards. */
  destroy(): void {
    this.awareness.destroy();
    this.arbiter.destroy();
    this.doc.destroy();
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.options.logger.error({ err: error, doc: this.name }, "persisting an update failed; dropping the document from memory");
    this.options.onFailure(error);
  }
}
