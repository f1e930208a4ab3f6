/**
 * A stand-in {@link Relay} for tests of the HTTP side where the sync engine
 * is beside the point: documents are plain in-memory `Y.Doc`s, server
 * changes are applied directly, and an admitted upgrade completes a real
 * WebSocket handshake and records who was let in (so admission can be
 * tested) without speaking the sync protocol.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import * as Y from "yjs";
import type { DocName, SessionId } from "@taiku/engine";
import type { Relay, RelayMetrics, SyncPeer } from "../sync/relayTypes";

/** A stub relay plus what it saw. */
export interface StubRelay extends Relay {
  /** Documents by name. */
  readonly docs: Map<DocName, Y.Doc>;
  /** Every admitted upgrade, in order. */
  readonly admitted: Array<{ doc: DocName; peer: SyncPeer }>;
  /** Sessions `endSession` was called for. */
  readonly ended: SessionId[];
}

/** Creates a {@link StubRelay}. */
export function createStubRelay(): StubRelay {
  const docs = new Map<DocName, Y.Doc>();
  const admitted: Array<{ doc: DocName; peer: SyncPeer }> = [];
  const ended: SessionId[] = [];
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  const docFor = (name: DocName): Y.Doc => {
    let doc = docs.get(name);
    if (doc === undefined) {
      doc = new Y.Doc();
      docs.set(name, doc);
    }
    return doc;
  };
  return {
    docs,
    admitted,
    ended,
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, doc: DocName, peer: SyncPeer) {
      admitted.push({ doc, peer });
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on("close", () => sockets.delete(ws));
      });
    },
    async transact(name, change) {
      const doc = docFor(name);
      doc.transact(() => change(doc));
    },
    async read(name, view) {
      return view(docFor(name));
    },
    async endSession(sessionId) {
      ended.push(sessionId);
    },
    refused: () => [],
    refusal: () => undefined,
    metrics(): RelayMetrics {
      return { connections: sockets.size, loadedDocuments: docs.size, builtDocuments: docs.size, refusedDocuments: 0, updatesTotal: 0, quotaRejectionsTotal: 0, compensationsTotal: 0 };
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}
