/**
 * Builds what the browser tests serve: the client (served at `/`) and the
 * plugin SDK as one ES module (served at `/sdk/plugin-sdk.js`, built by
 * `sdk/scripts/build.mjs` as `npm start` builds it), both into a temp folder
 * of this process, so test files running in parallel never overwrite each
 * other's build. Built once per process.
 */
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "vite";

/** The repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

let built: Promise<{ clientDir: string; sdkBundlePath: string }> | undefined;

async function buildAll(): Promise<{ clientDir: string; sdkBundlePath: string }> {
  const clientRoot = path.join(REPO_ROOT, "client");
  const outDir = await mkdtemp(path.join(os.tmpdir(), "taiku-client-"));
  await build({ root: clientRoot, configFile: path.join(clientRoot, "vite.config.ts"), logLevel: "error", build: { outDir, emptyOutDir: true } });
  const sdkDir = await mkdtemp(path.join(os.tmpdir(), "taiku-sdk-"));
  const { buildPluginSdk }: { buildPluginSdk(options: { outFile: string }): Promise<string> } = await import(
    pathToFileURL(path.join(REPO_ROOT, "sdk", "scripts", "build.mjs")).href
  );
  const sdkBundlePath = await buildPluginSdk({ outFile: path.join(sdkDir, "plugin-sdk.js") });
  return { clientDir: outDir, sdkBundlePath };
}

/** Builds the client and the SDK bundle (once) and returns where they are. */
export function buildArtifacts(): Promise<{ clientDir: string; sdkBundlePath: string }> {
  built ??= buildAll();
  return built;
}
