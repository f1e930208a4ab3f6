/**
 * The bridge's view of one plugin's session KV document: the engine's
 * `createPluginKvHost` (quota-checked entries for the bridge's own writes,
 * and the judge for the updates a plugin's `sharedDoc()` sends) plus the
 * document's update stream, which the bridge forwards to the plugin's other
 * frames. A plugin's update is never dropped: an over-quota one is applied
 * with its compensation in one transaction, so the relay, IndexedDB and
 * every frame get one update within the quota, and the sending frame is
 * sent the compensation, `kv:rejected` and a `quota_exceeded` answer.
 */
import type * as Y from "yjs";
import { createPluginKvHost } from "@taiku/engine";
import type { HostKv } from "../bridge/hostServices";

/** Wraps `doc` for the bridge; `limit` defaults to the engine's quota. */
export function createHostKv(doc: Y.Doc, limit?: number): HostKv & { destroy(): void } {
  const host = createPluginKvHost(doc, limit === undefined ? {} : { limit });
  return {
    kv: host.kv,
    usage: host.usage,
    applyPluginUpdate: host.applyPluginUpdate,
    onUpdate(listener) {
      doc.on("update", listener);
      return () => doc.off("update", listener);
    },
    destroy: host.destroy,
  };
}
