/**
 * A browser test's server as its own process: the real taiku server on
 * LevelDB, configured from the environment like `taiku serve` (`HOST`,
 * `PORT`, `TAIKU_DATA_DIR`, …), serving the client and SDK bundle this test
 * run built (`TAIKU_E2E_CLIENT_DIR`, `TAIKU_E2E_SDK_BUNDLE`, see
 * `buildArtifacts`). Run it with `startServerProcess({ args: ["--import",
 * "tsx", <this file>] })`, so a test can kill the server and start it again
 * over the same data.
 */
import { loadConfig } from "../../../server/src/config";
import { createTaikuServer } from "../../../server/src/createTaikuServer";

const clientDir = process.env.TAIKU_E2E_CLIENT_DIR;
const sdkBundlePath = process.env.TAIKU_E2E_SDK_BUNDLE;
if (clientDir === undefined || sdkBundlePath === undefined) {
  throw new Error("TAIKU_E2E_CLIENT_DIR and TAIKU_E2E_SDK_BUNDLE must name the built client and SDK bundle");
}
const server = await createTaikuServer({ config: { ...loadConfig(), clientDir, sdkBundlePath } });
await server.listen();
process.once("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
