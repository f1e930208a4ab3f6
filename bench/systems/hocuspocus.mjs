/**
 * A second peer system: `@hocuspocus/server` 4.x with its SQLite persistence
 * (`@hocuspocus/extension-sqlite`), configured as its users set it up for a
 * durable server: a database file, the default store debounce (2 s, at most
 * 10 s), documents unloaded when their last connection closes. No
 * authentication, no quota. It speaks its own protocol (every frame carries
 * the document name), so only its own provider, or a client framing
 * messages the same way, can talk to it.
 *
 * Run as a child process by the benchmark harness with `BENCH_DATA_DIR` set:
 * listens on `HOST` (127.0.0.1) and `PORT` (0 picks a free one), prints
 * `BENCH_READY <port>`, and on SIGTERM stores every loaded document and
 * exits.
 */
import path from "node:path";
import { Server } from "@hocuspocus/server";
import { SQLite } from "@hocuspocus/extension-sqlite";
import { answerHeapProbes } from "./heapProbe.mjs";

answerHeapProbes();

const database = path.join(process.env.BENCH_DATA_DIR ?? ".", "hocuspocus.sqlite");

const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: process.env.HOST ?? "127.0.0.1",
  quiet: true,
  stopOnSignals: false,
  extensions: [new SQLite({ database })],
});

await server.listen();
process.stdout.write(`BENCH_READY ${server.address.port}\n`);

process.on("SIGTERM", () => {
  server.destroy().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`hocuspocus: shutting down failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
