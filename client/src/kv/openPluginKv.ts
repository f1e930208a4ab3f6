/**
 * A plugin's session KV on this client: the document
 * `sessions/<sid>/kv/<pluginId>` (memory + IndexedDB + relay, see
 * `openSyncedDoc`), the engine's quota-checked entries over it, and the
 * relay's notices. A quota rejection arrives as message type 100 on the
 * document's socket; it is decoded with the engine's `decodeRelayNotice`
 * and handed to `onRejected` (the host turns it into a `kv:rejected` event
 * and a toast naming the plugin).
 */
import * as Y from "yjs";
import {
  createSessionKv,
  decodeRelayNotice,
  kvDocName,
  liveBytes,
  MESSAGE_TAIKU_NOTICE,
  QuotaExceededError,
  type PluginId,
  type QuotaRejectedNotice,
  type SessionId,
} from "@taiku/engine";
import type { HostKv } from "../bridge/hostServices";
import { openSyncedDoc, type SyncedDoc } from "../sync/syncedDoc";

/** Options of {@link openPluginKv}. */
export interface OpenPluginKvOptions {
  readonly sessionId: string;
  readonly pluginId: string;
  readonly token: string;
  readonly userId: string;
  readonly offline?: boolean;
  /** Called for each quota rejection the relay reports for this document. */
  readonly onRejected: (notice: QuotaRejectedNotice) => void;
}

/** An open plugin session KV. */
export interface PluginKv extends HostKv {
  readonly synced: SyncedDoc;
  destroy(): void;
}

/** Opens a plugin's session KV document. */
export function openPluginKv(options: OpenPluginKvOptions): PluginKv {
  const name = kvDocName(options.sessionId as SessionId, options.pluginId as PluginId);
  const synced = openSyncedDoc({ name, token: options.token, userId: options.userId, offline: options.offline });
  const kv = createSessionKv(synced.doc);

  synced.provider.messageHandlers[MESSAGE_TAIKU_NOTICE] = (_encoder, decoder) => {
    const decoded = decodeRelayNotice(decoder.arr);
    if (decoded.error !== undefined) {
      console.warn(`taiku: ignored a malformed relay notice on ${name}: ${decoded.error}`);
      return;
    }
    if (decoded.notice.type === "quota_rejected") options.onRejected(decoded.notice);
    else console.warn(`taiku: relay reported ${decoded.notice.code} on ${name}: ${decoded.notice.message}`);
  };

  return {
    synced,
    kv,
    applyPluginUpdate(update, origin) {
      const used = kv.liveBytes();
      const scratch = new Y.Doc();
      Y.applyUpdate(scratch, Y.encodeStateAsUpdate(synced.doc));
      Y.applyUpdate(scratch, update);
      const attempted = liveBytes(scratch);
      scratch.destroy();
      if (attempted > kv.limit && attempted > used) throw new QuotaExceededError({ used, limit: kv.limit, attempted });
      Y.applyUpdate(synced.doc, update, origin);
    },
    onUpdate(listener) {
      synced.doc.on("update", listener);
      return () => synced.doc.off("update", listener);
    },
    destroy() {
      kv.destroy();
      synced.destroy();
    },
  };
}
