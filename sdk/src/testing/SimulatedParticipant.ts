/**
 * Another participant of the session, as `MockHost.addParticipant()` makes
 * one: its own replica of the plugin's session KV document, connected to the
 * mock relay, so a test can write concurrently with the plugin, take either
 * side offline, and check that everything merges.
 */
import { createSessionKv, type SessionKv } from "@taiku/engine";
import * as Y from "yjs";
import type { KvRejection } from "@taiku/engine";
import type { MockRelay, RelayConnection } from "./mockRelay";

/** A second participant writing the same session KV. */
export class SimulatedParticipant {
  /** This participant's replica of the session KV document (entries in `doc.getMap("kv")`). */
  readonly doc = new Y.Doc();
  /** Quota-checked entry access to {@link doc}, as a plugin instance would use it. */
  readonly kv: SessionKv = createSessionKv(this.doc);
  /** Quota rejections the relay sent this participant, oldest first. */
  readonly rejections: KvRejection[] = [];
  readonly #connection: RelayConnection;

  constructor(relay: MockRelay) {
    this.#connection = relay.connect(this.doc, (rejection) => this.rejections.push(rejection));
  }

  /** True while this participant exchanges changes with the relay. */
  get online(): boolean {
    return this.#connection.online;
  }

  /** Stops exchanging changes; writes stay local until {@link goOnline}. */
  goOffline(): void {
    this.#connection.goOffline();
  }

  /** Reconnects; both sides receive what they lack, and the relay arbitrates the offline batch. */
  goOnline(): void {
    this.#connection.goOnline();
  }

  /** Leaves the session for good. */
  leave(): void {
    this.#connection.close();
    this.kv.destroy();
    this.doc.destroy();
  }
}
