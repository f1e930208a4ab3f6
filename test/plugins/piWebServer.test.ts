/**
 * Pi Web modules through the whole server: the seed's troubleshooting
 * `curl` commands, run as written against a real server; the session KV
 * document of a module id admitted by the relay like a sandboxed plugin's
 * (the trusted module shares state through `context.taiku`); and no upload
 * route placing a file where discovery would load it as a module.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CloseCode } from "@taiku/engine";

/** y-protocols' sync message type, the first byte of every sync frame. */
const MESSAGE_SYNC = 0;
import { createConfig } from "../../server/src/config";
import { createTaikuServer, type TaikuServer } from "../../server/src/createTaikuServer";

const run = promisify(execFile);
const MODULE = 'export default { apiVersion: 1, name: "My Plugin", activate: () => ({ contributions: { actions: [] } }) };\n';

let base: string;
let dataDir: string;
let server: TaikuServer;
let origin: string;

/** Runs one line of the seed's troubleshooting section, with taiku's address in place of Pi Web's. */
async function seedCurl(line: string): Promise<string> {
  const args = line.replace("http://127.0.0.1:8504", origin).split(" ").slice(1);
  const { stdout } = await run("curl", ["--silent", "--show-error", "--fail", ...args]);
  return stdout;
}

beforeAll(async () => {
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), "taiku-piweb-")));
  dataDir = path.join(base, "data");
  const bundled = path.join(base, "bundled");
  const clientDir = path.join(base, "client");
  await mkdir(path.join(dataDir, "plugins"), { recursive: true });
  await mkdir(bundled, { recursive: true });
  await mkdir(clientDir, { recursive: true });
  await writeFile(path.join(clientDir, "index.html"), "<!doctype html><title>the app</title>");
  // The seed's workflow: a plugin folder somewhere, symlinked into the local plugins folder.
  const source = path.join(base, "work", "my-plugin");
  await mkdir(source, { recursive: true });
  await writeFile(path.join(source, "package.json"), JSON.stringify({ private: true, piWeb: { plugins: [{ id: "my-plugin", module: "pi-web-plugin.js" }] } }));
  await writeFile(path.join(source, "pi-web-plugin.js"), MODULE);
  await symlink(source, path.join(dataDir, "plugins", "my-plugin"));
  const config = createConfig({ host: "127.0.0.1", port: 0, dataDir, bundledPluginsDir: bundled, clientDir, logLevel: "silent" });
  server = await createTaikuServer({ config });
  const { port } = await server.listen();
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server?.close();
  await rm(base, { recursive: true, force: true });
});

describe("the Pi Web troubleshooting steps work as written", () => {
  it("curl http://127.0.0.1:8504/pi-web-plugins/manifest.json lists the symlinked plugin", async () => {
    const manifest = JSON.parse(await seedCurl("curl http://127.0.0.1:8504/pi-web-plugins/manifest.json")) as { plugins: unknown[]; errors: unknown[] };
    expect(manifest).toEqual({
      plugins: [{ id: "my-plugin", module: expect.stringMatching(/^\/pi-web-plugins\/my-plugin\/pi-web-plugin\.js\?v=\d+$/), source: "local", scope: "local" }],
      errors: [],
    });
  });

  it("curl http://127.0.0.1:8504/pi-web-plugins/my-plugin/pi-web-plugin.js prints the module", async () => {
    expect(await seedCurl("curl http://127.0.0.1:8504/pi-web-plugins/my-plugin/pi-web-plugin.js")).toBe(MODULE);
  });

  it("a path under /pi-web-plugins/ that names no file is a 404, never the app's page", async () => {
    for (const route of ["/pi-web-plugins/", "/pi-web-plugins/my-plugin", "/pi-web-plugins/nope/pi-web-plugin.js"]) {
      const response = await fetch(origin + route);
      expect(response.status, route).toBeGreaterThanOrEqual(400);
      expect(await response.text(), route).not.toContain("the app");
    }
  });
});

/** One JSON API call. */
async function call(method: string, route: string, token?: string, body?: unknown): Promise<any> {
  const response = await fetch(origin + route, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

/** Signs a new user up and in; their token. */
async function signUp(name: string): Promise<string> {
  await call("POST", "/api/users", undefined, { name, password: "long password" });
  return ((await call("POST", "/api/login", undefined, { name, password: "long password" })) as { token: string }).token;
}

describe("a module's session KV", () => {
  /** "synced" when the relay opens `doc` (it sends a sync message), else the close code it refuses with. */
  const outcomeOf = (doc: string, token: string) =>
    new Promise<"synced" | number>((resolve) => {
      const ws = new WebSocket(`${origin.replace("http", "ws")}/sync/${doc}?token=${token}`);
      ws.on("message", (data: Buffer) => {
        if (data[0] !== MESSAGE_SYNC) return;
        ws.close();
        resolve("synced");
      });
      ws.on("close", (code) => resolve(code));
    });

  it("is admitted by the relay for an installed module's id, and refused for an id nothing provides", async () => {
    const token = await signUp("member");
    const { sessionId } = await call("POST", "/api/sessions", token, { title: "modules" });
    expect(await outcomeOf(`sessions/${sessionId}/kv/my-plugin`, token)).toBe("synced");
    expect(await outcomeOf(`sessions/${sessionId}/kv/not-installed`, token)).toBe(CloseCode.DocumentNotFound);
  });
});

describe("modules load only from the operator's folders", () => {
  it("a file a member uploads, whatever its name, never lands in a plugins folder nor becomes a module", async () => {
    const token = await signUp("uploader");
    const before = await readdir(path.join(dataDir, "plugins"));
    const put = (pluginId: string, name: string, body: string) =>
      fetch(`${origin}/api/plugin-files/${pluginId}/${name}`, { method: "PUT", headers: { authorization: `Bearer ${token}` }, body });
    const packageJson = JSON.stringify({ piWeb: { plugins: [{ id: "evil", module: "pi-web-plugin.js" }] } });
    // Plain names are stored as the member's plugin files, away from every plugin folder.
    expect((await put("my-plugin", "package.json", packageJson)).status).toBe(200);
    expect((await put("my-plugin", "pi-web-plugin.js", MODULE)).status).toBe(200);
    // Names that try to climb into the plugins folder are refused.
    for (const name of ["..%2F..%2F..%2Fplugins%2Fevil%2Fpackage.json", "%2E%2E%2Fplugins", "..%5Cplugins%5Cevil.js"]) {
      const response = await put("my-plugin", name, packageJson);
      expect(response.status, name).toBeGreaterThanOrEqual(400);
      expect(response.status, name).toBeLessThan(500);
    }
    expect(await readdir(path.join(dataDir, "plugins"))).toEqual(before);
    const manifest = (await (await fetch(`${origin}/pi-web-plugins/manifest.json`)).json()) as { plugins: Array<{ id: string }> };
    expect(manifest.plugins.map((p) => p.id)).toEqual(["my-plugin"]);
    expect((await fetch(`${origin}/pi-web-plugins/evil/pi-web-plugin.js`)).status).toBe(404);
  });
});
