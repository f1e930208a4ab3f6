/**
 * The floor: the least any y-websocket relay must do. It answers a client's
 * sync step 1 with an empty sync step 2 (so the stock client counts itself
 * synced) and forwards every other frame, unchanged, to the other sockets of
 * the same room. No Yjs, no document, no disk: what it costs is the cost of
 * WebSockets and fan-out alone.
 *
 * With `BENCH_FLOOR_STATE` naming a file of an encoded Yjs update, it answers
 * every sync step 1 with a step 2 carrying those bytes instead, framed once
 * at start: what serving a document's final state from memory costs, with
 * no load, no merge and no diff (cold-open's floor).
 *
 * Run as a child process by the benchmark harness: listens on `HOST`
 * (127.0.0.1) and `PORT` (0 picks a free one), prints `BENCH_READY <port>`,
 * and exits on SIGTERM.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import { answerHeapProbes } from "./heapProbe.mjs";

answerHeapProbes();

// The ws version the taiku server uses.
const { WebSocketServer } = createRequire(new URL("../../server/package.json", import.meta.url))("ws");

/** Sync message, step 2, carrying an empty Yjs update (no structs, no deletions). */
const EMPTY_SYNC_STEP_2 = Uint8Array.from([0, 1, 2, 0, 0]);

/** lib0's variable-length unsigned integer: 7 bits a byte, low bits first. */
function varUint(value) {
  const bytes = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push(0x80 | (rest & 0x7f));
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

/** Sync message, step 2, carrying `update` (its length first, as y-protocols writes it). */
function syncStep2(update) {
  const header = Uint8Array.from([0, 1, ...varUint(update.byteLength)]);
  const frame = new Uint8Array(header.byteLength + update.byteLength);
  frame.set(header, 0);
  frame.set(update, header.byteLength);
  return frame;
}

const STATE_FILE = process.env.BENCH_FLOOR_STATE;
const SYNC_STEP_2 = STATE_FILE === undefined || STATE_FILE === "" ? EMPTY_SYNC_STEP_2 : syncStep2(readFileSync(STATE_FILE));

/** @type {Map<string, Set<import("ws").WebSocket>>} */
const rooms = new Map();
const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });

const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("floor relay\n");
});

server.on("upgrade", (req, socket, head) => {
  const room = (req.url ?? "/").split("?")[0] ?? "/";
  wss.handleUpgrade(req, socket, head, (ws) => {
    let peers = rooms.get(room);
    if (peers === undefined) {
      peers = new Set();
      rooms.set(room, peers);
    }
    peers.add(ws);
    ws.on("message", (data, isBinary) => {
      if (!isBinary) return;
      const frame = /** @type {Buffer} */ (data);
      if (frame[0] === 0 && frame[1] === 0) {
        ws.send(SYNC_STEP_2);
        return;
      }
      for (const peer of peers) {
        if (peer !== ws && peer.readyState === peer.OPEN) peer.send(frame);
      }
    });
    ws.on("close", () => {
      peers.delete(ws);
      if (peers.size === 0) rooms.delete(room);
    });
    ws.on("error", (error) => process.stderr.write(`floor: socket error ${error.message}\n`));
  });
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`BENCH_READY ${typeof address === "object" && address !== null ? address.port : 0}\n`);
});

process.on("SIGTERM", () => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
});
