import { rm, symlink, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPluginRoutes } from "./createPluginRoutes";
import type { PiWebManifestResponse, PluginManifestResponse } from "./pluginManifestResponse";
import {
  createPluginSandbox,
  PI_WEB_MODULE_SOURCE,
  piWebPackage,
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
let linkedFolder: string;
/** Every response any test received; none may ever carry the secret. */
const seen: RawResponse[] = [];

const get = async (rawPath: string, headers: Record<string, string> = {}) => {
  const response = await rawGet(app.port, rawPath, headers);
  seen.push(response);
  return response;
};
const piWebManifest = async () => JSON.parse((await get("/pi-web-plugins/manifest.json")).body) as PiWebManifestResponse;
const fullManifest = async () => JSON.parse((await get("/plugins/manifest.json")).body) as PluginManifestResponse;
const moduleUrlOf = async (id: string) => (await piWebManifest()).plugins.find((p) => p.id === id)?.module ?? "";
const local = (name: string) => path.join(sandbox.dataDir, "plugins", name);

beforeAll(async () => {
  sandbox = await createPluginSandbox();
  const { base, bundledDir, elsewhere } = sandbox;
  await writeFile(path.join(base, "secret.txt"), SECRET);
  await writeFile(path.join(base, "secret.js"), `export const secret = "${SECRET}";`);
  await writeFile(path.join(base, "package.json"), JSON.stringify({ secret: SECRET }));
  const info = await writePackage(
    path.join(bundledDir, "info"),
    piWebPackage("@test/info-plugin", [{ id: "info", module: "pi-web-plugin.js" }], { description: "Shows workspace info" }),
    {
      "pi-web-plugin.js": PI_WEB_MODULE_SOURCE,
      "lib/helper.mjs": "export const helper = 1;",
      "data.json": "{}",
      "style.css": "p{}",
      "page.html": "<!doctype html><p>page</p>",
      "icon.svg": "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
      "img.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      "notes.txt": "notes",
      "nested/deep/asset.js": "export default 3;",
    },
  );
  // Escape hatches planted inside the package: a file link and a folder link pointing out, and a dot-file.
  await symlink(path.join(base, "secret.js"), path.join(info, "leak.js"));
  await symlink(base, path.join(info, "leakdir"));
  await writeFile(path.join(info, ".env"), SECRET);
  // A sandboxed taiku plugin beside it: served under /plugins/ only.
  await writePackage(path.join(bundledDir, "frame"), pluginPackage("@test/frame", "frame"));
  // A local package linked in from elsewhere, the recommended workflow.
  linkedFolder = await writePackage(path.join(elsewhere, "my-plugin-src"), piWebPackage("@test/mine", [{ id: "my-plugin", module: "pi-web-plugin.js" }]), {
    "pi-web-plugin.js": PI_WEB_MODULE_SOURCE,
  });
  await symlink(linkedFolder, local("my-plugin"));
  // Broken ones, never served.
  await writePackage(local("legacy"), { name: "@test/legacy", piWeb: { plugin: "pi-web-plugin.js" } }, { "pi-web-plugin.js": PI_WEB_MODULE_SOURCE });
  await writePackage(local("again"), piWebPackage("@test/again", [{ id: "info", module: "pi-web-plugin.js" }]), { "pi-web-plugin.js": SECRET });
  app = await startApp(createPluginRoutes({ bundledDir, dataDir: sandbox.dataDir }));
});

afterAll(async () => {
  await app?.close();
  for (const response of seen) expect(response.body).not.toContain(SECRET);
  await sandbox?.cleanup();
});

describe("GET /pi-web-plugins/manifest.json", () => {
  it("lists each module in the Pi Web shape, with an mtime cache-buster, true source and scope, and the errors by rule", async () => {
    const response = await get("/pi-web-plugins/manifest.json");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    const manifest = JSON.parse(response.body) as PiWebManifestResponse;
    expect(Object.keys(manifest)).toEqual(["plugins", "errors"]);
    expect(manifest.plugins).toEqual([
      { id: "info", module: expect.stringMatching(/^\/pi-web-plugins\/info\/pi-web-plugin\.js\?v=\d+$/), source: "bundled", scope: "bundled" },
      { id: "my-plugin", module: expect.stringMatching(/^\/pi-web-plugins\/my-plugin\/pi-web-plugin\.js\?v=\d+$/), source: "local", scope: "local" },
    ]);
    expect(manifest.errors.map((e) => [e.package, e.rule, e.plugin])).toEqual([
      ["@test/again", "duplicate-id", "info"],
      ["@test/legacy", "legacy-plugin-shortcut", undefined],
    ]);
  });

  it("is the same discovery as /plugins/manifest.json, which lists modules beside the sandboxed plugins", async () => {
    const full = await fullManifest();
    expect(full.plugins.map((p) => [p.id, p.source, p.scope])).toEqual([["frame", "bundled", "bundled"]]);
    expect(full.modules).toEqual([
      {
        id: "info",
        module: await moduleUrlOf("info"),
        source: "bundled",
        scope: "bundled",
        packageName: "@test/info-plugin",
        description: "Shows workspace info",
      },
      { id: "my-plugin", module: await moduleUrlOf("my-plugin"), source: "local", scope: "local", packageName: "@test/mine" },
    ]);
    expect(full.errors).toEqual((await piWebManifest()).errors);
  });

  it("changes the module's cache-buster after an edit, and finds new and removed packages, without a restart", async () => {
    const before = await moduleUrlOf("my-plugin");
    const file = path.join(linkedFolder, "pi-web-plugin.js");
    await writeFile(file, 'export default { apiVersion: 1, name: "Edited", activate: () => ({ contributions: {} }) };\n');
    await utimes(file, new Date(), new Date(Date.now() + 60_000));
    const after = await moduleUrlOf("my-plugin");
    expect(after).not.toBe(before);
    expect((await get(after)).body).toContain('"Edited"');

    const late = await writePackage(path.join(sandbox.elsewhere, "late"), piWebPackage("@test/late", [{ id: "late", module: "late.js" }]), { "late.js": "export default 1;" });
    await symlink(late, local("late"));
    expect((await piWebManifest()).plugins.map((p) => p.id)).toContain("late");
    await rm(local("late"));
    expect((await piWebManifest()).plugins.map((p) => p.id)).not.toContain("late");
    expect((await get("/pi-web-plugins/late/late.js")).status).toBe(404);
  });

  it("is public, uncached, and for this origin only", async () => {
    const response = await get("/pi-web-plugins/manifest.json");
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("GET /pi-web-plugins/:id/*", () => {
  it("serves the module at the manifest's URL, as JavaScript", async () => {
    const response = await get(await moduleUrlOf("info"));
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(response.body).toBe(PI_WEB_MODULE_SOURCE);
  });

  it("serves a local module through its symlink", async () => {
    const response = await get("/pi-web-plugins/my-plugin/pi-web-plugin.js");
    expect(response.status).toBe(200);
    expect(response.body).toContain("export default");
  });

  it.each([
    ["pi-web-plugin.js", "text/javascript; charset=utf-8"],
    ["lib/helper.mjs", "text/javascript; charset=utf-8"],
    ["nested/deep/asset.js", "text/javascript; charset=utf-8"],
    ["data.json", "application/json; charset=utf-8"],
    ["style.css", "text/css; charset=utf-8"],
    ["page.html", "text/html; charset=utf-8"],
    ["icon.svg", "application/octet-stream"],
    ["img.png", "application/octet-stream"],
    ["notes.txt", "application/octet-stream"],
  ])("serves %s as %s, nosniff and same-origin", async (file, type) => {
    const response = await get(`/pi-web-plugins/info/${file}`);
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe(type);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["cross-origin-resource-policy"]).toBe("same-origin");
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("answers a revalidation with 304", async () => {
    const etag = (await get("/pi-web-plugins/info/pi-web-plugin.js")).headers.etag ?? "";
    expect(etag).not.toBe("");
    expect((await get("/pi-web-plugins/info/pi-web-plugin.js", { "If-None-Match": etag })).status).toBe(304);
  });

  it("serves each kind only under its own prefix, and nothing of a skipped or broken package", async () => {
    for (const rawPath of [
      "/pi-web-plugins/frame/index.html",
      "/plugins/info/pi-web-plugin.js",
      "/pi-web-plugins/legacy/pi-web-plugin.js",
      "/pi-web-plugins/nope/pi-web-plugin.js",
      "/pi-web-plugins/info/nope.js",
      "/pi-web-plugins/info/leakdir",
    ]) {
      const response = await get(rawPath);
      expect(response.status, rawPath).toBe(404);
      expect(JSON.parse(response.body), rawPath).toMatchObject({ error: { code: "not_found" } });
    }
    // The duplicate "info" of @test/again is skipped: its file (the secret) is never what "info" serves.
    expect((await get("/pi-web-plugins/info/pi-web-plugin.js")).body).toBe(PI_WEB_MODULE_SOURCE);
  });
});

describe("module assets never come from outside the package", () => {
  const absolute = () => path.join(sandbox.base, "secret.txt");
  const attempts: Array<[string, () => string]> = [
    ["dot-dot", () => "/pi-web-plugins/info/../../package.json"],
    ["dot-dot to a file", () => "/pi-web-plugins/info/../../secret.js"],
    ["dot-dot after a folder", () => "/pi-web-plugins/info/lib/../../../secret.txt"],
    ["encoded dots", () => "/pi-web-plugins/info/%2e%2e/%2e%2e/secret.txt"],
    ["encoded dots and slash", () => "/pi-web-plugins/info/%2e%2e%2f%2e%2e%2fsecret.txt"],
    ["upper-case encoding", () => "/pi-web-plugins/info/%2E%2E%2F%2E%2E%2Fsecret.txt"],
    ["mixed dots", () => "/pi-web-plugins/info/.%2e/.%2e/secret.txt"],
    ["encoded slash", () => "/pi-web-plugins/info/lib%2f..%2f..%2f..%2fsecret.txt"],
    ["encoded backslash", () => "/pi-web-plugins/info/..%5c..%5csecret.txt"],
    ["raw backslash", () => "/pi-web-plugins/info/..\\..\\secret.txt"],
    ["double-encoded", () => "/pi-web-plugins/info/%252e%252e%252f%252e%252e%252fsecret.txt"],
    ["NUL", () => "/pi-web-plugins/info/pi-web-plugin.js%00.txt"],
    ["NUL alone", () => "/pi-web-plugins/info/%00"],
    ["absolute path", () => `/pi-web-plugins/info/${absolute()}`],
    ["encoded absolute path", () => `/pi-web-plugins/info/${encodeURIComponent(absolute())}`],
    ["drive-style path", () => "/pi-web-plugins/info/C:%5csecret.txt"],
    ["symlinked file pointing out", () => "/pi-web-plugins/info/leak.js"],
    ["symlinked folder pointing out", () => "/pi-web-plugins/info/leakdir/secret.txt"],
    ["dot-file in the package", () => "/pi-web-plugins/info/.env"],
    ["traversal in the id", () => "/pi-web-plugins/%2e%2e/secret.txt"],
    ["traversal as the id", () => "/pi-web-plugins/../secret.txt"],
    ["malformed escape", () => "/pi-web-plugins/info/%E0%A4%A"],
    ["overlong path", () => `/pi-web-plugins/info/${"a/".repeat(600)}x`],
  ];

  it.each(attempts)("refuses %s", async (_name, rawPath) => {
    const response = await get(rawPath());
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).not.toContain(SECRET);
  });

  it("still serves the package's own files next to the refused ones", async () => {
    expect((await get("/pi-web-plugins/info/pi-web-plugin.js")).status).toBe(200);
  });
});
