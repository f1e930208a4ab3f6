#!/usr/bin/env node
/**
 * Builds the two published packages and packs them into tarballs:
 *
 * - `@taiku/plugin-sdk`: `dist/index.js` and `dist/testing/index.js` with their
 *   declarations; the engine is bundled in, `yjs` stays a peer import.
 * - `@taiku/server`: `dist/index.js` with declarations, the `taiku` command
 *   (`bin/taiku.js`), and in `assets/` the built client, the plugin SDK
 *   bundle (`/sdk/plugin-sdk.js`) and the bundled plugins, so `taiku serve`
 *   from the tarball serves the UI (see `assetPaths` in `server/src/config.ts`).
 *
 * The workspace `package.json` files point at TypeScript sources for the
 * repository's own tests and tools; each published `package.json` is
 * derived from its workspace one here: `exports` name the build, the engine
 * (never published) is bundled rather than depended on, and the
 * dependencies are exactly the bare imports the build left, each of which
 * must be declared in the workspace `package.json` (a missing one fails the
 * build, naming it).
 *
 *   node scripts/pack.mjs [--out DIR] [--skip-assets]
 *
 * writes `DIR/stage/{plugin-sdk,server}` and `DIR/*.tgz` (default `dist/pack`).
 * `--skip-assets` reuses a client and SDK bundle built before.
 * `packPackages({ outDir })` does the same from code and resolves with the
 * stage folders and tarball paths.
 */
