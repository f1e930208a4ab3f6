/**
 * A full replica: the stock `y-websocket` `WebsocketProvider` on its own
 * `Y.Doc`, as an application would run it in Node (`ws`, no broadcast
 * channel). taiku's notices (message type 100) are counted instead of being
 * logged as unknown messages.
 */
import { KV_MAP, MESSAGE_TAIKU_NOTICE } from "@taiku/engine";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { DocTarget } from "./docTarget";
import { WebSocketImpl } from "./wsClient";

/** A full replica of one document, whatever protocol its provider speaks. */
export interface FullReplica {
  readonly doc: Y.Doc;
  readonly kv: Y.Map<unknown>;
  /** True once the provider counts itself synced with the server. */
  synced(): boolean;
  /** The `kv` map as JSON with sorted keys, for convergence checks. */
  canonical(): string;
  destroy(): void;
}

/** A connected (or connecting) stock y-websocket replica. */
export interface ReplicaClient extends FullReplica {
  readonly provider: WebsocketProvider;
  /** taiku notices received so far. */
  notices(): number;
}

/** Connects a stock provider for `target` (to a fresh document unless one is given). */
export function connectReplica(target: DocTarget, options: { doc?: Y.Doc; connect?: boolean } = {}): ReplicaClient {
  const doc = options.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(target.serverUrl, target.room, doc, {
    WebSocketPolyfill: WebSocketImpl,
    disableBc: true,
    params: { ...target.params },
    connect: options.connect ?? true,
  });
  let notices = 0;
  provider.messageHandlers[MESSAGE_TAIKU_NOTICE] = () => {
    notices++;
  };
  const kv = doc.getMap<unknown>(KV_MAP);
  return {
    doc,
    kv,
    provider,
    synced: () => provider.synced,
    notices: () => notices,
    canonical: () => canonicalKv(kv),
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** The map as JSON with keys sorted, so replicas that integrated in a different order compare equal. */
export function canonicalKv(kv: Y.Map<unknown>): string {
  const json = kv.toJSON() as Record<string, unknown>;
  return JSON.stringify(Object.keys(json).sort().map((key) => [key, json[key]]));
}
