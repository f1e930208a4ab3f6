#!/usr/bin/env node
/**
 * The packages as a newcomer gets them (a step of `.ci/run`):
 *
 * 1. builds and packs `@taiku/server` and `@taiku/plugin-sdk` (`scripts/pack.mjs`);
 * 2. lints each with `publint` and `@arethetypeswrong/cli` (ES modules only:
 *    CommonJS `require` is not offered);
 * 3. installs both tarballs, with `typescript` and `@types/node`, into a new project in the
 *    system's temporary folder (no path back to the repository), then there:
 *    - `taiku --help` and `taiku --version` answer;
 *    - `taiku serve` starts, answers `/healthz`, serves the UI, the SDK
 *      bundle and the bundled plugins, and exits 0 on SIGTERM;
 *    - `taiku share` joins a session of that server as a host (listed by
 *      the server) and exits 0 on SIGINT;
 *    - a plugin's test imports `@taiku/plugin-sdk` and
 *      `@taiku/plugin-sdk/testing` and runs against `MockHost` in plain Node,
 *      its `sharedDoc()` being a document of the project's one copy of yjs;
 *    - `tsc --noEmit` checks a small TypeScript consumer of both packages
 *      against their declarations.
 *
 * Every step is bounded in time; any failure exits 1 naming it.
 *
 *   node scripts/check-packages.mjs [--skip-assets] [--keep]
 *
 * `--skip-assets` reuses the built client and SDK bundle; `--keep` leaves the
 * temporary project in place (its path is printed).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { packPackages } from "./pack.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const STEP_TIMEOUT_MS = 5 * 60_000;

function step(what) {
  console.log(`\ncheck-packages: ${what}`);
}

/** Runs a command to completion within the step timeout; throws on failure. Resolves with its output. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8", timeout: STEP_TIMEOUT_MS, stdio: ["ignore", "pipe", "pipe"], ...options });
  if (result.error) throw new Error(`${[command, ...args].join(" ")}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${[command, ...args].join(" ")} failed (exit ${result.status})\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Starts `taiku serve` in `project`; resolves once it prints its address, with the address and a stop function resolving with the exit code. */
function startServe(project, dataDir) {
  const child = spawn(path.join(project, "node_modules", ".bin", "taiku"), ["serve"], {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: project, HOST: "127.0.0.1", PORT: "0", TAIKU_DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? signal)));
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`taiku serve did not start within 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          base: match[1],
          output: () => output,
          stop: async () => {
            child.kill("SIGTERM");
            const forced = setTimeout(() => child.kill("SIGKILL"), 30_000);
            const code = await exited;
            clearTimeout(forced);
            return code;
          },
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`taiku serve exited (${code}) before it listened:\n${output}`));
    });
  });
}

async function post(url, body, token) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Signs a user up on `base`, creates a session and a host token, runs
 * `taiku share` there until the server lists it as a connected host, then
 * stops it with SIGINT (exit 0).
 */
async function shareInto(project, base) {
  await post(`${base}/api/users`, { name: "packager", password: "a long enough password" });
  const { token } = await post(`${base}/api/login`, { name: "packager", password: "a long enough password" });
  const { sessionId } = await post(`${base}/api/sessions`, { title: "from the tarball" }, token);
  const { token: hostToken } = await post(`${base}/api/sessions/${sessionId}/host-tokens`, { label: "check-packages" }, token);
  const child = spawn(path.join(project, "node_modules", ".bin", "taiku"), ["share", sessionId, "--server", base], {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: project, SHELL: "/bin/sh", TAIKU_HOST_TOKEN: hostToken },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk.toString()));
  child.stderr.on("data", (chunk) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? signal)));
  try {
    const deadline = Date.now() + 30_000;
    let hosts = [];
    // Both what the person sharing sees (the "Ctrl-C to stop" line, printed as it starts listening for Ctrl-C) and what the session sees.
    while (hosts.length === 0 || !/Ctrl-C to stop/.test(output)) {
      if (Date.now() > deadline) throw new Error(`taiku share never showed up as a host:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const listed = await fetch(`${base}/api/sessions/${sessionId}/host-tokens`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
      hosts = (await listed.json()).tokens.flatMap((t) => t.hosts);
    }
    console.log(`taiku share is connected (${hosts.length} host, ${hosts[0].shells.length} shell(s))`);
  } finally {
    child.kill("SIGINT");
    const forced = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await exited;
    clearTimeout(forced);
    check(code === 0, `taiku share exited ${code} on SIGINT:\n${output}`);
  }
}

async function get(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() };
}

const PLUGIN_TEST = `// A plugin's test, as a plugin author writes it against the published SDK.
import assert from "node:assert/strict";
import * as Y from "yjs";
import { TaikuPlugin, QuotaExceededError } from "@taiku/plugin-sdk";
import { MockHost } from "@taiku/plugin-sdk/testing";

assert.equal(typeof QuotaExceededError, "function");
const host = new MockHost({ data: { session: { title: "From the tarball" } } });
const plugin = await new TaikuPlugin().ready();
try {
  assert.equal((await plugin.getSession()).title, "From the tarball");
  const doc = await plugin.sharedDoc();
  assert.ok(doc instanceof Y.Doc, "sharedDoc() must be a document of the project's yjs, not of a copy inside the SDK");
  doc.getMap("kv").set("answer", 42);
  await host.settle();
  assert.equal(host.kv.get("answer"), 42);
} finally {
  plugin.close();
  host.dispose();
}
console.log("plugin test passed");
`;

