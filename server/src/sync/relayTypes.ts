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
import type { DocName, SessionId, UserId } from "@taiku/engine";

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
   * The relay loads the document fully before its first sync reply.
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
  /** Counters for `/metrics`. */
  metrics(): RelayMetrics;
  /** Flushes every pending write and closes every socket. */
  close(): Promise<void>;
}

/** Figures the relay reports for `/metrics`. */
export interface RelayMetrics {
  readonly connections: number;
  readonly loadedDocuments: number;
  readonly updatesTotal: number;
  readonly quotaRejectionsTotal: number;
  readonly compensationsTotal: number;
  /** Persist latency samples in milliseconds since the last call (drained). */
  readonly persistLatencyMs: readonly number[];
}
