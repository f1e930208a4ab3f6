/**
 * One Yjs document kept in three places: memory, IndexedDB (`y-indexeddb`)
 * and the relay (the stock `y-websocket` provider on `/sync/<docName>`,
 * authenticated with `?token=` and opted in to taiku's extension messages
 * with `?taiku=<version>`, so its notices and session events reach it).
 * Offline edits land in IndexedDB and merge
 * on reconnect; changes made while unsynced are counted in
 * {@link addPending} until the provider reports a sync. A document whose
 * connection attempts keep failing while the browser is online (the server
 * is down or out of reach) is `unreachable` until one succeeds: the
 * provider keeps retrying, and edits are kept meanwhile.
 */
import * as Y from "yjs";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import { createSignal, type Accessor } from "solid-js";
import { extensionParams } from "@taiku/engine";
import { addPending, clearPending } from "./pendingChanges";

/** How a document's connection to the relay stands. */
export type SyncState = "offline" | "connecting" | "unreachable" | "syncing" | "synced";

/** Closed connections in a row, without one that opened, after which the server counts as unreachable. */
export const UNREACHABLE_AFTER_FAILURES = 2;

/** A document open in this client. */
export interface SyncedDoc {
  readonly name: string;
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** Resolves once the IndexedDB copy has been loaded into `doc`. */
  readonly whenLoaded: Promise<void>;
  /** Connection state, reactive. */
  readonly state: Accessor<SyncState>;
  /**
   * Resolves `synced` once the document has synced with the relay (at once
   * if it has), `refused` when the relay refused it for good (a plugin this
   * server does not know, not a member, the session ended), or `timeout`
   * when neither happened within `timeoutMs`.
   */
  whenSynced(timeoutMs: number): Promise<SyncOutcome>;
  /** Disconnects and frees the document (the IndexedDB copy stays). */
  destroy(): void;
  /** Disconnects and frees the document and deletes its IndexedDB copy (the session ended). */
  erase(): Promise<void>;
}

/** Options of {@link openSyncedDoc}. */
export interface OpenSyncedDocOptions {
  /** Document name, e.g. `sessions/<sid>`. */
  readonly name: string;
  readonly token: string;
  /** Scopes the IndexedDB copy to the user, so two accounts in one browser never share one. */
  readonly userId: string;
  /** Start without connecting (the browser is offline). */
  readonly offline?: boolean;
}

/** The `ws(s)://host/sync` base URL for this page. */
export function syncBaseUrl(): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/sync`;
}

/** How waiting for a document's sync ended (see {@link SyncedDoc.whenSynced}). */
export type SyncOutcome = "synced" | "refused" | "timeout";

/** Opens a document from IndexedDB and connects it to the relay. */
export function openSyncedDoc(options: OpenSyncedDocOptions): SyncedDoc {
  const doc = new Y.Doc();
  const persistence = new IndexeddbPersistence(`taiku:${options.userId}:${options.name}`, doc);
  const provider = new WebsocketProvider(syncBaseUrl(), options.name, doc, {
    params: { token: options.token, ...extensionParams() },
    connect: options.offline !== true && navigator.onLine,
  });
  const [state, setState] = createSignal<SyncState>(provider.shouldConnect ? "connecting" : "offline");

  /** Connections closed since the last one that opened. */
  let failures = 0;
  const retrying = (): SyncState => (failures >= UNREACHABLE_AFTER_FAILURES ? "unreachable" : "connecting");
  const onStatus = ({ status }: { status: "connected" | "disconnected" | "connecting" }): void => {
    if (status === "connected") {
      failures = 0;
      setState(provider.synced ? "synced" : "syncing");
    } else if (status === "connecting") setState(retrying());
    else setState(provider.shouldConnect ? retrying() : "offline");
  };
  const onConnectionClose = (): void => {
    if (provider.wsconnected) return;
    failures++;
    if (provider.shouldConnect) setState(retrying());
  };
  const onSync = (synced: boolean): void => {
    if (!synced || !provider.wsconnected) return;
    setState("synced");
    clearPending(options.name);
  };
  const onUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (origin === provider || origin === persistence) return;
    if (!provider.wsconnected || !provider.synced) addPending(options.name);
  };
  // A permanent refusal (close codes 4400–4499: not a member, the session ended) stops the provider for good.
  const onClosed = (): void => void setState("offline");
  provider.on("status", onStatus);
  provider.on("sync", onSync);
  provider.on("closed", onClosed);
  provider.on("connection-close", onConnectionClose);
  doc.on("update", onUpdate);

  let refused = false;
  provider.on("closed", () => {
    refused = true;
  });
  function destroy(): void {
    provider.off("status", onStatus);
    provider.off("sync", onSync);
    provider.off("closed", onClosed);
    provider.off("connection-close", onConnectionClose);
    doc.off("update", onUpdate);
    provider.destroy();
    doc.destroy();
  }

  return {
    name: options.name,
    doc,
    provider,
    whenLoaded: persistence.whenSynced.then(() => undefined),
    state,
    whenSynced(timeoutMs) {
      if (provider.synced && provider.wsconnected) return Promise.resolve<SyncOutcome>("synced");
      if (refused) return Promise.resolve<SyncOutcome>("refused");
      return new Promise<SyncOutcome>((resolve) => {
        const finish = (outcome: SyncOutcome): void => {
          clearTimeout(timer);
          provider.off("sync", onSynced);
          provider.off("closed", onRefused);
          resolve(outcome);
        };
        const onSynced = (synced: boolean): void => {
          if (synced) finish("synced");
        };
        const onRefused = (): void => finish("refused");
        const timer = setTimeout(() => finish("timeout"), timeoutMs);
        provider.on("sync", onSynced);
        provider.on("closed", onRefused);
      });
    },
    async erase() {
      destroy();
      await persistence.clearData();
    },
    destroy() {
      destroy();
      void persistence.destroy();
    },
  };
}

/** Disconnects (`online` false) or reconnects every given document. */
export function setDocsOnline(docs: Iterable<SyncedDoc>, online: boolean): void {
  for (const synced of docs) {
    if (online) synced.provider.connect();
    else synced.provider.disconnect();
  }
}
