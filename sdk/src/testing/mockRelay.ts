/**
 * An in-memory relay for one session KV document, for `MockHost`. It runs
 * the engine's quota arbiter exactly as the real relay does: every incoming
 * update is applied and judged; an over-quota update is compensated, the
 * other replicas receive the update together with its compensation (so they
 * never see the over-quota state), and the sender receives the compensation
 * and a rejection notice. A replica can go offline (its changes and the
 * relay's stay apart) and come back (both sides exchange what the other
 * lacks, as y-websocket does on reconnect).
 */
import { createArbiter, rejectionOf, type Arbiter, type KvRejection as Rejection } from "@taiku/engine";
import * as Y from "yjs";

/** What the sender of a compensated update learns: the data of its `kv:rejected` event. */
export type KvRejection = Rejection;

/** One replica's connection to the relay. */
export interface RelayConnection {
  /** True while changes flow both ways. */
  readonly online: boolean;
  /** Stops exchanging changes; both sides keep writing. */
  goOffline(): void;
  /** Reconnects and exchanges everything the other side lacks. */
  goOnline(): void;
  /** Disconnects for good. */
  close(): void;
}

interface Replica {
  readonly doc: Y.Doc;
  readonly onRejected: (rejection: KvRejection) => void;
  online: boolean;
}

/** The relay of one session KV document. */
export class MockRelay {
  /** The authoritative document. */
  readonly doc = new Y.Doc();
  readonly #arbiter: Arbiter = createArbiter(this.doc);
  readonly #replicas = new Set<Replica>();

  /** Connects `doc` (online at once) and returns its connection. */
  connect(doc: Y.Doc, onRejected: (rejection: KvRejection) => void = () => {}): RelayConnection {
    const replica: Replica = { doc, onRejected, online: false };
    const onUpdate = (update: Uint8Array, origin: unknown): void => {
      if (origin !== replica && replica.online) this.#receive(update, replica);
    };
    doc.on("update", onUpdate);
    this.#replicas.add(replica);
    const relay = this;
    const connection: RelayConnection = {
      get online() {
        return replica.online;
      },
      goOffline() {
        replica.online = false;
      },
      goOnline() {
        if (replica.online) return;
        replica.online = true;
        relay.#receive(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(relay.doc)), replica);
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(relay.doc, Y.encodeStateVector(doc)), replica);
      },
      close() {
        replica.online = false;
        doc.off("update", onUpdate);
        relay.#replicas.delete(replica);
      },
    };
    connection.goOnline();
    return connection;
  }

  /** Live bytes of the authoritative document. */
  liveBytes(): number {
    return this.#arbiter.liveBytes();
  }

  /** Stops the relay. */
  destroy(): void {
    this.#arbiter.destroy();
    this.doc.destroy();
  }

  #receive(update: Uint8Array, sender: Replica): void {
    const result = this.#arbiter.apply(update, sender);
    if (result.accepted) {
      if (result.update !== null) this.#broadcast(result.update, sender);
      return;
    }
    const parts = [result.update, result.compensation].filter((part): part is Uint8Array => part !== null);
    if (parts.length > 0) this.#broadcast(Y.mergeUpdates(parts), sender);
    if (result.compensation !== null) Y.applyUpdate(sender.doc, result.compensation, sender);
    sender.onRejected(rejectionOf(result));
  }

  #broadcast(update: Uint8Array, sender: Replica): void {
    for (const replica of this.#replicas) {
      if (replica !== sender && replica.online) Y.applyUpdate(replica.doc, update, replica);
    }
  }
}
