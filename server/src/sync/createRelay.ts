/**
 * The sync relay: accepts authorised y-websocket sockets, keeps documents in
 * memory while they are used, judges every incoming update with the quota
 * arbiter, and persists before it broadcasts (see `liveDocument.ts`).
 *
 * Per document: `sessions/<sid>` has no quota, and only the server may
 * change its `members` and `plugins` roots; `sessions/<sid>/kv/<pluginId>`
 * has the session KV quota, and a session may hold at most
 * `maxKvDocsPerSession` of them.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { WebSocketServer, type WebSocket } from "ws";
import {
  KV_QUOTA_BYTES,
  MalformedUpdateError,
  SERVER_ORIGIN,
  encodeRelayNotice,
  parseDocName,
  type ArbiterPolicy,
  type DocName,
  type EventOrigin,
  type EventStore,
  type NewDocEvent,
  type SessionId,
} from "@taiku/engine";
import { LiveDocument as LiveDocumentOf } from "./liveDocument";
import { SendBatcher } from "./sendBatcher";
import { SnapshotPolicy, type SnapshotPolicyOptions } from "./snapshotPolicy";
import type { Relay, RelayExtension, RelayMetrics, RelaySocket, SyncPeer } from "./relayTypes";
import { ErrorCode, RateLimiter, closeSocket, decodeClientFrame } from "./syncConnection";
import { StoredState } from "./storedState";
import { awarenessFrame, syncStep1Frame, updateFrame } from "./syncMessages";
import { SyncReplyCache } from "./syncReplyCache";
import { binaryFrame } from "./wsFrame";

/** Roots of a session document that only the server writes. */
export const SERVER_ONLY_ROOTS = ["members", "plugins"] as const;

/** Options of {@link createRelay}. */
export interface RelayOptions {
  readonly store: EventStore;
  readonly logger: Logger;
  /** Session KV quota in bytes (default 65,536). */
  readonly quotaBytes?: number;
  /** Session KV documents one session may hold (default 64). */
  readonly maxKvDocsPerSession?: number;
  /** Largest frame accepted, in bytes (default 8 MiB). */
  readonly maxPayload?: number;
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
  /** Bytes queued on a socket before it is dropped as too slow (default 32 MiB). */
  readonly maxBufferedBytes?: number;
  /** Extensions owning message types 101 and up. */
  readonly extensions?: readonly RelayExtension[];
}

interface Connection {
  readonly id: string;
  readonly ws: WebSocket;
  /** The socket under `ws`, corked while a tick's frames pile up. */
  readonly stream: Duplex;
  readonly peer: SyncPeer;
  readonly origin: EventOrigin;
  readonly awarenessIds: Set<number>;
  readonly limiter: RateLimiter;
  live: LiveDocument | null;
  alive: boolean;
  socket: RelaySocket | null;
}

type LiveDocument = LiveDocumentOf<Connection>;

let connectionCounter = 0;

