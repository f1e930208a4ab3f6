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
 * A built document that nothing has used for `unbuildAfterMs` (no change,
 * no read; its sockets idle) goes back to its encoded bytes, so a loaded
 * idle document costs its state's bytes rather than a `Y.Doc` and an
 * arbiter; the next use builds it again.
 *
 * When a snapshot is written is decided by `snapshotPolicy.ts`; this class
 * keeps the figures it decides on, the quiet timer and the writes in
 * flight. Snapshots are written beside the commit chain, never in it.
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
import { QuietTimer } from "./quietTimer";
import type { SnapshotPolicy, TailFigures } from "./snapshotPolicy";
import { StoredState } from "./storedState";

/** What a document needs from the relay around it. */
export interface LiveDocumentOptions {
  readonly store: EventStore;
  readonly logger: Logger;
  readonly policy: ArbiterPolicy;
  /** When snapshots are due (see `snapshotPolicy.ts`). */
  readonly snapshots: SnapshotPolicy;
  /** Called once when a write fails; the relay then drops the document from memory. */
  readonly onFailure: (error: unknown) => void;
  /** Called with each append's duration in milliseconds. */
  readonly onPersisted: (ms: number) => void;
  /** Called each time the document is built from its stored bytes. */
  readonly onBuilt?: () => void;
  /** How long a built document stays built with nothing using it, ms (default: for good). */
  readonly unbuildAfterMs?: number;
  /** Called each time the built document goes back to its bytes. */
  readonly onUnbuilt?: () => void;
  /** Called once the document's awareness is created (on first use), to watch it. */
  readonly onAwareness?: (awareness: awarenessProtocol.Awareness) => void;
}

/** The built document and the arbiter judging its updates. */
interface Built {
  readonly doc: Y.Doc;
  readonly arbiter: Arbiter;
}

/** A document loaded in memory. */
export class LiveDocument<Peer = unknown> {
  /** Sockets attached to this document. */
  readonly peers = new Set<Peer>();
  /** Set once a write failed; the document accepts nothing more. */
  failed = false;
  private chain: Promise<void> = Promise.resolve();
  private lastSeq: number;
  /** The seq the last written snapshot covers (0 for none). */
  private snapshotSeq: number;
  /** Bytes of the last written snapshot (0 for none). */
  private snapshotBytes: number;
  /** Update bytes of every event since the document was opened, its stored tail included. */
  private appendedBytes = 0;
  /** {@link appendedBytes} when the last written snapshot was taken. */
  private appendedAtSnapshot = 0;
  /** The seq the latest snapshot asked for covers, written or not (back to {@link snapshotSeq} when it failed). */
  private requestedSeq: number;
  /** The latest written snapshot is stored with its state vector. */
  private vectorStored: boolean;
  /** Snapshots asked for and not yet settled. */
  private snapshotsInFlight = 0;
  /** After a failed snapshot write, the seq the next attempt waits for. */
  private snapshotRetrySeq = 0;
  private snapshotting: Promise<void> = Promise.resolve();
  /** Fires once no commit has become durable for the policy's quiet time, then checks for a quiet snapshot. */
  private readonly quiet: QuietTimer;
  /** The stored bytes until the document is built, then `null`. */
  private stored: StoredState | null;
  private built: Built | null = null;
  /** Set by {@link destroy}. */
  private wasDestroyed = false;
  /** Commits appended and not yet settled. */
  private commitsInFlight = 0;
  /** When the built document was last used (`performance.now()`). */
  private lastUsed = 0;
  /** Fires to see whether the built document has been unused for `unbuildAfterMs`. */
  private unbuildTimer: NodeJS.Timeout | null = null;
  /**
   * Who is connected, with its own document (awareness needs one for its
   * client id, and it must not force a build): made on first use, since
   * an idle document whose peers never announce themselves needs neither,
   * nor the timer that expires their states.
   */
  private presence: { readonly doc: Y.Doc; readonly awareness: awarenessProtocol.Awareness } | null = null;

