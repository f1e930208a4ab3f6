/**
 * The bridge's view of one plugin's session KV document: the engine's
 * quota-checked entries, plus the `sharedDoc()` channel. A plugin's Yjs
 * update is judged before it touches the document: it is applied to a
 * scratch copy, and if live data would then exceed the quota (and grow), it
 * is refused with `QuotaExceededError` and nothing changes.
 */
import * as Y from "yjs";
import { createSessionKv, liveBytes, QuotaExceededError } from "@taiku/engine";
import type { HostKv } from "../bridge/hostServices";

/** Wraps `doc` for the bridge; `limit` defaults to the engine's quota. */
export function createHostKv(doc: Y.Doc, limit?: number): HostKv & { destroy(): void } {
  const kv = createSessionKv(doc, limit === undefined ? {} : { limit });
  return {
    kv,
    applyPluginUpdate(update, origin) {
      const used = kv.liveBytes();
      const scratch = new Y.Doc();
      Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
      Y.applyUpdate(scratch, update);
      const attempted = liveBytes(scratch);
      scratch.destroy();
      if (attempted > kv.limit && attempted > used) throw new QuotaExceededError({ used, limit: kv.limit, attempted });
      Y.applyUpdate(doc, update, origin);
    },
    onUpdate(listener) {
      doc.on("update", listener);
      return () => doc.off("update", listener);
    },
    destroy: () => kv.destroy(),
  };
}
