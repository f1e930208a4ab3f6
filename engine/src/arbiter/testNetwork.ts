/**
 * An in-memory network of replicas around one arbiter, for tests and the
 * convergence fuzzer. It behaves like the relay: every update a replica
 * sends is judged by the arbiter; an accepted update is forwarded to the
 * other replicas; a rejected one is forwarded merged with its compensation
 * (so nobody else sees the over-quota state), and the sender receives the
 * compensation and a notice. Links can reorder, duplicate and delay messages;
 * a replica can go offline (its in-flight messages are lost) and come back,
 * syncing by state vectors as the y-websocket protocol does.
 */
import * as prng from "lib0/prng";
import * as Y from "yjs";
import { createSessionKv, type SessionKv } from "../kv/sessionKv";
import { createArbiter, type Arbiter, type ArbiterPolicy } from "./createArbiter";

/** A notice the arbiter's side sent to one replica. */
export interface TestNotice {
  readonly revertedKeys: string[];
  readonly revertedTypes: string[];
}

/** One participant. */
export interface TestReplica {
  readonly id: number;
  readonly doc: Y.Doc;
  readonly kv: SessionKv;
  online: boolean;
  readonly notices: TestNotice[];
  /** Updates waiting to reach the relay. */
  readonly outbox: Uint8Array[];
  /** Updates waiting to reach this replica. */
  readonly inbox: Uint8Array[];
}

/** How unreliable the links are. */
export interface LinkBehaviour {
  /** Pick a random queued message instead of the oldest. */
  readonly reorder: boolean;
  /** Probability that a delivered message is also kept for delivery again. */
  readonly duplicate: number;
}

const FROM_RELAY = Symbol("from-relay");

/** The replicas, the arbiter and the links between them. */
export class TestNetwork {
  readonly relay: Y.Doc;
  readonly arbiter: Arbiter;
  readonly replicas: TestReplica[] = [];

  constructor(
    replicaCount: number,
    readonly gen: prng.PRNG,
    readonly links: LinkBehaviour = { reorder: false, duplicate: 0 },
    policy: ArbiterPolicy = {},
  ) {
    this.relay = new Y.Doc();
    this.arbiter = createArbiter(this.relay, policy);
    for (let id = 0; id < replicaCount; id++) {
      const doc = new Y.Doc();
      const replica: TestReplica = { id, doc, kv: createSessionKv(doc), online: true, notices: [], outbox: [], inbox: [] };
      doc.on("update", (update: Uint8Array, origin: unknown) => {
        if (origin !== FROM_RELAY && replica.online) replica.outbox.push(update);
      });
      this.replicas.push(replica);
    }
  }

  /** Takes a replica off the network; messages in flight to and from it are lost. */
  disconnect(replica: TestReplica): void {
    replica.online = false;
    replica.outbox.length = 0;
    replica.inbox.length = 0;
  }

  /** Brings a replica back: both sides exchange what the other lacks (sync steps 1 and 2). */
  reconnect(replica: TestReplica): void {
    replica.online = true;
    const fromRelay = Y.encodeStateAsUpdate(this.relay, Y.encodeStateVector(replica.doc));
    replica.inbox.push(fromRelay);
    const fromReplica = Y.encodeStateAsUpdate(replica.doc, Y.encodeStateVector(this.relay));
    replica.outbox.push(fromReplica);
  }

  /** Delivers one message on a random non-empty link; false when every link is empty. */
  step(): boolean {
    const busy = this.replicas.filter((r) => r.online && (r.outbox.length > 0 || r.inbox.length > 0));
    if (busy.length === 0) return false;
    const replica = prng.oneOf(this.gen, busy);
    const toRelay = replica.outbox.length > 0 && (replica.inbox.length === 0 || prng.bool(this.gen));
    const queue = toRelay ? replica.outbox : replica.inbox;
    const index = this.links.reorder ? prng.uint32(this.gen, 0, queue.length - 1) : 0;
    const message = queue[index] as Uint8Array;
    if (prng.real53(this.gen) >= this.links.duplicate) queue.splice(index, 1);
    if (toRelay) this.receive(replica, message);
    else Y.applyUpdate(replica.doc, message, FROM_RELAY);
    return true;
  }

  /** Delivers messages until every link is empty. */
  settle(): void {
    for (let guard = 0; this.step(); guard++) {
      if (guard > 1_000_000) throw new Error("network did not settle");
    }
  }

  private receive(sender: TestReplica, update: Uint8Array): void {
    const result = this.arbiter.apply(update, sender.id);
    if (result.accepted) {
      if (result.update !== null) this.forward(sender, result.update);
      return;
    }
    const both = Y.mergeUpdates([result.update, result.compensation].filter((u): u is Uint8Array => u !== null));
    this.forward(sender, both);
    if (result.compensation !== null) sender.inbox.push(result.compensation);
    sender.notices.push({ revertedKeys: result.revertedKeys, revertedTypes: result.revertedTypes });
  }

  private forward(sender: TestReplica, update: Uint8Array): void {
    for (const replica of this.replicas) if (replica !== sender && replica.online) replica.inbox.push(update);
  }
}

/** The content of a document, for comparing replicas. */
export function contentOf(doc: Y.Doc): unknown {
  return {
    kv: doc.getMap("kv").toJSON(),
    notes: doc.getText("notes").toString(),
    list: doc.getArray("list").toJSON(),
  };
}