  private constructor(
    readonly name: DocName,
    private readonly options: LiveDocumentOptions,
    stored: StoredState,
  ) {
    this.stored = stored;
    this.lastSeq = stored.lastSeq;
    this.snapshotSeq = stored.snapshotSeq;
    this.requestedSeq = this.snapshotSeq;
    this.snapshotBytes = stored.snapshotBytes;
    this.vectorStored = stored.snapshotHasVector;
    this.appendedBytes = stored.tailBytes;
    this.quiet = new QuietTimer(options.snapshots.quietMs, () => this.onQuiet());
  }

  /** The document's awareness (made on first use; see {@link awarenessClients} to look without making it). */
  get awareness(): awarenessProtocol.Awareness {
    if (this.presence === null) {
      const doc = new Y.Doc();
      const awareness = new awarenessProtocol.Awareness(doc);
      awareness.setLocalState(null);
      this.presence = { doc, awareness };
      this.options.onAwareness?.(awareness);
    }
    return this.presence.awareness;
  }

  /** The client ids with an awareness state, without making the awareness. */
  awarenessClients(): number[] {
    return this.presence === null ? [] : Array.from(this.presence.awareness.getStates().keys());
  }

  /** Opens a document from everything the store holds of it (snapshot plus tail); builds nothing yet. */
  static open<Peer>(name: DocName, stored: StoredState, options: LiveDocumentOptions): LiveDocument<Peer> {
    const live = new LiveDocument<Peer>(name, options, stored);
    // After a load that folded a long tail, the next load gets that state as a snapshot. Taken once the replies
    // to the sockets waiting for this open have been made: a fresh client's reply computes the whole stored state
    // anyway (the snapshot then reuses it), and one that holds part of the state is answered from the built
    // document without waiting for a snapshot's encoding.
    if (options.snapshots.dueOnOpen(live.tail, stored.longTail)) {
      setImmediate(() => {
        if (!live.destroyed) live.snapshot();
      });
    }
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

  /** True once {@link destroy} ran; nothing may use the document afterwards. */
  get destroyed(): boolean {
    return this.wasDestroyed;
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
    this.lastUsed = performance.now();
    if (this.built !== null) return this.built;
    if (this.stored === null) throw new Error(`${this.name} has neither stored bytes nor a document`);
    const doc = this.stored.build();
    this.built = { doc, arbiter: createArbiter(doc, this.options.policy) };
    this.stored = null;
    this.options.onBuilt?.();
    this.armUnbuild(this.options.unbuildAfterMs);
    return this.built;
  }

  private armUnbuild(afterMs: number | undefined): void {
    if (afterMs === undefined || !Number.isFinite(afterMs) || this.unbuildTimer !== null || this.wasDestroyed) return;
    this.unbuildTimer = setTimeout(() => {
      this.unbuildTimer = null;
      this.unbuildIfUnused();
    }, afterMs);
    this.unbuildTimer.unref();
  }

  /** Goes back to the encoded bytes when the built document has been unused long enough and nothing is in flight; else looks again later. */
  private unbuildIfUnused(): void {
    const afterMs = this.options.unbuildAfterMs;
    if (this.built === null || this.failed || this.wasDestroyed || afterMs === undefined) return;
    const unusedFor = performance.now() - this.lastUsed;
    if (unusedFor < afterMs || this.commitsInFlight > 0) return this.armUnbuild(Math.max(afterMs - unusedFor, 1));
    const { doc, arbiter } = this.built;
    // The state as a snapshot at the last durable seq would hold it: every commit has settled.
    this.stored = new StoredState({ snapshot: { seq: this.lastSeq, state: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) }, tail: [] });
    this.built = null;
    arbiter.destroy();
    doc.destroy();
    this.options.onUnbuilt?.();
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
    this.commitsInFlight++;
    this.lastUsed = started;
    const step = this.chain.then(() =>
      appended.then(
        (stored) => {
          if (this.failed) return;
          durable = true;
          this.options.onPersisted(performance.now() - started);
          this.lastSeq = stored.at(-1)?.seq ?? this.lastSeq;
          for (const event of events) this.appendedBytes += event.update.byteLength;
          then();
          if (this.snapshotDue) this.snapshot();
          else this.quiet.touch();
        },
        (error: unknown) => this.fail(error),
      ),
    ).finally(() => {
      this.commitsInFlight--;
    });
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
    const appended = this.appendedBytes;
    // Not built, nothing changed since the load: the stored bytes merged are the state at `seq`. The state
    // vector goes with it, so that a relay loading this snapshot can send its sync step 1 without decoding it;
    // from a built document it is cheap, from stored bytes only when already known.
    const state = this.stored !== null ? this.stored.update : Y.encodeStateAsUpdate(this.build().doc);
    const stateVector = this.stored !== null ? this.stored.knownStateVector : Y.encodeStateVector(this.build().doc);
    this.requestedSeq = seq;
    this.snapshotsInFlight++;
    this.snapshotting = this.snapshotting.then(async () => {
      try {
        // A commit failed meanwhile: the state may hold a change that never became durable, and the document is
        // being dropped anyway.
        if (this.failed) return;
        await this.options.store.writeSnapshot(this.name, stateVector === null ? { seq, state } : { seq, state, stateVector });
        // Snapshots are written in call order, so a later one never lands before an earlier one.
        this.snapshotSeq = seq;
        this.snapshotBytes = state.byteLength;
        this.vectorStored = stateVector !== null;
        this.appendedAtSnapshot = appended;
        this.snapshotRetrySeq = 0;
      } catch (error) {
        this.options.logger.error({ err: error, doc: this.name }, "snapshot write failed; the event log still holds every change");
        this.requestedSeq = this.snapshotSeq;
        // Not again with every commit: a store that keeps failing would have the whole state encoded each time.
        this.snapshotRetrySeq = this.lastSeq + this.options.snapshots.everyEvents;
      } finally {
        this.snapshotsInFlight--;
      }
    });
  }