/** A v1 update that carries nothing: what a client with nothing new sends in reply to the relay's sync step 1. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}

/** Creates the relay. */
export function createRelay(options: RelayOptions): Relay {
  const { store, logger } = options;
  const quotaBytes = options.quotaBytes ?? KV_QUOTA_BYTES;
  const maxKvDocs = options.maxKvDocsPerSession ?? 64;
  const maxAwarenessStates = options.maxAwarenessStates ?? 8;
  const framesPerSecond = options.framesPerSecond ?? 2_000;
  const idleMs = options.idleMs ?? 30_000;
  const maxBuffered = options.maxBufferedBytes ?? 32 * 1024 * 1024;
  const snapshots = new SnapshotPolicy({ everyEvents: options.snapshotEvery, ...options.snapshots });
  const extensions = new Map<number, RelayExtension>();
  for (const extension of options.extensions ?? []) {
    for (const type of extension.messageTypes) {
      if (type <= 100 || extensions.has(type)) throw new Error(`extension ${extension.name} cannot own message type ${type}`);
      extensions.set(type, extension);
    }
  }
  const extensionTypes = new Set(extensions.keys());

  // No permessage-deflate: broadcasts write pre-framed bytes to the sockets (`wsFrame.ts`).
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: options.maxPayload ?? 8 * 1024 * 1024 });
  const documents = new Map<DocName, Promise<LiveDocument>>();
  const unloading = new Map<DocName, Promise<void>>();
  const idleTimers = new Map<DocName, NodeJS.Timeout>();
  const connections = new Set<Connection>();
  const sends = new SendBatcher();
  const syncReplies = new WeakMap<LiveDocument, SyncReplyCache>();
  const counters = { updates: 0, quotaRejections: 0, compensations: 0, built: 0 };
  let persistLatency: number[] = [];
  let closed = false;

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

  function policyFor(name: DocName): ArbiterPolicy {
    const parsed = parseDocName(name);
    if (parsed?.kind === "kv") return { limit: quotaBytes };
    return { limit: null, protectedRoots: SERVER_ONLY_ROOTS };
  }

  function open(name: DocName): Promise<LiveDocument> {
    const existing = documents.get(name);
    if (existing !== undefined) return existing;
    const loading = (async () => {
      await unloading.get(name);
      const stored = new StoredState(await store.load(name));
      // Opened as its stored bytes; built on first need (see `liveDocument.ts`).
      const live = LiveDocumentOf.open<Connection>(name, stored, {
        store,
        logger,
        policy: policyFor(name),
        snapshots,
        onFailure: () => drop(live, "the relay could not persist an update"),
        onPersisted: (ms) => {
          if (persistLatency.length < 10_000) persistLatency.push(ms);
        },
        onBuilt: () => counters.built++,
        onAwareness: () => attachAwareness(live),
      });
      return live;
    })();
    documents.set(name, loading);
    loading.catch(() => documents.delete(name));
    return loading;
  }

  /** Forgets a failed document: its sockets reconnect and reload it from the store. */
  /**
   * Forgets a document whose memory no longer matches its log (a failed
   * write, or a malformed update applied in part): its sockets reconnect and
   * reload it from the store once the writes already issued have settled.
   */
  function drop(live: LiveDocument, reason: string): void {
    live.failed = true;
    if (documents.get(live.name) !== undefined) documents.delete(live.name);
    for (const conn of connections) if (conn.live === live) closeSocket(conn.ws, ErrorCode.Internal, `${reason}; reconnect`);
    const settled = live.flush().finally(() => {
      release(live);
      if (unloading.get(live.name) === settled) unloading.delete(live.name);
    });
    unloading.set(live.name, settled);
  }

  /** Frees a document's memory. */
  function release(live: LiveDocument): void {
    if (live.isBuilt) counters.built--;
    live.destroy();
  }

  function scheduleIdle(live: LiveDocument): void {
    clearTimeout(idleTimers.get(live.name));
    if (live.peers.size > 0 || closed) return;
    const timer = setTimeout(() => {
      idleTimers.delete(live.name);
      if (live.peers.size === 0) void unload(live);
    }, idleMs);
    timer.unref();
    idleTimers.set(live.name, timer);
  }

  async function unload(live: LiveDocument): Promise<void> {
    if (documents.get(live.name) === undefined) return;
    documents.delete(live.name);
    const done = (async () => {
      if (live.wantsSnapshotOnUnload) live.snapshot();
      await live.flush();
      release(live);
    })();
    unloading.set(live.name, done);
    await done.finally(() => {
      if (unloading.get(live.name) === done) unloading.delete(live.name);
    });
  }

  async function kvCapReached(name: DocName): Promise<boolean> {
    const parsed = parseDocName(name);
    if (parsed?.kind !== "kv" || documents.has(name)) return false;
    // A stored document is within the cap: one key lookup, where listing the session's documents walks them all.
    if ((await store.lastSeq(name)) > 0) return false;
    const prefix = `sessions/${parsed.sessionId}/kv/`;
    const stored = new Set<string>(await store.listDocs(prefix));
    if (stored.has(name)) return false;
    for (const loaded of documents.keys()) if (loaded.startsWith(prefix)) stored.add(loaded);
    return stored.size >= maxKvDocs;
  }

  /** True when `conn` may be written to now; drops it when its send buffer is full. */
  function writable(conn: Connection): boolean {
    if (conn.ws.readyState !== conn.ws.OPEN) return false;
    if (conn.ws.bufferedAmount > maxBuffered) {
      closeSocket(conn.ws, ErrorCode.Unavailable, "too slow: the send buffer is full; reconnect");
      return false;
    }
    sends.hold(conn.stream);
    return true;
  }

  function send(conn: Connection, frame: Uint8Array): void {
    if (writable(conn)) conn.ws.send(frame);
  }

  /** Frames `frame` once and writes the same bytes to every peer but `except`. */
  function broadcast(live: LiveDocument, frame: Uint8Array, except: Connection | null): void {
    let wire: Buffer | null = null;
    for (const peer of live.peers) {
      if (peer === except || !writable(peer)) continue;
      wire ??= binaryFrame(frame);
      peer.stream.write(wire);
    }
  }

  function receiveUpdate(conn: Connection, live: LiveDocument, update: Uint8Array): void {
    const result = live.arbiter.apply(update, conn.origin);
    if (result.update === null) return;
    const ts = Date.now();
    counters.updates++;
    if (result.accepted) {
      const frame = updateFrame(result.update);
      void live.commit([{ doc: live.name, update: result.update, origin: conn.origin, ts, kind: "update" }], () => broadcast(live, frame, conn));
      return;
    }
    const events: NewDocEvent[] = [{ doc: live.name, update: result.update, origin: conn.origin, ts, kind: "update" }];
    if (result.compensation !== null) events.push({ doc: live.name, update: result.compensation, origin: SERVER_ORIGIN, ts, kind: "compensation" });
    counters.compensations++;
    if (result.reason === "quota_exceeded") counters.quotaRejections++;
    const both = result.compensation === null ? result.update : Y.mergeUpdates([result.update, result.compensation]);
    const notice =
      result.reason === "quota_exceeded"
        ? encodeRelayNotice({
            type: "quota_rejected",
            doc: live.name,
            revertedKeys: result.revertedKeys,
            revertedTypes: result.revertedTypes,
            used: result.used,
            limit: result.limit ?? quotaBytes,
            attempted: result.attempted,
          })
        : encodeRelayNotice({ type: "error", code: ErrorCode.PermissionDenied, message: `only the server may change ${result.revertedTypes.join(", ")}; the change was reverted` });
    void live.commit(events, () => {
      broadcast(live, updateFrame(both), conn);
      if (result.compensation !== null) send(conn, updateFrame(result.compensation));
      send(conn, notice);
    });
  }

  function receive(conn: Connection, live: LiveDocument, data: Uint8Array): void {
    const decoded = decodeClientFrame(data, extensionTypes);
    if ("error" in decoded) return reject(conn, ErrorCode.InvalidParams, decoded.error);
    const frame = decoded.frame;
    switch (frame.kind) {
      case "sync-step-1": {
        let reply: Uint8Array;
        try {
          const stored = live.unbuilt;
          reply = stored !== null && Y.decodeStateVector(frame.stateVector).size === 0 ? stored.fullSyncStep2 : syncReplyOf(live).replyTo(frame.stateVector);
        } catch (cause) {
          return reject(conn, ErrorCode.InvalidParams, `malformed state vector (${String(cause)})`);
        }
        live.afterDurable(() => send(conn, reply));
        return;
      }
      case "update":
        // A client's empty reply to the relay's sync step 1 changes nothing: no reason to build the document for it.
        if (!live.isBuilt && isEmptyUpdate(frame.update)) return;
        try {
          receiveUpdate(conn, live, frame.update);
        } catch (cause) {
          reject(conn, ErrorCode.InvalidParams, `malformed update (${String(cause)})`);
          if (cause instanceof MalformedUpdateError && cause.altered) drop(live, "a malformed update was partly applied");
        }
        return;
      case "awareness":
        try {
          awarenessProtocol.applyAwarenessUpdate(live.awareness, frame.update, conn);
        } catch (cause) {
          return reject(conn, ErrorCode.InvalidParams, `malformed awareness update (${String(cause)})`);
        }
        if (conn.awarenessIds.size > maxAwarenessStates) {
          reject(conn, ErrorCode.InvalidParams, `more than ${maxAwarenessStates} awareness states on one socket`);
        }
        return;
      case "query-awareness":
        send(conn, awarenessFrame(live.awareness, Array.from(live.awareness.getStates().keys())));
        return;
      case "auth":
        return;
      case "extension": {
        const extension = extensions.get(frame.type);
        if (extension === undefined || conn.socket === null) return;
        try {
          extension.onMessage(conn.socket, frame.type, frame.payload);
        } catch (cause) {
          return reject(conn, ErrorCode.InvalidParams, `malformed ${extension.name} message (${String(cause)})`);
        }
        return;
      }
    }
  }

  /** The document's kept sync step 2 reply (made on first use; it lives as long as the document). */
  function syncReplyOf(live: LiveDocument): SyncReplyCache {
    let cache = syncReplies.get(live);
    if (cache === undefined) {
      cache = new SyncReplyCache(live.doc);
      syncReplies.set(live, cache);
    }
    return cache;
  }

  function socketOf(conn: Connection, live: LiveDocument): RelaySocket {
    return {
      id: conn.id,
      doc: live.name,
      peer: conn.peer,
      send: (frame) => send(conn, frame),
      close: (code, reason) => closeSocket(conn.ws, code, reason),
      others: () => [...live.peers].flatMap((peer) => (peer === conn || peer.socket === null ? [] : [peer.socket])),
    };
  }

  function reject(conn: Connection, code: ErrorCode, reason: string): void {
    logger.warn({ connection: conn.id, user: conn.peer.userId, doc: conn.live?.name, reason }, "closing a sync socket");
    closeSocket(conn.ws, code, reason);
  }

  function attachAwareness(live: LiveDocument): void {
    live.awareness.on("update", ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const owner = origin as Connection | null;
      if (owner !== null && connections.has(owner)) {
        for (const id of added) owner.awarenessIds.add(id);
        for (const id of removed) owner.awarenessIds.delete(id);
      }
      const changed = [...added, ...updated, ...removed];
      if (changed.length > 0) broadcast(live, awarenessFrame(live.awareness, changed), null);
    });
  }

  async function attach(conn: Connection, name: DocName, pending: Uint8Array[]): Promise<void> {
    if (await kvCapReached(name)) {
      return reject(conn, ErrorCode.QuotaExceeded, `this session already holds ${maxKvDocs} plugin documents`);
    }
    const live = await open(name);
    if (conn.ws.readyState !== conn.ws.OPEN) {
      scheduleIdle(live);
      return;
    }
    clearTimeout(idleTimers.get(name));
    conn.live = live;
    conn.socket = socketOf(conn, live);
    live.peers.add(conn);
    const states = live.awarenessClients();
    if (states.length > 0) send(conn, awarenessFrame(live.awareness, states));
    for (const extension of new Set(extensions.values())) extension.onOpen?.(conn.socket);
    for (const data of pending.splice(0)) receive(conn, live, data);
    // The relay's own sync step 1 goes once the tick's replies have left: for a document opened from a long
    // history, its state vector is decoded from the stored bytes, and the client's state must not wait for that.
    setImmediate(() => {
      if (conn.live === live && !live.failed) send(conn, syncStep1Frame(live.stateVector()));
    });
  }

  function accept(ws: WebSocket, stream: Duplex, name: DocName, peer: SyncPeer): void {
    const parsed = parseDocName(name);
    const id = `c${++connectionCounter}`;
    const origin: EventOrigin = parsed?.kind === "kv" ? { userId: peer.userId, connection: id, plugin: parsed.pluginId } : { userId: peer.userId, connection: id };
    const conn: Connection = { id, ws, stream, peer, origin, awarenessIds: new Set(), limiter: new RateLimiter(framesPerSecond, framesPerSecond * 2), live: null, alive: true, socket: null };
    connections.add(conn);
    ws.binaryType = "nodebuffer";
    const pending: Uint8Array[] = [];
    ws.on("pong", () => {
      conn.alive = true;
    });
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return reject(conn, ErrorCode.InvalidParams, "text frames are not part of the sync protocol");
      if (!conn.limiter.take()) return reject(conn, ErrorCode.Unavailable, `more than ${framesPerSecond} frames per second`);
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (conn.live === null) pending.push(bytes);
      else if (!conn.live.failed) receive(conn, conn.live, bytes);
    });
    ws.on("error", (error) => logger.warn({ err: error, connection: id }, "sync socket error"));
    ws.on("close", () => {
      connections.delete(conn);
      const live = conn.live;
      if (live === null) return;
      live.peers.delete(conn);
      if (conn.socket !== null) for (const extension of new Set(extensions.values())) extension.onClose?.(conn.socket);
      if (conn.awarenessIds.size > 0) awarenessProtocol.removeAwarenessStates(live.awareness, [...conn.awarenessIds], null);
      scheduleIdle(live);
    });
    attach(conn, name, pending).catch((error: unknown) => {
      logger.error({ err: error, doc: name }, "loading a document failed");
      closeSocket(ws, ErrorCode.Internal, "the document could not be loaded");
    });
  }

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, doc: DocName, peer: SyncPeer) {
      if (closed) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, socket, doc, peer));
    },

    async transact(name, change) {
      const live = await open(name);
      const update = live.arbiter.transact(change, SERVER_ORIGIN);
      try {
        if (update !== null) {
          const durable = await live.commit([{ doc: name, update, origin: SERVER_ORIGIN, ts: Date.now(), kind: "server" }], () =>
            broadcast(live, updateFrame(update), null),
          );
          if (!durable) throw new Error(`persisting a server change to ${name} failed`);
        }
      } finally {
        scheduleIdle(live);
      }
    },

    async read(name, view) {
      const live = await open(name);
      try {
        return view(live.doc);
      } finally {
        scheduleIdle(live);
      }
    },

    async endSession(sessionId: SessionId) {
      const prefix = `sessions/${sessionId}/kv/`;
      const names = new Set<DocName>(await store.listDocs(prefix));
      for (const name of documents.keys()) if (name.startsWith(prefix)) names.add(name);
      for (const name of names) {
        const loading = documents.get(name);
        if (loading !== undefined) {
          const live = await loading;
          for (const conn of connections) if (conn.live === live) closeSocket(conn.ws, ErrorCode.NotFound, "the session has ended");
          await unload(live);
        }
        await store.deleteDoc(name);
      }
    },

    metrics(): RelayMetrics {
      const drained = persistLatency;
      persistLatency = [];
      return {
        connections: connections.size,
        loadedDocuments: documents.size,
        builtDocuments: counters.built,
        updatesTotal: counters.updates,
        quotaRejectionsTotal: counters.quotaRejections,
        compensationsTotal: counters.compensations,
        persistLatencyMs: drained,
      };
    },

    async close() {
      closed = true;
      clearInterval(heartbeat);
      for (const timer of idleTimers.values()) clearTimeout(timer);
      const loaded = await Promise.allSettled(documents.values());
      for (const outcome of loaded) if (outcome.status === "fulfilled") await unload(outcome.value);
      await Promise.allSettled(unloading.values());
      for (const conn of connections) conn.ws.close(1001, "the relay is shutting down");
      wss.close();
    },
  };
}
