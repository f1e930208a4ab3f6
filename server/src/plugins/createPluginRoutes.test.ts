import { mkdir, rm, symlink, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPluginRoutes } from "./createPluginRoutes";
import type { PluginManifestResponse } from "./pluginManifestResponse";
import {
  copyHelloPlugin,
  createPluginSandbox,
  pluginPackage,
  rawGet,
  startApp,
  writePackage,
  type PluginSandbox,
  type RawResponse,
  type RunningApp,
} from "./pluginFixtures";

const SECRET = `TOP-SECRET-${process.pid}-${Date.now()}`;
let sandbox: PluginSandbox;
let app: RunningApp;
/** Every response any test received; none may ever carry the secret. */
const seen: RawResponse[] = [];

const get = async (rawPath: string, headers: Record<string, string> = {}) => {
  const response = await rawGet(app.port, rawPath, headers);
  seen.push(response);
  return response;
};
const manifest = async () => JSON.parse((await get("/plugins/manifest.json")).body) as PluginManifestResponse;

beforeAll(async () => {
  sandbox = await createPluginSandbox();
  const { base, bundledDir, dataDir, elsewhere } = sandbox;
  const local = path.join(dataDir, "plugins");
  await writeFile(path.join(base, "secret.txt"), SECRET);
  await writeFile(path.join(base, "package.json"), JSON.stringify({ secret: SECRET }));
  const hello = await copyHelloPlugin(bundledDir);
  // Escape hatches planted inside the package: a file link and a folder link pointing out.
  await symlink(path.join(base, "secret.txt"), path.join(hello, "leak.txt"));
  await symlink(base, path.join(hello, "leakdir"));
  await writeFile(path.join(hello, ".env"), SECRET);
  await writePackage(path.join(bundledDir, "assets"), pluginPackage("@test/assets", "assets", { network: ["https://api.example.com"] }), {
    "index.html": "<!doctype html><title>assets</title>",
    "app.js": "export const x = 1;",
    "lib.mjs": "export default 2;",
    "style.css": "body{}",
    "data.json": "{}",
    "icon.svg": "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    "img.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    "mod.wasm": new Uint8Array([0, 0x61, 0x73, 0x6d]),
    "app.js.map": "{}",
    "nested/deep/page.html": "<!doctype html><p>deep</p>",
    "blob.bin": "x",
  });
  // Local plugins: one symlinked in from elsewhere, one real folder.
  await writePackage(path.join(elsewhere, "linked"), pluginPackage("@test/linked", "linked"));
  await symlink(path.join(elsewhere, "linked"), path.join(local, "linked"));
  await writePackage(path.join(local, "real"), pluginPackage("@test/real", "real", { entry: "./ui/main.html" }), { "ui/main.html": "<p>real</p>" });
  // Broken local packages, each reported by name.
  await writePackage(path.join(local, "bad-json"), "{ not json");
  await writePackage(path.join(local, "bad-entry"), pluginPackage("@test/bad-entry", "bad-entry", { entry: "../x.html" }));
  await writePackage(path.join(local, "no-entry"), pluginPackage("@test/no-entry", "no-entry", { entry: "missing.html" }));
  await writePackage(path.join(local, "dupe"), pluginPackage("@test/dupe", "hello"));
  await mkdir(path.join(local, "empty"));
  await symlink(path.join(elsewhere, "gone"), path.join(local, "dangling"));
  await writePackage(path.join(elsewhere, "escape"), pluginPackage("@test/escape", "escape", { entry: "index.html" }), {});
  await symlink(path.join(base, "secret.txt"), path.join(elsewhere, "escape", "index.html"));
  await symlink(path.join(elsewhere, "escape"), path.join(local, "escape"));
  app = await startApp(createPluginRoutes({ bundledDir, dataDir }));
});

afterAll(async () => {
  await app?.close();
  for (const response of seen) expect(response.body).not.toContain(SECRET);
  await sandbox?.cleanup();
});