const CONSUMER_TS = `import * as Y from "yjs";
import { TaikuPlugin, type SessionInfo, type TaikuPluginOptions } from "@taiku/plugin-sdk";
import { MockHost, type MockHostOptions } from "@taiku/plugin-sdk/testing";
import { createConfig, createTaikuServer, type TaikuConfig } from "@taiku/server";

const options: MockHostOptions = { data: { session: { title: "typed" } } };
const host = new MockHost(options);
const pluginOptions: TaikuPluginOptions = {};
const plugin: Promise<TaikuPlugin> = new TaikuPlugin(pluginOptions).ready();
export async function title(): Promise<string> {
  const session: SessionInfo = await (await plugin).getSession();
  const doc: Y.Doc = await (await plugin).sharedDoc();
  doc.getMap("kv").set("k", 1);
  host.dispose();
  return session.title;
}
const config: TaikuConfig = createConfig({ port: 0 });
export const server = createTaikuServer({ config });
// @ts-expect-error the port is a number
createConfig({ port: "7300" });
`;

async function main() {
  const { values } = parseArgs({ options: { "skip-assets": { type: "boolean", default: false }, keep: { type: "boolean", default: false } } });

  step("build and pack");
  const packed = await packPackages({ skipAssets: values["skip-assets"] });
  const version = JSON.parse(await readFile(path.join(packed.server.stage, "package.json"), "utf8")).version;

  for (const { stage, tarball } of Object.values(packed)) {
    step(`publint ${path.basename(stage)}`);
    console.log(run(process.execPath, [path.join(root, "node_modules", "publint", "src", "cli.js"), "--strict", stage]).trim());
    step(`arethetypeswrong ${path.basename(tarball)}`);
    console.log(run(path.join(root, "node_modules", ".bin", "attw"), [tarball, "--profile", "esm-only", "--format", "ascii"]).trim());
  }

  const project = await mkdtemp(path.join(os.tmpdir(), "taiku-packages-"));
  console.log(`\ncheck-packages: project in ${project}`);
  try {
    const versionOf = async (name) => JSON.parse(await readFile(path.join(root, "node_modules", name, "package.json"), "utf8")).version;
    const typescript = await versionOf("typescript");
    const typesNode = await versionOf("@types/node");
    await writeFile(path.join(project, "package.json"), `${JSON.stringify({ name: "taiku-consumer", private: true, type: "module" }, null, 2)}\n`);
    step("install the tarballs");
    run(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", packed.server.tarball, packed.sdk.tarball, `typescript@${typescript}`, `@types/node@${typesNode}`], { cwd: project });

    step("taiku --help and --version");
    const taiku = path.join(project, "node_modules", ".bin", "taiku");
    check(/taiku serve/.test(run(taiku, ["--help"], { cwd: project })), "taiku --help does not list taiku serve");
    check(run(taiku, ["--version"], { cwd: project }).trim() === version, `taiku --version does not print ${version}`);

    step("taiku serve");
    const served = await startServe(project, path.join(project, "data"));
    try {
      const health = await get(`${served.base}/healthz`);
      check(health.status === 200, `/healthz answered ${health.status}: ${health.body}`);
      const page = await get(`${served.base}/`);
      check(page.status === 200 && page.type.startsWith("text/html") && /<script type="module"/.test(page.body), `/ does not serve the UI (${page.status} ${page.type})`);
      const sdk = await get(`${served.base}/sdk/plugin-sdk.js`);
      check(sdk.status === 200 && sdk.type.includes("javascript"), `/sdk/plugin-sdk.js answered ${sdk.status}`);
      const manifest = await get(`${served.base}/plugins/manifest.json`);
      const ids = manifest.status === 200 ? JSON.parse(manifest.body).plugins.map((p) => p.id) : [];
      check(["hello", "notes"].every((id) => ids.includes(id)), `the bundled plugins are not served: ${manifest.status} ${manifest.body.slice(0, 300)}`);
      const hello = await get(`${served.base}/plugins/hello/index.html`);
      check(hello.status === 200, `/plugins/hello/index.html answered ${hello.status}`);

      step("taiku share into a session of that server");
      await shareInto(project, served.base);
    } finally {
      const code = await served.stop();
      check(code === 0, `taiku serve exited ${code} on SIGTERM:\n${served.output()}`);
    }

    step("a plugin's test against MockHost, in plain Node");
    await writeFile(path.join(project, "plugin.test.js"), PLUGIN_TEST);
    console.log(run(process.execPath, ["plugin.test.js"], { cwd: project }).trim());

    step("tsc --noEmit on a TypeScript consumer");
    await writeFile(path.join(project, "consumer.ts"), CONSUMER_TS);
    const tsconfig = { compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: false, types: ["node"] }, files: ["consumer.ts"] };
    await writeFile(path.join(project, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
    run(process.execPath, [path.join(project, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: project });
  } finally {
    if (values.keep) console.log(`check-packages: kept ${project}`);
    else await rm(project, { recursive: true, force: true });
  }
  console.log("\ncheck-packages: the packages install and run");
}

main().catch((error) => {
  console.error(`\ncheck-packages: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
