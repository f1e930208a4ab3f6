/**
 * taiku's real server as a benchmark child process: the full HTTP side
 * (users, tokens, sessions, membership checks on every sync upgrade) and the
 * relay with its quota arbiter and persist-before-broadcast LevelDB store.
 * It runs the server's JavaScript build (`scripts/build-server.mjs`, made by
 * the harness before the first start), as `npm start` does: no TypeScript
 * loader in the process, like the other systems.
 *
 * Configured like `taiku serve` from the environment (`HOST`, `PORT`,
 * `TAIKU_DATA_DIR`, `LOG_LEVEL`, …); prints `BENCH_READY <port>` once
 * listening and closes gracefully (flushing) on SIGTERM.
 */
import { createTaikuServer, loadConfig } from "../../server/dist/index.mjs";
import { answerHeapProbes } from "./heapProbe.mjs";

answerHeapProbes();

process.setSourceMapsEnabled(true);
const server = await createTaikuServer({ config: loadConfig(process.env) });
const { port } = await server.listen();
process.stdout.write(`BENCH_READY ${port}\n`);

process.on("SIGTERM", () => {
  server.close().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`taiku: close failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
