import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { binaryFrame } from "./wsFrame";

describe("binaryFrame", () => {
  let server: Server;
  let url: string;
  /** Writes the payloads as pre-framed bytes straight onto each new socket, after one frame `ws` sends itself. */
  let payloads: Uint8Array[] = [];

  beforeAll(async () => {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    server = createServer();
    server.on("upgrade", (req, socket: Duplex, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(Uint8Array.of(9));
        for (const payload of payloads) socket.write(binaryFrame(payload));
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it.each([0, 1, 125, 126, 1000, 65_535, 65_536, 200_000])("a WebSocket client receives a %i-byte payload unchanged, in order", async (length) => {
    const payload = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) % 256);
    payloads = [payload, Uint8Array.of(1, 2, 3)];
    const client = new WebSocket(url);
    const messages: Buffer[] = [];
    const all = new Promise<void>((resolve, reject) => {
      client.on("message", (data: Buffer, isBinary: boolean) => {
        if (!isBinary) reject(new Error("a text frame arrived"));
        messages.push(data);
        if (messages.length === 3) resolve();
      });
      client.on("error", reject);
      client.on("close", (code) => reject(new Error(`closed with ${code}`)));
    });
    await all;
    client.terminate();
    expect(messages.map((message) => message.byteLength)).toEqual([1, length, 3]);
    expect(Buffer.from(payload).equals(messages[1] ?? Buffer.alloc(0))).toBe(true);
  });
});
