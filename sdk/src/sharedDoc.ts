/**
 * `sharedDoc()`: a `Y.Doc` replica of the plugin's session KV document
 * (`sessions/<sid>/kv/<pluginId>`), kept in sync with the host over the
 * bridge. On open it asks `kv.sync` with its state vector and applies the
 * answer; afterwards the host's `kv:update` events carry every remote change
 * (other participants, the host's and the relay's compensations) and each
 * local change goes to the host as `kv.update`. Entries live in
 * `doc.getMap("kv")`; other root types are the plugin's to use and count
 * against the same quota.
 *
 * The quota is judged twice, by the engine's judge both times: each local
 * transaction on this replica as soon as it ends (`guardLocalChanges`: an
 * over-quota one is undone before control returns and throws
 * `QuotaExceededError`), then each update on the host's replica, which may
 * hold more (a concurrent write). When the host compensates, it sends the
 * compensation as `kv:update` (so this replica converges), then
 * `kv:rejected`, then answers the `kv.update` with `quota_exceeded`, which
 * {@link SharedDocReplica.transact} turns into a rejection.
 */
import { guardLocalChanges, QuotaExceededError } from "@taiku/engine";
import * as Y from "yjs";
import type { BridgeClient } from "./bridgeClient";

/** Origin of every change that came from the host. */
const FROM_HOST = Symbol("taiku host");

/** The plugin's replica and the host's verdicts on its changes. */
export interface SharedDocReplica {
  readonly doc: Y.Doc;
  /**
   * Runs `change` in one transaction of {@link doc}; resolves once the host
   * applied it, rejects with `QuotaExceededError` when this replica or the
   * host undid it (the replica already holds the host's compensation then).
   */
  transact(change: (doc: Y.Doc) => void): Promise<void>;
}

/** Opens the replica; resolves once it holds the host's state. */
export async function openSharedDoc(client: BridgeClient): Promise<SharedDocReplica> {
  await client.ready();
  const doc = new Y.Doc();
  let lastSent: Promise<void> | null = null;
  guardLocalChanges(doc, {
    isRemote: (origin) => origin === FROM_HOST,
    send: (update) => {
      const answered = client.request("kv.update", { update }).then(() => undefined);
      answered.catch((error: unknown) => {
        // A compensation: the host already sent it, and kv:rejected, before this answer.
        if (client.isClosed || error instanceof QuotaExceededError) return;
        console.error("taiku plugin: a sharedDoc change did not reach the host", error);
      });
      lastSent = answered;
    },
  });
  client.on("kv:update", (event) => {
    const data = event.data;
    const update = data !== null && typeof data === "object" && !Array.isArray(data) && !(data instanceof Uint8Array) ? data.update : undefined;
    if (!(update instanceof Uint8Array)) {
      console.warn("taiku plugin: ignored a kv:update event without an update");
      return;
    }
    Y.applyUpdate(doc, update, FROM_HOST);
  });
  const { update } = await client.request("kv.sync", { stateVector: Y.encodeStateVector(doc) });
  Y.applyUpdate(doc, update, FROM_HOST);
  return {
    doc,
    transact(change) {
      lastSent = null;
      try {
        doc.transact(() => change(doc));
      } catch (error) {
        lastSent = null;
        return Promise.reject(error);
      }
      // Nothing sent: the change changed nothing, or it runs inside an outer transaction that sends it later.
      const sent: Promise<void> | null = lastSent;
      lastSent = null;
      return sent ?? Promise.resolve();
    },
  };
}
