/**
 * `sharedDoc()`: a `Y.Doc` replica of the plugin's session KV document
 * (`sessions/<sid>/kv/<pluginId>`), kept in sync with the host over the
 * bridge. On open it asks `kv.sync` with its state vector and applies the
 * answer; afterwards the host's `kv:update` events carry every remote change
 * (other participants, the relay's compensations) and each local change goes
 * to the host as `kv.update` once the quota guard has judged it. Entries live
 * in `doc.getMap("kv")`; other root types are the plugin's to use and count
 * against the same quota.
 */
import * as Y from "yjs";
import type { BridgeClient } from "./bridgeClient";
import { guardQuota } from "./quotaGuard";

/** Origin of every change that came from the host. */
const FROM_HOST = Symbol("taiku host");

/** Opens the replica; resolves once it holds the host's state. */
export async function openSharedDoc(client: BridgeClient): Promise<Y.Doc> {
  await client.ready();
  const doc = new Y.Doc();
  guardQuota(doc, {
    isRemote: (origin) => origin === FROM_HOST,
    send: (update) => {
      client.request("kv.update", { update }).catch((error: unknown) => {
        if (client.isClosed) return;
        console.error("taiku plugin: a sharedDoc change did not reach the host", error);
      });
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
  return doc;
}