describe("GET /plugins/manifest.json", () => {
  it("lists bundled and local plugins with entry URLs, source and scope", async () => {
    const { plugins } = await manifest();
    expect(plugins.map((p) => [p.id, p.source])).toEqual([
      ["assets", "bundled"],
      ["hello", "bundled"],
      ["linked", "local"],
      ["real", "local"],
    ]);
    const hello = plugins.find((p) => p.id === "hello");
    expect(hello).toMatchObject({ name: "Hello", source: "bundled", scope: "bundled", permissions: ["ui.panel"], network: [] });
    expect(plugins.find((p) => p.id === "linked")).toMatchObject({ source: "local", scope: "local" });
    expect(hello?.entryUrl).toMatch(/^\/plugins\/hello\/index\.html\?v=\d+$/);
    expect(hello?.settings).toEqual([{ key: "greeting", type: "string", label: "Greeting", default: "Hello" }]);
    expect(hello?.contributions.actions).toEqual([{ id: "wave", title: "Wave hello", group: "Hello" }]);
    expect(plugins.find((p) => p.id === "real")?.entryUrl).toMatch(/^\/plugins\/real\/ui\/main\.html\?v=\d+$/);
  });

  it("carries each package's description, and none for a package without one", async () => {
    const { plugins } = await manifest();
    expect(plugins.find((p) => p.id === "hello")?.description).toBe("A minimal taiku plugin: a panel that greets you, and an action that waves.");
    expect(plugins.find((p) => p.id === "real")).not.toHaveProperty("description");
  });

  it("carries each package's version, which plugins read as their RegisteredPlugin version", async () => {
    const { plugins } = await manifest();
    expect(plugins.find((p) => p.id === "hello")?.version).toBe("0.1.0");
    expect(plugins.find((p) => p.id === "real")?.version).toBe("1.0.0");
  });

  it("reports every broken package by name instead of failing", async () => {
    const { errors } = await manifest();
    const byPackage = (name: string) => errors.filter((e) => e.package === name).map((e) => e.message);
    expect(byPackage("bad-json")).toEqual([expect.stringContaining("package.json is not valid JSON")]);
    expect(byPackage("@test/bad-entry")).toEqual([expect.stringContaining('plugins[0].entry: must be a relative path inside the package, got "../x.html"')]);
    expect(byPackage("@test/no-entry")).toEqual([expect.stringContaining('entry file "missing.html" not found')]);
    expect(byPackage("@test/dupe")).toEqual([expect.stringContaining('duplicate plugin id "hello": already provided by @taiku/plugin-hello (bundled, taiku plugin); this taiku plugin of @test/dupe (local) is skipped')]);
    expect(byPackage("empty")).toEqual([expect.stringContaining("has no package.json")]);
    expect(byPackage("dangling")).toEqual([expect.stringContaining("does not exist")]);
    expect(byPackage("@test/escape")).toEqual([expect.stringContaining('entry file "index.html" not found inside the package')]);
    expect(errors.every((e) => e.source === "local")).toBe(true);
  });

  it("reflects added, changed and removed packages on the next request", async () => {
    const local = path.join(sandbox.dataDir, "plugins");
    const folder = await writePackage(path.join(sandbox.elsewhere, "late"), pluginPackage("@test/late", "late"));
    await symlink(folder, path.join(local, "late"));
    expect((await manifest()).plugins.map((p) => p.id)).toContain("late");

    await writeFile(path.join(folder, "package.json"), JSON.stringify(pluginPackage("@test/late", "late", { name: "Renamed" })));
    await utimes(path.join(folder, "package.json"), new Date(), new Date(Date.now() + 5_000));
    expect((await manifest()).plugins.find((p) => p.id === "late")?.name).toBe("Renamed");

    const before = (await manifest()).plugins.find((p) => p.id === "late")?.entryUrl;
    await utimes(path.join(folder, "index.html"), new Date(), new Date(Date.now() + 60_000));
    const after = (await manifest()).plugins.find((p) => p.id === "late")?.entryUrl;
    expect(after).not.toBe(before);
    expect((await get(after ?? "")).status).toBe(200);

    await rm(path.join(local, "late"));
    expect((await manifest()).plugins.map((p) => p.id)).not.toContain("late");
  });

  it("is public, uncached and readable cross-origin", async () => {
    const response = await get("/plugins/manifest.json", { Origin: "null" });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(response.headers["access-control-allow-origin"]).toBe("*");
    expect(response.headers["cache-control"]).toBe("no-cache");
  });
});

