/**
 * One plugin instance on the full path, for the full-path fuzzer: the
 * plugin's replica (a `Y.Doc` under `guardLocalChanges`, as `sharedDoc()`
 * runs it), its host (`createPluginKvHost`, as the client's bridge and
 * `MockHost` use it) and the host's y-websocket connection to a relay.
 * Invariant: the plugin's replica only ever receives what its host sends
 * (the host's remote updates and compensations), and the host only ever
 * receives what the guard judged and what the relay sent.
 */
import { WebsocketProvider } from "y-websocket";
import WebSocket from "ws";
import * as Y from "yjs";
import { QuotaExceededError, createPluginKvHost, extensionParams, guardLocalChanges, type PluginFrame, type PluginKvHost, type LocalChangeGuard } from "@taiku/engine";

/** The origin of changes the host delivers to the plugin's replica. */
const FROM_HOST = Symbol("from host");

/** A plugin replica, its host and the host's relay connection. */
export interface FullPathPeer {
  /** The plugin's replica (what `sharedDoc()` returns). */
  readonly plugin: Y.Doc;
  /** The host's replica of the same document. */
  readonly host: Y.Doc;
  readonly kvHost: PluginKvHost;
  readonly guard: LocalChangeGuard;
  /** Compensations the plugin was sent (`kv:rejected` events). */
  rejections: number;
  /** Notices the relay sent the host (message type 100: its compensations). */
  relayNotices: number;
  /** The current connection, or null while offline. */
  provider: WebsocketProvider | null;
  /**
   * Makes `edit` the way a hostile frame would: on its replica without the
   * local guard, and sends the update to the host as it is.
   */
  rawWrite(edit: (doc: Y.Doc) => void): void;
  /** Connects the host to the relay at `url` (replacing any connection). */
  connect(url: string): void;
  /** Closes the host's connection (the plugin keeps editing offline). */
  disconnect(): void;
  destroy(): void;
}

/** Builds a peer for the document `docName`. */
export function createFullPathPeer(docName: string, user: string): FullPathPeer {
  const plugin = new Y.Doc();
  const host = new Y.Doc();
  const kvHost = createPluginKvHost(host);
  const frame: PluginFrame = {
    sendEvent(type, data) {
      if (type === "kv:update") Y.applyUpdate(plugin, (data as { update: Uint8Array }).update, FROM_HOST);
      else if (type === "kv:rejected") peer.rejections++;
    },
  };
  const send = (update: Uint8Array): void => {
    try {
      kvHost.applyPluginUpdate(update, frame);
    } catch (error) {
      // The frame was already sent the compensation; the thrown answer is the request's reply.
      if (!(error instanceof QuotaExceededError)) throw error;
    }
  };
  const guard = guardLocalChanges(plugin, {
    isRemote: (origin) => origin === FROM_HOST,
    send: (update) => send(update),
  });
  host.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin !== frame) Y.applyUpdate(plugin, update, FROM_HOST);
  });
  const peer: FullPathPeer = {
    plugin,
    host,
    kvHost,
    guard,
    rejections: 0,
    relayNotices: 0,
    provider: null,
    rawWrite(edit) {
      const scratch = new Y.Doc();
      Y.applyUpdate(scratch, Y.encodeStateAsUpdate(plugin));
      edit(scratch);
      const update = Y.encodeStateAsUpdate(scratch, Y.encodeStateVector(plugin));
      scratch.destroy();
      Y.applyUpdate(plugin, update, FROM_HOST);
      send(update);
    },
    connect(url) {
      peer.disconnect();
      peer.provider = new WebsocketProvider(url, docName, host, { WebSocketPolyfill: WebSocket as never, params: { user, ...extensionParams() }, disableBc: true });
      peer.provider.messageHandlers[100] = () => {
        peer.relayNotices++;
      };
    },
    disconnect() {
      peer.provider?.destroy();
      peer.provider = null;
    },
    destroy() {
      peer.disconnect();
      guard.destroy();
      kvHost.destroy();
      plugin.destroy();
      host.destroy();
    },
  };
  return peer;
}
