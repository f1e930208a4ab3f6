/**
 * The sync relay, composed: it accepts authorised y-websocket sockets
 * (`syncConnection.ts`), keeps their documents in memory while they are used
 * (`documentRegistry.ts`), judges every incoming update (`kvArbitration.ts`),
 * admits plugin documents of known plugins only and caps them per session
 * (`kvDocumentCap.ts`), and persists before it broadcasts (`liveDocument.ts`).
 *
 * Per document: `sessions/<sid>` has the session quota and a lower frame
 * limit, and only the server may change its `members` and `plugins` roots; `sessions/<sid>/kv/<pluginId>`
 * has the session KV quota, and a session may hold at most
 * `maxKvDocsPerSession` of them.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import { CloseCode, CorruptRecordError, KV_QUOTA_BYTES, SERVER_ORIGIN, encodePermissionDenied, extensionOptIn, kvDocPrefix, parseDocName, type DocName, type EventStore, type SessionId } from "@taiku/engine";
import { RateLimiter } from "../http/rateLimiter";
import { DocumentRegistry } from "./documentRegistry";
import { SESSION_QUOTA_BYTES } from "./kvArbitration";
import { KvDocumentCap, type KnownPlugins } from "./kvDocumentCap";
import { RelayExtensions } from "./relayExtensions";
import type { Relay, RelayExtension, RelayMetrics, SyncPeer } from "./relayTypes";
import { SendBatcher } from "./sendBatcher";
import { SnapshotPolicy, type SnapshotPolicyOptions } from "./snapshotPolicy";
import { SyncConnection, broadcast, relayAwareness, type ConnectedDocument, type ConnectionContext } from "./syncConnection";
import { updateFrame } from "./syncMessages";
import { SyncReplies } from "./syncReplyCache";


/** Options of {@link createRelay}. */
export interface RelayOptions {
  readonly store: EventStore;
  readonly logger: Logger;
  /** Session KV quota in bytes (default 65,536). */
  readonly quotaBytes?: number;
  /** Session KV documents one session may hold (default 64); only documents of known plugins count. */
  readonly maxKvDocsPerSession?: number;
  /** Which plugins a session knows; a KV document of any other plugin is refused with `4404` (default: every plugin). */
  readonly knownPlugins?: KnownPlugins;
  /** Largest frame accepted, in bytes (default 8 MiB). */
  readonly maxPayload?: number;
  /** Live data a session document may hold, in bytes (default 2 MiB, `SESSION_QUOTA_BYTES`); over it, an update is compensated. */
  readonly sessionQuotaBytes?: number;
  /** Largest frame accepted on a session document's socket, in bytes (default 4 MiB: twice the session quota, so a client's whole state fits one frame). */
  readonly maxSessionFrameBytes?: number;
  /** Awareness client ids one socket may announce (default 8). */
  readonly maxAwarenessStates?: number;
  /** Frames per second a socket may send, sustained (default 2,000; bursts to twice that). */
  readonly framesPerSecond?: number;
  /** Events between snapshots at least (default 1,000); a snapshot also waits until they weigh half the last one, or ten times as many have passed. Shorthand for `snapshots.everyEvents`. */
  readonly snapshotEvery?: number;
  /** When documents write snapshots: events, bytes and quiet time (see `snapshotPolicy.ts` for the rules and defaults). */
  readonly snapshots?: SnapshotPolicyOptions;
  /** How long a document without sockets stays in memory, ms (default 30 s). */
  readonly idleMs?: number;
  /** How long a loaded document that nothing changes or reads stays built (a `Y.Doc` and its arbiter) before it goes back to its encoded bytes, ms (default 10 s). */
  readonly unbuildAfterMs?: number;
  /** Bytes queued on a socket before it is dropped as too slow (default 32 MiB). */
  readonly maxBufferedBytes?: number;
  /** Told how long each append took to become durable, ms (the server's metrics observe it). */
  readonly onPersisted?: (ms: number) => void;
  /** Extensions owning message types 101 and up. */
  readonly extensions?: readonly RelayExtension[];
}

/** Whether the upgrade request's URL opted in to taiku's extension messages. */
function optedIn(req: IncomingMessage): boolean {
  const opt = extensionOptIn(new URL(req.url ?? "/", "http://relay.invalid").searchParams);
  return "optedIn" in opt && opt.optedIn;
}