  /** What is stored after the last written snapshot, as the policy weighs it. */
  private get tail(): TailFigures {
    return { events: this.lastSeq - this.snapshotSeq, bytes: this.appendedBytes - this.appendedAtSnapshot, snapshotBytes: this.snapshotBytes };
  }

  /** True when no snapshot is being written and none failed too recently to try again. */
  private get mayWriteSnapshot(): boolean {
    return !this.failed && this.snapshotsInFlight === 0 && this.lastSeq >= this.snapshotRetrySeq;
  }

  /** True when the events since the last snapshot call for a new one now (`SnapshotPolicy.dueAfterCommit`). */
  get snapshotDue(): boolean {
    return this.mayWriteSnapshot && this.options.snapshots.dueAfterCommit(this.tail);
  }

  private onQuiet(): void {
    if (this.failed) return;
    // A snapshot still being written may not cover the whole tail: look again once it is likely done.
    if (this.snapshotsInFlight > 0) return this.quiet.retry();
    if (this.mayWriteSnapshot && this.options.snapshots.dueWhenQuiet(this.tail)) this.snapshot();
  }

  /**
   * True when a snapshot written now would make the next load cheaper:
   * events came after the last one asked for, or the last one was stored
   * without its state vector, which is known now (the next load would
   * decode the whole state again for the relay's sync step 1).
   */
  get wantsSnapshotOnUnload(): boolean {
    if (this.lastSeq > this.requestedSeq) return true;
    if (this.lastSeq === 0 || this.vectorStored || this.snapshotsInFlight > 0) return false;
    return this.stored === null || this.stored.knownStateVector !== null;
  }

  /** Releases memory; the document must not be used afterwards. */
  destroy(): void {
    this.wasDestroyed = true;
    this.quiet.stop();
    if (this.unbuildTimer !== null) clearTimeout(this.unbuildTimer);
    if (this.presence !== null) {
      this.presence.awareness.destroy();
      this.presence.doc.destroy();
    }
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
