#!/usr/bin/env node
/**
 * Builds the server as plain JavaScript: `server/dist/index.mjs`, one ES
 * module holding `server/src/index.ts` and everything it imports from the
 * server and the engine, with every npm package left as an import (they
 * resolve from `server/`, as the sources' do). `npm start` and the
 * benchmarks run this build, so the running server carries no TypeScript
 * loader; the tests and the `taiku` command run the sources.
 *
 * `import.meta.url` keeps naming each source file, so every path the server
 * derives from its own location (the repository root, the bundled plugins)
 * is the same as when the sources run (which also makes the build one of
 * this checkout: it is made again on every `npm start` and benchmark run).
 *
 *   node scripts/build-server.mjs [outFile]
 *
 * `buildServer({ outFile })` does the same from code and resolves with the
 * output path.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The built server. */
export const SERVER_BUILD = path.join(root, "server", "dist", "index.mjs");

/** Workspace packages are bundled from their TypeScript; every other bare import stays one. */
const sourcesOnly = {
  name: "taiku-sources",
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@taiku/") ? undefined : { path: args.path, external: true }));
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      return { contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" };
    });
  },
};

/** Bundles the server into `outFile` (default {@link SERVER_BUILD}). */
export async function buildServer({ outFile = SERVER_BUILD } = {}) {
  await build({
    entryPoints: [path.join(root, "server", "src", "index.ts")],
    outfile: outFile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
    plugins: [sourcesOnly],
  });
  return outFile;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const written = await buildServer(process.argv[2] === undefined ? {} : { outFile: path.resolve(process.argv[2]) });
  console.log(`wrote ${path.relative(process.cwd(), written)}`);
}
