/**
 * One sync socket's protocol state machine. Frames that arrive before the
 * socket's document is loaded wait in order; once attached, the socket
 * answers sync step 1 (after everything committed so far is durable), sends
 * its own step 1, has updates judged and committed, relays awareness (each
 * state size-capped and its user fields set from the connection, see
 * `awarenessIdentity.ts`), and hands extension frames to their extension.
 *
 * Untrusted input stops here: a frame that is not binary, cannot be decoded,
 * or breaks a limit (frames per second, frame size, awareness states) closes this
 * socket only, with a close code from `CloseCode` and a reason, and is
 * logged. Extension messages (type 100 and up) go to, and come from, only a
 * socket that opted in to them on its URL; a socket that did not is sent
 * nothing but the standard protocol (types 0–3), so a stock y-websocket
 * client never meets a type it has no handler for.
 */
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import * as awarenessProtocol from "y-protocols/awareness";
import type { WebSocket } from "ws";
import { CloseCode, MalformedUpdateError, isStandardMessage, messageTypeOf, type EventOrigin, type PluginId, type RejectionReason } from "@taiku/engine";
import type { RateLimiter } from "../http/rateLimiter";
import { vouchForAwareness } from "./awarenessIdentity";
import { decodeClientFrame } from "./clientFrame";
import { judgeUpdate } from "./kvArbitration";
import type { LiveDocument } from "./liveDocument";
import type { RelayExtensions } from "./relayExtensions";
import type { RelaySocket, SyncPeer } from "./relayTypes";
import type { SendBatcher } from "./sendBatcher";
import { awarenessFrame, syncStep1Frame } from "./syncMessages";
import type { SyncReplies } from "./syncReplyCache";
import { binaryFrame } from "./wsFrame";

/** A document as its sockets see it. */
export type ConnectedDocument = LiveDocument<SyncConnection>;

/** What every connection of one relay shares. */
export interface ConnectionContext {
  readonly logger: Logger;
  readonly extensions: RelayExtensions;
  readonly sends: SendBatcher;
  readonly syncReplies: SyncReplies;
  /** Frames per second, one bucket per connection id. */
  readonly limiter: RateLimiter;
  readonly framesPerSecond: number;
  readonly maxAwarenessStates: number;
  readonly maxBufferedBytes: number;
  readonly quotaBytes: number;
  /** Largest frame a session document's socket may send, in bytes (plugin documents have the server-wide `maxPayload`). */
  readonly maxSessionFrameBytes: number;
  /** Counts a judged update. */
  onJudged(outcome: "accepted" | RejectionReason): void;
  /** Forgets a document a malformed update altered in part. */
  dropDocument(live: ConnectedDocument, reason: string): void;
  /** The socket closed (after the connection left its document). */
  onClosed(conn: SyncConnection, live: ConnectedDocument | null): void;
}

let connectionCounter = 0;

/** Closes a socket with `code` and a reason (cut to the 123 bytes a close frame holds). */
export function closeSocket(ws: WebSocket, code: CloseCode, reason: string): void {
  if (ws.readyState === ws.CLOSED || ws.readyState === ws.CLOSING) return;
  ws.close(code, Buffer.from(reason).subarray(0, 120).toString());
}

/** One accepted sync socket. */
export class SyncConnection {
  /** The connection id (also the `connection` of its events' origin). */
  readonly id = `c${++connectionCounter}`;
  /** The origin of the events this socket's updates become. */
  readonly origin: EventOrigin;
  /** Awareness client ids this socket announced. */
  readonly awarenessIds = new Set<number>();
  /** Answered the last heartbeat ping. */
  alive = true;
  private attached: ConnectedDocument | null = null;
  private view: RelaySocket | null = null;
  private readonly pending: Uint8Array[] = [];

