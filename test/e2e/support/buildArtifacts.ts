/**
 * Builds what the browser tests serve: the client (served at `/`) and the
 * plugin SDK as one ES module (served at `/sdk/plugin-sdk.js`), both into a
 * temp folder of this process, so test files running in parallel never
 * overwrite each other's build. Built once per process.
 */
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

/** The repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

let built: Promise<{ clientDir: string; sdkBundlePath: string }> | undefined;

async function buildAll(): Promise<{ clientDir: string; sdkBundlePath: string }> {
  const clientRoot = path.join(REPO_ROOT, "client");
  const outDir = await mkdtemp(path.join(os.tmpdir(), "taiku-client-"));
  await build({ root: clientRoot, configFile: path.join(clientRoot, "vite.config.ts"), logLevel: "error", build: { outDir, emptyOutDir: true } });
  const sdkDir = await mkdtemp(path.join(os.tmpdir(), "taiku-sdk-"));
  await build({
    configFile: false,
    logLevel: "error",
    build: {
      outDir: sdkDir,
      emptyOutDir: true,
      target: "es2022",
      minify: false,
      lib: { entry: path.join(REPO_ROOT, "sdk", "src", "index.ts"), formats: ["es"], fileName: () => "plugin-sdk.js" },
    },
  });
  return { clientDir: outDir, sdkBundlePath: path.join(sdkDir, "plugin-sdk.js") };
}

/** Builds the client and the SDK bundle (once) and returns where they are. */
export function buildArtifacts(): Promise<{ clientDir: string; sdkBundlePath: string }> {
  built ??= buildAll();
  return built;
}
