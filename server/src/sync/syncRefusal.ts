/**
 * Refusing a sync connection in-protocol. The socket is upgraded, sent
 * y-protocols' auth `permission-denied` message with the reason, and closed
 * with a permanent close code (4400–4499): the stock y-websocket 3 client
 * then shows the reason and stops reconnecting, where an HTTP refusal of
 * the upgrade would have it retry forever.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import { encodePermissionDenied, isPermanentClose, type CloseCode } from "@taiku/engine";
import { closeSocket } from "./syncConnection";

/** Upgrades refused sync connections only to say why and close them. */
export class SyncRefusal {
  // A refused client has nothing to send that is worth reading.
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 });

  constructor(private readonly logger: Logger) {}

  /**
   * Completes the upgrade, then sends the auth refusal (for a permanent
   * `code`) and closes with `code` and `reason`. A transient `code` (45xx)
   * sends no refusal: the client is meant to come back.
   */
  refuse(req: IncomingMessage, socket: Duplex, head: Buffer, code: CloseCode, reason: string): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("error", (error) => this.logger.debug({ err: error }, "refused sync socket failed"));
      ws.on("message", () => undefined);
      if (isPermanentClose(code)) ws.send(encodePermissionDenied(reason));
      closeSocket(ws, code, reason);
    });
  }

}