describe("GET /plugins/:id/*", () => {
  it.each([
    ["index.html", "text/html; charset=utf-8"],
    ["app.js", "text/javascript; charset=utf-8"],
    ["lib.mjs", "text/javascript; charset=utf-8"],
    ["style.css", "text/css; charset=utf-8"],
    ["data.json", "application/json; charset=utf-8"],
    ["app.js.map", "application/json; charset=utf-8"],
    ["icon.svg", "image/svg+xml"],
    ["img.png", "image/png"],
    ["mod.wasm", "application/wasm"],
    ["blob.bin", "application/octet-stream"],
    ["nested/deep/page.html", "text/html; charset=utf-8"],
  ])("serves %s as %s with CORS and nosniff", async (file, type) => {
    const response = await get(`/plugins/assets/${file}`, { Origin: "null" });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe(type);
    expect(response.headers["access-control-allow-origin"]).toBe("*");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("serves the bytes of the file", async () => {
    expect((await get("/plugins/assets/img.png")).bytes).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    expect((await get("/plugins/hello/hello.js")).body).toContain("/sdk/plugin-sdk.js");
  });

  it("sends plugin pages a sandboxing CSP built from the manifest's network allowlist", async () => {
    const origin = `http://127.0.0.1:${app.port}`;
    const csp = String((await get("/plugins/assets/index.html")).headers["content-security-policy"]);
    const directive = (name: string) => csp.split("; ").find((d) => d.startsWith(`${name} `));
    expect(directive("default-src")).toBe(`default-src ${origin}/plugins/assets/`);
    expect(directive("connect-src")).toBe(`connect-src ${origin}/plugins/assets/ https://api.example.com`);
    // No 'self': that would admit every other plugin's scripts.
    expect(directive("script-src")).toBe(`script-src ${origin}/plugins/assets/ ${origin}/sdk/plugin-sdk.js`);
    expect(directive("frame-ancestors")).toBe(`frame-ancestors ${origin}`);
    // The shared theme stylesheet, and no other file of the server.
    expect(directive("style-src")).toBe(`style-src ${origin}/plugins/assets/ ${origin}/plugin.css 'unsafe-inline'`);
    expect(directive("sandbox")).toBe("sandbox allow-scripts allow-forms allow-popups allow-modals");
    expect(csp).not.toContain("allow-same-origin");
    const hello = (await get("/plugins/hello/index.html")).headers["content-security-policy"] ?? "";
    expect(hello).toContain(`connect-src ${origin}/plugins/hello/;`);
  });

  it("does not let a forged Host header into the CSP", async () => {
    const csp = (await get("/plugins/assets/index.html", { Host: "evil.example; script-src *" })).headers["content-security-policy"] ?? "";
    expect(csp).not.toContain("evil");
    expect(csp).toContain("frame-ancestors 'self'");
  });

  it("makes SVG inert when opened directly", async () => {
    expect((await get("/plugins/assets/icon.svg")).headers["content-security-policy"]).toMatch(/default-src 'none'.*sandbox/);
  });

  it("answers a revalidation with 304", async () => {
    const first = await get("/plugins/assets/app.js");
    const etag = first.headers.etag ?? "";
    expect(etag).not.toBe("");
    expect((await get("/plugins/assets/app.js", { "If-None-Match": etag })).status).toBe(304);
  });

  it("answers unknown plugins and files with 404 and a JSON error", async () => {
    for (const rawPath of ["/plugins/nope/index.html", "/plugins/hello/nope.js", "/plugins/bad-entry/index.html", "/plugins/hello/leakdir"]) {
      const response = await get(rawPath);
      expect(response.status, rawPath).toBe(404);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: "not_found" } });
    }
  });
});

describe("plugin assets never come from outside the package", () => {
  const absolute = () => path.join(sandbox.base, "secret.txt");
  const attempts: Array<[string, () => string]> = [
    ["dot-dot", () => "/plugins/hello/../../package.json"],
    ["dot-dot to a file", () => "/plugins/hello/../../secret.txt"],
    ["dot-dot after a folder", () => "/plugins/hello/nested/../../../secret.txt"],
    ["encoded dots", () => "/plugins/hello/%2e%2e/%2e%2e/secret.txt"],
    ["encoded dots and slash", () => "/plugins/hello/%2e%2e%2f%2e%2e%2fsecret.txt"],
    ["upper-case encoding", () => "/plugins/hello/%2E%2E%2F%2E%2E%2Fsecret.txt"],
    ["mixed dots", () => "/plugins/hello/.%2e/.%2e/secret.txt"],
    ["encoded backslash", () => "/plugins/hello/..%5c..%5csecret.txt"],
    ["raw backslash", () => "/plugins/hello/..\\..\\secret.txt"],
    ["double-encoded", () => "/plugins/hello/%252e%252e%252f%252e%252e%252fsecret.txt"],
    ["NUL", () => "/plugins/hello/index.html%00.txt"],
    ["NUL alone", () => "/plugins/hello/%00"],
    ["absolute path", () => `/plugins/hello/${absolute()}`],
    ["encoded absolute path", () => `/plugins/hello/${encodeURIComponent(absolute())}`],
    ["drive-style path", () => "/plugins/hello/C:%5csecret.txt"],
    ["symlinked file pointing out", () => "/plugins/hello/leak.txt"],
    ["symlinked folder pointing out", () => "/plugins/hello/leakdir/secret.txt"],
    ["dot-file in the package", () => "/plugins/hello/.env"],
    ["traversal in the id", () => "/plugins/%2e%2e/secret.txt"],
    ["traversal as the id", () => "/plugins/../secret.txt"],
    ["malformed escape", () => "/plugins/hello/%E0%A4%A"],
    ["overlong path", () => `/plugins/hello/${"a/".repeat(600)}x`],
  ];

  it.each(attempts)("refuses %s", async (_name, rawPath) => {
    const response = await get(rawPath());
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).not.toContain(SECRET);
  });

  it("still serves the package's own files next to the refused ones", async () => {
    expect((await get("/plugins/hello/index.html")).status).toBe(200);
  });
});