import { spawnSync } from "node:child_process";
import { builtinModules } from "node:module";
import { chmod, cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The default output folder. */
export const PACK_DIR = path.join(root, "dist", "pack");

/** Bare specifiers that stay imports in a build: every package except the workspace ones, which are bundled. */
const EXTERNAL = /^(?!@taiku\/)[^./]/;

/** `@taiku/engine` resolves to its sources for the declaration build, as for the bundle (not as a library in node_modules, which tsc would not emit). */
const DTS = { compilerOptions: { paths: { "@taiku/engine": ["./engine/src/index.ts"], "@taiku/engine/*": ["./engine/src/*.ts"] } } };

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${[command, ...args].join(" ")} failed (exit ${result.status})`);
  return result;
}

async function readJson(file) {
  return JSON.parse(await readFile(file, "utf8"));
}

/** The package a bare specifier names (`@scope/name` or `name`). */
function packageOf(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The packages the built `.js` files in `dir` import (not Node's built-ins, not relative files). */
export async function importedPackages(dir) {
  const found = new Set();
  const builtins = new Set(builtinModules);
  for (const name of await readdir(dir, { recursive: true })) {
    if (!name.endsWith(".js")) continue;
    const code = await readFile(path.join(dir, name), "utf8");
    for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)) {
      const specifier = match[1];
      if (specifier.startsWith(".") || specifier.startsWith("node:") || builtins.has(specifier)) continue;
      found.add(packageOf(specifier));
    }
  }
  return [...found].sort();
}

/** The packages the built `.d.ts` files in `dir` import. */
async function typeImports(dir) {
  const found = new Set();
  for (const name of await readdir(dir, { recursive: true })) {
    if (!name.endsWith(".d.ts")) continue;
    const code = await readFile(path.join(dir, name), "utf8");
    for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"'.][^"']*)["']/g)) {
      if (!match[1].startsWith("node:")) found.add(packageOf(match[1]));
    }
  }
  return [...found].sort();
}

/** The version range `source` declares for `name` in `fields`; throws naming an undeclared one. */
function declaredRange(source, fields, name, what) {
  for (const field of fields) {
    const range = source[field]?.[name];
    if (range !== undefined) return range;
  }
  throw new Error(`${source.name}: its build imports ${name} (${what}), which its package.json does not declare in ${fields.join(" or ")}`);
}

async function bundle(options) {
  const { build } = await import("tsdown");
  await build({
    config: false,
    cwd: root,
    tsconfig: path.join(root, "tsconfig.json"),
    format: "esm",
    fixedExtension: false,
    sourcemap: false,
    dts: DTS,
    deps: { neverBundle: EXTERNAL, alwaysBundle: [/^@taiku\//] },
    clean: true,
    logLevel: "warn",
    checks: { pluginTimings: false },
    ...options,
  });
}

/** Builds `@taiku/plugin-sdk` into `stage` (its `dist/`, `package.json`, README and licence). */
export async function stagePluginSdk(stage) {
  const source = await readJson(path.join(root, "sdk", "package.json"));
  await bundle({
    entry: { index: path.join(root, "sdk/src/index.ts"), "testing/index": path.join(root, "sdk/src/testing/index.ts") },
    outDir: path.join(stage, "dist"),
    platform: "neutral",
    target: "es2022",
  });
  const dist = path.join(stage, "dist");
  const peers = {};
  const dependencies = {};
  for (const name of [...new Set([...(await importedPackages(dist)), ...(await typeImports(dist))])]) {
    if (source.peerDependencies?.[name] !== undefined) peers[name] = source.peerDependencies[name];
    else dependencies[name] = declaredRange(source, ["dependencies"], name, "at run time");
  }
  const manifest = {
    name: source.name,
    version: source.version,
    description: source.description,
    license: "MIT",
    type: "module",
    sideEffects: false,
    engines: { node: ">=20" },
    exports: {
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./testing": { types: "./dist/testing/index.d.ts", default: "./dist/testing/index.js" },
      "./package.json": "./package.json",
    },
    types: "./dist/index.d.ts",
    files: ["dist"],
    ...(Object.keys(dependencies).length > 0 ? { dependencies } : {}),
    peerDependencies: peers,
  };
  await writeFile(path.join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await cp(path.join(root, "sdk", "README.md"), path.join(stage, "README.md"));
  await cp(path.join(root, "LICENSE"), path.join(stage, "LICENSE"));
}

/** Copies one bundled plugin's files (its package.json and everything it may serve, not its tests or installed dependencies). */
async function copyPlugin(from, to) {
  await cp(from, to, {
    recursive: true,
    filter: (file) => {
      const name = path.basename(file);
      return name !== "node_modules" && !/\.test\.[cm]?[jt]sx?$/.test(name);
    },
  });
}

/** Builds `@taiku/server` into `stage`. */
async function stageServer(stage) {
  const source = await readJson(path.join(root, "server", "package.json"));
  const engine = await readJson(path.join(root, "engine", "package.json"));
  await bundle({
    entry: { index: path.join(root, "server/src/index.ts") },
    outDir: path.join(stage, "dist"),
    platform: "node",
    target: "node20",
  });
  const dist = path.join(stage, "dist");
  const dependencies = {};
  for (const name of await importedPackages(dist)) dependencies[name] = declaredRange(source, ["dependencies"], name, "at run time");
  for (const name of await typeImports(dist)) {
    if (dependencies[name] === undefined) dependencies[name] = declaredRange(source, ["dependencies"], name, "in its declarations");
  }
  // Packages whose types live in `@types/…` (koa, which @koa/router's declarations import): declared by the workspace, published too.
  for (const name of Object.keys(dependencies)) {
    const types = `@types/${name.replace(/^@/, "").replace("/", "__")}`;
    if (source.dependencies?.[types] !== undefined) dependencies[types] = source.dependencies[types];
  }
  // The engine's own dependencies are the server's too once the engine is bundled in.
  for (const name of Object.keys(engine.dependencies ?? {})) {
    if (dependencies[name] !== undefined && source.dependencies?.[name] === undefined) throw new Error(`@taiku/server must declare ${name} (the engine uses it)`);
  }

  const bin = path.join(stage, "bin", "taiku.js");
  await mkdir(path.dirname(bin), { recursive: true });
  await writeFile(bin, '#!/usr/bin/env node\n// The `taiku` command.\nimport { runCli } from "../dist/index.js";\n\nprocess.exitCode = await runCli(process.argv.slice(2));\n');
  await chmod(bin, 0o755);

  const assets = path.join(stage, "assets");
  const clientDist = path.join(root, "client", "dist");
  const sdkBundle = path.join(root, "sdk", "dist", "plugin-sdk.js");
  for (const [what, file] of [["the client", path.join(clientDist, "index.html")], ["the plugin SDK bundle", sdkBundle]]) {
    if (!existsSync(file)) throw new Error(`${what} is not built (${path.relative(root, file)} is missing)`);
  }
  await cp(clientDist, path.join(assets, "client"), { recursive: true });
  await mkdir(path.join(assets, "sdk"), { recursive: true });
  await cp(sdkBundle, path.join(assets, "sdk", "plugin-sdk.js"));
  for (const entry of await readdir(path.join(root, "plugins"), { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(path.join(root, "plugins", entry.name, "package.json"))) {
      await copyPlugin(path.join(root, "plugins", entry.name), path.join(assets, "plugins", entry.name));
    }
  }

  const manifest = {
    name: source.name,
    version: source.version,
    description: source.description,
    license: "MIT",
    type: "module",
    engines: { node: ">=20.19" },
    exports: {
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./package.json": "./package.json",
    },
    types: "./dist/index.d.ts",
    bin: { taiku: "bin/taiku.js" },
    files: ["dist", "bin", "assets"],
    dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))),
  };
  await writeFile(path.join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await cp(path.join(root, "server", "README.md"), path.join(stage, "README.md"));
  await cp(path.join(root, "LICENSE"), path.join(stage, "LICENSE"));
}

/** Runs `npm pack` in `stage`; resolves with the tarball's path. */
function npmPack(stage, outDir) {
  const result = spawnSync(npm, ["pack", "--json", "--pack-destination", outDir], { cwd: stage, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (result.status !== 0) throw new Error(`npm pack in ${stage} failed (exit ${result.status})`);
  const [packed] = JSON.parse(result.stdout);
  return path.join(outDir, packed.filename);
}

/** Builds both packages and packs them; resolves with `{ sdk, server }`, each `{ stage, tarball }`. */
export async function packPackages({ outDir = PACK_DIR, skipAssets = false } = {}) {
  if (!skipAssets) {
    run(npm, ["run", "build", "-w", "@taiku/client"]);
    run(process.execPath, [path.join(root, "sdk", "scripts", "build.mjs")]);
  }
  await rm(outDir, { recursive: true, force: true });
  const sdkStage = path.join(outDir, "stage", "plugin-sdk");
  const serverStage = path.join(outDir, "stage", "server");
  await stagePluginSdk(sdkStage);
  await stageServer(serverStage);
  return {
    sdk: { stage: sdkStage, tarball: npmPack(sdkStage, outDir) },
    server: { stage: serverStage, tarball: npmPack(serverStage, outDir) },
  };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: "string" }, "skip-assets": { type: "boolean", default: false } } });
  const packed = await packPackages({ outDir: values.out === undefined ? PACK_DIR : path.resolve(values.out), skipAssets: values["skip-assets"] });
  for (const { tarball } of Object.values(packed)) console.log(`packed ${path.relative(process.cwd(), tarball)}`);
}
