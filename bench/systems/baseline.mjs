/**
 * The baseline: `@y/websocket-server`'s `setupWSConnection` on a plain HTTP
 * server, with its own `y-leveldb` persistence switched on exactly as its
 * bundled server does it (the `YPERSISTENCE` environment variable, read when
 * its `utils` module loads). No authentication, no quota.
 *
 * Uses the `ws` version the package itself depends on, as it ships.
 *
 * Run as a child process by the benchmark harness with `BENCH_DATA_DIR` set:
 * listens on `HOST` (127.0.0.1) and `PORT` (0 picks a free one), prints
 * `BENCH_READY <port>`, and on SIGTERM closes its LevelDB and exits.
 */
import http from "node:http";
import { createRequire } from "node:module";
import { answerHeapProbes } from "./heapProbe.mjs";

answerHeapProbes();

// The ws the package itself depends on (its own nested copy), not the one the rest of the tree uses.
const WebSocket = createRequire(createRequire(import.meta.url).resolve("@y/websocket-server/utils"))("ws");

process.env.YPERSISTENCE = process.env.BENCH_DATA_DIR ?? "./baseline-db";
const { setupWSConnection, getPersistence } = await import("@y/websocket-server/utils");

const wss = new WebSocket.Server({ noServer: true });
wss.on("connection", setupWSConnection);

const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("okay");
});

server.on("upgrade", (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`BENCH_READY ${typeof address === "object" && address !== null ? address.port : 0}\n`);
});

process.on("SIGTERM", () => {
  for (const ws of wss.clients) ws.terminate();
  server.close();
  const persistence = getPersistence();
  const closing = persistence === null ? Promise.resolve() : persistence.provider.destroy();
  closing.then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`baseline: closing LevelDB failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
