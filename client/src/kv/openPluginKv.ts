/**
 * A plugin's session KV on this client: the document
 * `sessions/<sid>/kv/<pluginId>` (memory + IndexedDB + relay, see
 * `openSyncedDoc`), the engine's quota-checked entries over it, and the
 * relay's notices. A quota rejection arrives as message type 100 on the
 * document's socket; it is decoded with the engine's `decodeRelayNotice`
 * and handed to `onRejected` (the host turns it into a `kv:rejected` event
 * and a toast naming the plugin).
 */
import {
  decodeRelayNotice,
  kvDocName,
  MESSAGE_TAIKU_NOTICE,
  type PluginId,
  type QuotaRejectedNotice,
  type SessionId,
} from "@taiku/engine";
import type { HostKv } from "../bridge/hostServices";
import { openSyncedDoc, type SyncedDoc } from "../sync/syncedDoc";
import { createHostKv } from "./createHostKv";

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
  /** Closes the document and deletes its copy on this device (its session ended). */
  erase(): Promise<void>;
}

/** Opens a plugin's session KV document. */
export function openPluginKv(options: OpenPluginKvOptions): PluginKv {
  const name = kvDocName(options.sessionId as SessionId, options.pluginId as PluginId);
  const synced = openSyncedDoc({ name, token: options.token, userId: options.userId, offline: options.offline });

  synced.provider.messageHandlers[MESSAGE_TAIKU_NOTICE] = (_encoder, decoder) => {
    const decoded = decodeRelayNotice(decoder.arr);
    if (decoded.error !== undefined) {
      console.warn(`taiku: ignored a malformed relay notice on ${name}: ${decoded.error}`);
      return;
    }
    if (decoded.notice.type === "quota_rejected") options.onRejected(decoded.notice);
    else console.warn(`taiku: relay reported ${decoded.notice.code} on ${name}: ${decoded.notice.message}`);
  };

  const hostKv = createHostKv(synced.doc);
  return {
    ...hostKv,
    synced,
    whenSynced: (timeoutMs) => synced.whenSynced(timeoutMs),
    destroy() {
      hostKv.destroy();
      synced.destroy();
    },
    erase() {
      hostKv.destroy();
      return synced.erase();
    },
  };
}
