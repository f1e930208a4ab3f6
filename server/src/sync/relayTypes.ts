/**
 * The contract between the HTTP side of the server and the sync relay.
 *
 * The HTTP side authenticates and authorises a sync upgrade (token, Origin,
 * session membership) and then hands the socket to the relay; it also uses
 * the relay for server-authored changes to session documents and for ending
 * sessions. The relay owns documents in memory, the quota arbiter and
 * persist-then-broadcast.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type * as Y from "yjs";
import type { CloseCode, CorruptRecord, CorruptRecordError, DocName, SessionId, UserId } from "@taiku/engine";

/** Who is on the other end of an accepted sync socket. */
export interface SyncPeer {
  /** The authenticated user. */
  readonly userId: UserId;
  /** The user's display name (for logs and origins). */
  readonly name: string;
}

/** The relay as the HTTP side sees it. */
export interface Relay {
  /**
   * Completes a WebSocket upgrade for `doc`, already authorised for `peer`.
   * The relay reads the document completely from the store before its
   * first sync reply; it builds its own `Y.Doc` only once something changes
   * or reads the document, or a peer already holds part of it.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, doc: DocName, peer: SyncPeer): void;
  /**
   * Applies a server-authored change (kind `"server"`) to a document:
   * persisted, then broadcast. Only the server may change a session
   * document's `members` and `plugins` maps; use this for them.
   */
  transact(doc: DocName, change: (doc: Y.Doc) => void): Promise<void>;
  /** Reads a document's current state (loading it if needed). */
  read<T>(doc: DocName, view: (doc: Y.Doc) => T): Promise<T>;
  /** Closes every socket of the session's KV documents and deletes those documents. */
  endSession(sessionId: SessionId): Promise<void>;
  /**
   * Documents refused because their stored records are damaged (each with
   * the record and what is wrong with it); they stay refused until the
   * operator repairs the data and restarts. Read by `/readyz`.
   */
  refused(): CorruptRecord[];
  /** The refusal of `doc`, when it is refused. */
  refusal(doc: DocName): CorruptRecordError | undefined;
  /** Counters for `/metrics`. */
  metrics(): RelayMetrics;
  /** Flushes every pending write and closes every socket. */
  close(): Promise<void>;
}

/** Figures the relay reports for `/metrics`. */
export interface RelayMetrics {
  readonly connections: number;
  readonly loadedDocuments: number;
  /** Loaded documents built into a `Y.Doc` (the others are held as their stored bytes until something changes them). */
  readonly builtDocuments: number;
  /** Documents refused because their stored records are damaged. */
  readonly refusedDocuments: number;
  readonly updatesTotal: number;
  readonly quotaRejectionsTotal: number;
  readonly compensationsTotal: number;
}

/** A sync socket as a relay extension sees it. */
export interface RelaySocket {
  /** The connection id (also the `connection` of its events' origin). */
  readonly id: string;
  /** The document this socket syncs. */
  readonly doc: DocName;
  /** Who is on the other end. */
  readonly peer: SyncPeer;
  /** Sends one frame to this socket (dropped if it is closed, and an extension frame unless the client opted in to them). */
  send(frame: Uint8Array): void;
  /** Closes this socket with `code` (one of `CloseCode`, each with one documented meaning). */
  close(code: CloseCode, reason: string): void;
  /** The other open sockets on the same document. */
  others(): RelaySocket[];
}

/**
 * An extension of the relay: it owns message types the sync protocol does
 * not use (101 and up; 100 is the relay's notices). Its frames reach only
 * sockets that opted in to taiku's extension messages (`syncWire.ts`), so a
 * stock y-websocket client never sees them. The relay authenticates, routes
 * and limits frames; the extension decides what they mean.
 */
export interface RelayExtension {
  /** A short name for logs. */
  readonly name: string;
  /** The message types this extension reads. */
  readonly messageTypes: readonly number[];
  /** A socket finished loading its document and is ready. */
  onOpen?(socket: RelaySocket): void;
  /** A frame of one of `messageTypes` arrived; `payload` is the frame after its type. Throwing closes the socket as malformed. */
  onMessage(socket: RelaySocket, type: number, payload: Uint8Array): void;
  /** A socket closed. */
  onClose?(socket: RelaySocket): void;
}