/** Creates the relay. */
export function createRelay(options: RelayOptions): Relay {
  const { store, logger } = options;
  const quotaBytes = options.quotaBytes ?? KV_QUOTA_BYTES;
  const framesPerSecond = options.framesPerSecond ?? 2_000;
  const extensions = new RelayExtensions(options.extensions ?? []);
  // No permessage-deflate: broadcasts write pre-framed bytes to the sockets (`wsFrame.ts`).
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: options.maxPayload ?? 8 * 1024 * 1024 });
  const connections = new Set<SyncConnection>();
  const counters = { updates: 0, quotaRejections: 0, compensations: 0 };
  let closed = false;

  const registry: DocumentRegistry<SyncConnection> = new DocumentRegistry<SyncConnection>({
    store,
    logger,
    quotaBytes,
    sessionQuotaBytes: options.sessionQuotaBytes ?? SESSION_QUOTA_BYTES,
    snapshots: new SnapshotPolicy({ everyEvents: options.snapshotEvery, ...options.snapshots }),
    idleMs: options.idleMs ?? 30_000,
    unbuildAfterMs: options.unbuildAfterMs ?? 10_000,
    onAwareness: relayAwareness,
    onDropped: (live, reason) => {
      for (const conn of live.peers) conn.close(CloseCode.DocumentFailed, `${reason}; reconnect`);
    },
    onPersisted: (ms) => options.onPersisted?.(ms),
  });
  const kvCap = new KvDocumentCap(
    store,
    options.maxKvDocsPerSession ?? 64,
    () => registry.names(),
    (name) => registry.has(name),
    options.knownPlugins,
  );

  const context: ConnectionContext = {
    logger,
    extensions,
    sends: new SendBatcher(),
    syncReplies: new SyncReplies(),
    limiter: new RateLimiter({ perSecond: framesPerSecond, burst: framesPerSecond * 2 }),
    framesPerSecond,
    maxAwarenessStates: options.maxAwarenessStates ?? 8,
    maxBufferedBytes: options.maxBufferedBytes ?? 32 * 1024 * 1024,
    quotaBytes,
    maxSessionFrameBytes: options.maxSessionFrameBytes ?? 2 * (options.sessionQuotaBytes ?? SESSION_QUOTA_BYTES),
    onJudged: (outcome) => {
      counters.updates++;
      if (outcome === "accepted") return;
      counters.compensations++;
      if (outcome === "quota_exceeded") counters.quotaRejections++;
    },
    dropDocument: (live, reason) => registry.drop(live, reason),
    onClosed: (conn, live) => {
      connections.delete(conn);
      if (live !== null) registry.release(live);
    },
  };

  const heartbeat = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }, 30_000);
  heartbeat.unref();

  async function attach(conn: SyncConnection, name: DocName): Promise<void> {
    const admission = await kvCap.admit(name, () => registry.open(name));
    if ("refused" in admission) {
      // Answered in-protocol, with a permanent close code, so stock clients stop retrying.
      if (conn.open) conn.ws.send(encodePermissionDenied(admission.refused.reason));
      return conn.reject(admission.refused.code, admission.refused.reason);
    }
    const live = await admission.opened;
    if (!conn.open) return registry.release(live);
    registry.retain(live);
    conn.attach(live);
  }

  function accept(ws: WebSocket, stream: Duplex, name: DocName, peer: SyncPeer, extensionsWanted: boolean): void {
    const parsed = parseDocName(name);
    const conn = new SyncConnection(ws, stream, peer, parsed?.kind === "kv" ? parsed.pluginId : undefined, extensionsWanted, context);
    connections.add(conn);
    attach(conn, name).catch((error: unknown) => {
      if (error instanceof CorruptRecordError) {
        registry.refuse(name, error);
        // Refused until the data is repaired: answered in-protocol, with a permanent close code, so clients stop retrying.
        if (conn.open) conn.ws.send(encodePermissionDenied(error.message));
        return conn.close(CloseCode.DocumentCorrupt, `document damaged: stored record ${error.record}`);
      }
      logger.error({ err: error, doc: name }, "loading a document failed");
      conn.close(CloseCode.DocumentFailed, "the document could not be loaded");
    });
  }

  /** Runs `use` on the loaded document `name`, which may go idle afterwards. */
  async function using<T>(name: DocName, use: (live: ConnectedDocument) => Promise<T> | T): Promise<T> {
    const live = await registry.open(name);
    try {
      return await use(live);
    } finally {
      registry.release(live);
    }
  }

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, doc: DocName, peer: SyncPeer) {
      if (closed) {
        socket.destroy();
        return;
      }
      const wanted = optedIn(req);
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, socket, doc, peer, wanted));
    },

    transact(name, change) {
      return using(name, async (live) => {
        const update = live.arbiter.transact(change, SERVER_ORIGIN);
        if (update === null) return;
        const durable = await live.commit([{ doc: name, update, origin: SERVER_ORIGIN, ts: Date.now(), kind: "server" }], () =>
          broadcast(live, updateFrame(update), null),
        );
        if (!durable) throw new Error(`persisting a server change to ${name} failed`);
      });
    },

    read(name, view) {
      return using(name, (live) => view(live.doc));
    },

    async endSession(sessionId: SessionId) {
      const prefix = kvDocPrefix(sessionId);
      const names = new Set<DocName>(await store.listDocs(prefix));
      for (const name of registry.names()) if (name.startsWith(prefix)) names.add(name);
      for (const name of names) {
        const loading = registry.loaded(name);
        if (loading !== undefined) {
          const live = await loading;
          for (const conn of live.peers) conn.close(CloseCode.SessionEnded, "the session has ended");
          await registry.unload(live);
        }
        await store.deleteDoc(name);
      }
    },

    refused: () => registry.refused(),

    refusal: (name) => registry.refusal(name),

    metrics(): RelayMetrics {
      return {
        connections: connections.size,
        loadedDocuments: registry.size,
        builtDocuments: registry.built,
        refusedDocuments: registry.refused().length,
        updatesTotal: counters.updates,
        quotaRejectionsTotal: counters.quotaRejections,
        compensationsTotal: counters.compensations,
      };
    },

    async close() {
      closed = true;
      clearInterval(heartbeat);
      await registry.close();
      for (const conn of connections) conn.ws.close(1001, "the relay is shutting down");
      wss.close();
    },
  };
}
