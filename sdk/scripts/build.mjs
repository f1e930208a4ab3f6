/**
 * Builds the SDK as one ES module for plugins that are plain HTML and JS:
 * `sdk/dist/plugin-sdk.js`, with the engine's protocol module and yjs
 * bundled in. The server serves it at `/sdk/plugin-sdk.js`.
 *
 *   node sdk/scripts/build.mjs [outFile]
 *
 * `buildPluginSdk({ outFile })` does the same from code and resolves with
 * the output path.
 */
import { build } from "esbuild";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const sdkRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Default output file. */
export const PLUGIN_SDK_FILE = resolve(sdkRoot, "dist/plugin-sdk.js");

/** Bundles `sdk/src/bundle.ts` (the SDK plus `Y`) into one minified ES module at `outFile`. */
export async function buildPluginSdk({ outFile = PLUGIN_SDK_FILE } = {}) {
  await build({
    entryPoints: [resolve(sdkRoot, "src/bundle.ts")],
    outfile: outFile,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    banner: { js: "/* @taiku/plugin-sdk — see docs/plugins/building.md */" },
  });
  return outFile;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const written = await buildPluginSdk(process.argv[2] === undefined ? {} : { outFile: resolve(process.argv[2]) });
  console.log(`wrote ${written}`);
}
