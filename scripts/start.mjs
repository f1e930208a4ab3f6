#!/usr/bin/env node
// `npm start`: builds the client, the plugin SDK bundle and the server's
// JavaScript (so none of them lags behind the sources), then runs `taiku serve`
// from that build; if the server build failed, from the sources through tsx.
// HOST, PORT, TAIKU_DATA_DIR and LOG_LEVEL pass through.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Runs a build step; a failure is reported, and the server starts anyway. Returns whether it succeeded. */
function build(what, command, args) {
  console.log(`taiku: building ${what} (${[command, ...args].join(" ")})`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.error) console.error(`taiku: could not build ${what}: ${result.error.message}`);
  else if (result.status !== 0) console.error(`taiku: building ${what} failed (exit ${result.status}); starting without it`);
  return !result.error && result.status === 0;
}

if (existsSync(path.join(root, "client", "package.json"))) {
  build("the client", npm, ["run", "build", "-w", "@taiku/client"]);
} else {
  console.log("taiku: no client/ package yet; the server will say the client is not built");
}

const sdkBuild = path.join(root, "sdk", "scripts", "build.mjs");
if (existsSync(sdkBuild)) build("the plugin SDK bundle", process.execPath, [sdkBuild]);
else console.log("taiku: no SDK build script yet; /sdk/plugin-sdk.js will answer 503");

const built = build("the server", process.execPath, [path.join(root, "scripts", "build-server.mjs")]);
let runCli;
if (built) {
  process.setSourceMapsEnabled(true);
  ({ runCli } = await import("../server/dist/index.mjs"));
} else {
  console.error("taiku: running the server from its sources instead");
  const { register } = await import("tsx/esm/api");
  register();
  ({ runCli } = await import("../server/src/cli.ts"));
}
process.exitCode = await runCli(["serve"]);
