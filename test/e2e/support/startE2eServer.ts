/**
 * Starts the real taiku server for browser tests: LevelDB in a fresh temp
 * data directory, port 0 on 127.0.0.1, silent logs, the freshly built
 * client and SDK, and any fixture plugins installed as local plugins.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createConfig, type TaikuLimits } from "../../../server/src/config";
import { createTaikuServer } from "../../../server/src/createTaikuServer";
import { buildArtifacts } from "./buildArtifacts";

/** A running server. */
export interface E2eServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The server's `TAIKU_DATA_DIR` (local plugins live in its `plugins/`). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts a server; `localPlugins` are folders copied into
 * `$TAIKU_DATA_DIR/plugins/`; `limits` override the server's limits (e.g.
 * plugin file limits).
 */
export async function startE2eServer(localPlugins: readonly string[] = [], limits: Partial<TaikuLimits> = {}): Promise<E2eServer> {
  const { clientDir, sdkBundlePath } = await buildArtifacts();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "taiku-e2e-"));
  for (const folder of localPlugins) {
    await cp(folder, path.join(dataDir, "plugins", path.basename(folder)), { recursive: true });
  }
  const server = await createTaikuServer({
    config: createConfig({
      host: "127.0.0.1",
      port: 0,
      dataDir,
      logLevel: process.env.LOG_LEVEL ?? "silent",
      clientDir,
      sdkBundlePath,
      limits: { rateBurst: 1000, ratePerSecond: 200, ...limits },
    }),
  });
  const { port } = await server.listen();
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