  constructor(
    readonly ws: WebSocket,
    /** The socket under `ws`, corked while a tick's frames pile up. */
    private readonly stream: Duplex,
    readonly peer: SyncPeer,
    pluginId: PluginId | undefined,
    /** The client asked for taiku's extension messages. */
    readonly optedIn: boolean,
    private readonly ctx: ConnectionContext,
  ) {
    this.origin = pluginId === undefined ? { userId: peer.userId, connection: this.id } : { userId: peer.userId, connection: this.id, plugin: pluginId };
    ws.binaryType = "nodebuffer";
    ws.on("pong", () => {
      this.alive = true;
    });
    ws.on("message", (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on("error", (error) => ctx.logger.warn({ err: error, connection: this.id }, "sync socket error"));
    ws.on("close", () => this.onClose());
  }

  /** The document this socket syncs, once attached. */
  get live(): ConnectedDocument | null {
    return this.attached;
  }

  /** This socket as relay extensions see it, once attached. */
  get socket(): RelaySocket | null {
    return this.view;
  }

  /** True while the socket is open. */
  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /**
   * Joins `live`: sends the relay's sync step 1 and its awareness, tells the extensions, then replays the
   * frames that waited.
   *
   * The step 1 leaves before any reply to the client's own step 1. A client answers it with what the relay
   * lacks from the client's state at that moment; had it already applied the relay's state, a write of its
   * own that lost to a concurrent one would be garbage-collected first, and reach the relay (and the key's
   * history) without its value.
   */
  attach(live: ConnectedDocument): void {
    this.attached = live;
    this.view = this.relaySocket(live);
    live.peers.add(this);
    if (!live.failed) this.send(syncStep1Frame(live.stateVector()));
    const states = live.awarenessClients();
    if (states.length > 0) this.send(awarenessFrame(live.awareness, states));
    this.ctx.extensions.opened(this.view);
    for (const data of this.pending.splice(0)) this.receive(live, data);
  }

  /** Sends one frame (dropped when closed, and anything but the standard protocol unless the client opted in). */
  send(frame: Uint8Array): void {
    if (!this.optedIn && !isStandardMessage(messageTypeOf(frame) ?? -1)) return;
    if (this.writable()) this.ws.send(frame);
  }

  /** Writes a frame already framed for the wire (`binaryFrame`); only standard-protocol frames come here. */
  writeWire(wire: Buffer): void {
    if (this.writable()) this.stream.write(wire);
  }

  /** Closes the socket with `code`. */
  close(code: CloseCode, reason: string): void {
    closeSocket(this.ws, code, reason);
  }

  /** Closes the socket for something its peer did, and logs it. */
  reject(code: CloseCode, reason: string): void {
    this.ctx.logger.warn({ connection: this.id, user: this.peer.userId, doc: this.attached?.name, reason }, "closing a sync socket");
    this.close(code, reason);
  }

  /** True when the socket may be written to now; drops it when its send buffer is full. */
  private writable(): boolean {
    if (!this.open) return false;
    if (this.ws.bufferedAmount > this.ctx.maxBufferedBytes) {
      this.close(CloseCode.Unavailable, "too slow: the send buffer is full; reconnect");
      return false;
    }
    this.ctx.sends.hold(this.stream);
    return true;
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (!isBinary) return this.reject(CloseCode.ProtocolViolation, "text frames are not part of the sync protocol");
    if (this.ctx.limiter.take(this.id) > 0) return this.reject(CloseCode.Unavailable, `more than ${this.ctx.framesPerSecond} frames per second`);
    if (this.origin.plugin === undefined && data.byteLength > this.ctx.maxSessionFrameBytes) {
      return this.reject(CloseCode.ProtocolViolation, `a frame of ${data.byteLength} bytes is over the session document's limit of ${this.ctx.maxSessionFrameBytes}`);
    }
    // A socket the relay is closing (its document dropped or unloaded, its session ended, the relay stopping)
    // takes nothing more: its client still holds what it sent and syncs it again when it reconnects.
    if (!this.open) return;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const live = this.attached;
    if (live === null) this.pending.push(bytes);
    else if (!live.failed && !live.destroyed) this.receive(live, bytes);
  }

  private onClose(): void {
    const live = this.attached;
    this.ctx.limiter.forget(this.id);
    if (live !== null) {
      live.peers.delete(this);
      if (this.view !== null) this.ctx.extensions.closed(this.view);
      if (this.awarenessIds.size > 0) awarenessProtocol.removeAwarenessStates(live.awareness, [...this.awarenessIds], null);
    }
    this.ctx.onClosed(this, live);
  }

  private receive(live: ConnectedDocument, data: Uint8Array): void {
    const decoded = decodeClientFrame(data, this.ctx.extensions.types);
    if ("error" in decoded) return this.reject(CloseCode.ProtocolViolation, decoded.error);
    const frame = decoded.frame;
    switch (frame.kind) {
      case "sync-step-1": {
        let reply: Uint8Array;
        try {
          reply = this.ctx.syncReplies.replyTo(live, frame.stateVector);
        } catch (cause) {
          return this.reject(CloseCode.ProtocolViolation, `malformed state vector (${String(cause)})`);
        }
        live.afterDurable(() => this.send(reply));
        return;
      }
      case "update":
        try {
          this.receiveUpdate(live, frame.update);
        } catch (cause) {
          this.reject(CloseCode.ProtocolViolation, `malformed update (${String(cause)})`);
          if (cause instanceof MalformedUpdateError && cause.altered) this.ctx.dropDocument(live, "a malformed update was partly applied");
        }
        return;
      case "awareness": {
        // States are stored and forwarded only as the relay vouches for them: size-capped, user fields from this connection.
        const vouched = vouchForAwareness(frame.update, this.peer, (id) => [...live.peers].some((other) => other.peer.userId !== this.peer.userId && other.awarenessIds.has(id)));
        if ("error" in vouched) return this.reject(CloseCode.ProtocolViolation, vouched.error);
        try {
          awarenessProtocol.applyAwarenessUpdate(live.awareness, vouched.update, this);
        } catch (cause) {
          return this.reject(CloseCode.ProtocolViolation, `malformed awareness update (${String(cause)})`);
        }
        if (this.awarenessIds.size > this.ctx.maxAwarenessStates) {
          this.reject(CloseCode.ProtocolViolation, `more than ${this.ctx.maxAwarenessStates} awareness states on one socket`);
        }
        return;
      }
      case "query-awareness":
        this.send(awarenessFrame(live.awareness, Array.from(live.awareness.getStates().keys())));
        return;
      case "auth":
        return;
      case "extension": {
        if (!this.optedIn) return this.reject(CloseCode.ProtocolViolation, `message type ${frame.type} needs the taiku extensions opt-in on the sync URL`);
        const extension = this.ctx.extensions.owner(frame.type);
        if (extension === undefined || this.view === null) return;
        try {
          extension.onMessage(this.view, frame.type, frame.payload);
        } catch (cause) {
          return this.reject(CloseCode.ProtocolViolation, `malformed ${extension.name} message (${String(cause)})`);
        }
        return;
      }
    }
  }

  private receiveUpdate(live: ConnectedDocument, update: Uint8Array): void {
    const judged = judgeUpdate(live, update, this.origin, this.ctx.quotaBytes);
    if (judged === null) return;
    this.ctx.onJudged(judged.outcome);
    void live.commit(judged.events, () => {
      broadcast(live, judged.toOthers, this);
      for (const frame of judged.toSender) this.send(frame);
    });
  }

  private relaySocket(live: ConnectedDocument): RelaySocket {
    return {
      id: this.id,
      doc: live.name,
      peer: this.peer,
      send: (frame) => this.send(frame),
      close: (code, reason) => this.close(code, reason),
      others: () => [...live.peers].flatMap((peer) => (peer === this || peer.view === null ? [] : [peer.view])),
    };
  }
}

/** Frames a standard-protocol `frame` once and writes the same bytes to every peer of `live` but `except`. */
export function broadcast(live: ConnectedDocument, frame: Uint8Array, except: SyncConnection | null): void {
  let wire: Buffer | null = null;
  for (const peer of live.peers) {
    if (peer === except || !peer.open) continue;
    wire ??= binaryFrame(frame);
    peer.writeWire(wire);
  }
}

/** Relays `live`'s awareness changes to its peers and records which socket announced which client id. */
export function relayAwareness(live: ConnectedDocument): void {
  live.awareness.on("update", ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    if (origin instanceof SyncConnection && origin.live === live && origin.open) {
      for (const id of added) origin.awarenessIds.add(id);
      for (const id of removed) origin.awarenessIds.delete(id);
    }
    const changed = [...added, ...updated, ...removed];
    if (changed.length > 0) broadcast(live, awarenessFrame(live.awareness, changed), null);
  });
}

