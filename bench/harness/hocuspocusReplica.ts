/**
 * A full replica on Hocuspocus: its own provider (`@hocuspocus/provider`)
 * on a `Y.Doc`, as an application would run it in Node (`ws` as the
 * WebSocket, which Node 20 lacks). It is the Hocuspocus counterpart of the
 * stock y-websocket replica ({@link connectReplica}).
 */
import { KV_MAP } from "@taiku/engine";
import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import * as Y from "yjs";
import type { DocTarget } from "./docTarget";
import { canonicalKv, type FullReplica } from "./replicaClient";
import { WebSocketImpl } from "./wsClient";

/** A connected (or connecting) Hocuspocus replica. */
export interface HocuspocusReplica extends FullReplica {
  readonly provider: HocuspocusProvider;
}

/** Connects Hocuspocus's provider for `target` (to a fresh document unless one is given). */
export function connectHocuspocusReplica(target: DocTarget, options: { doc?: Y.Doc } = {}): HocuspocusReplica {
  const doc = options.doc ?? new Y.Doc();
  const websocketProvider = new HocuspocusProviderWebsocket({ url: target.serverUrl, WebSocketPolyfill: WebSocketImpl });
  const provider = new HocuspocusProvider({ websocketProvider, name: target.room, document: doc, token: "" });
  // A provider given its socket is attached by the caller (the provider attaches only a socket it made itself).
  provider.attach();
  const kv = doc.getMap<unknown>(KV_MAP);
  return {
    doc,
    kv,
    provider,
    synced: () => provider.synced,
    canonical: () => canonicalKv(kv),
    destroy() {
      provider.destroy();
      websocketProvider.destroy();
      doc.destroy();
    },
  };
}
