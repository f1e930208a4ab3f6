import { lstat, mkdir, readlink, stat } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installPlugin } from "./installPlugin";
import { listPlugins } from "./listPlugins";
import { createPluginSandbox, pluginPackage, writePackage, type PluginSandbox } from "./pluginFixtures";
import { removePlugin } from "./removePlugin";

let sandbox: PluginSandbox;
beforeEach(async () => {
  sandbox = await createPluginSandbox();
  await writePackage(path.join(sandbox.bundledDir, "core"), pluginPackage("@taiku/plugin-core", "core"));
});
afterEach(async () => {
  await sandbox.cleanup();
});

const list = () => listPlugins({ dataDir: sandbox.dataDir, bundledDir: sandbox.bundledDir });

describe("installPlugin / listPlugins / removePlugin", () => {
  it("lists the repository's bundled hello plugin by default, without errors for it", async () => {
    const { plugins, errors } = await listPlugins({ dataDir: sandbox.dataDir });
    expect(plugins.find((p) => p.manifest.id === "hello")).toMatchObject({ source: "bundled", packageName: "@taiku/plugin-hello" });
    expect(errors.filter((e) => e.package === "@taiku/plugin-hello")).toEqual([]);
  });

  it("links a valid package into the data folder, where the listing finds it", async () => {
    const folder = await writePackage(path.join(sandbox.elsewhere, "weather"), pluginPackage("@acme/plugin-weather", "weather"));
    const result = await installPlugin(folder, sandbox.dataDir, sandbox.bundledDir);
    expect(result).toEqual({ link: path.join(sandbox.dataDir, "plugins", "acme-plugin-weather"), plugins: ["weather"], alreadyInstalled: false });
    expect(await readlink(path.join(sandbox.dataDir, "plugins", "acme-plugin-weather"))).toBe(folder);
    const { plugins } = await list();
    expect(plugins.map((p) => [p.manifest.id, p.source])).toEqual([
      ["core", "bundled"],
      ["weather", "local"],
    ]);
  });

  it("creates the data folder's plugins folder when missing, and installing twice is a no-op", async () => {
    const folder = await writePackage(path.join(sandbox.elsewhere, "w"), pluginPackage("@acme/w", "w"));
    const dataDir = path.join(sandbox.base, "fresh-data");
    expect(await installPlugin(folder, dataDir, sandbox.bundledDir)).toMatchObject({ alreadyInstalled: false });
    expect(await installPlugin(folder, dataDir, sandbox.bundledDir)).toMatchObject({ alreadyInstalled: true });
  });

  it("refuses a package with problems, naming each, and links nothing", async () => {
    const folder = await writePackage(path.join(sandbox.elsewhere, "broken"), pluginPackage("@acme/broken", "Broken", { entry: "../up.html" }));
    const result = await installPlugin(folder, sandbox.dataDir, sandbox.bundledDir);
    expect(result).toEqual({ error: expect.stringContaining("plugins[0].entry") });
    expect("error" in result && result.error).toContain("plugins[0].id");
    expect((await list()).plugins.map((p) => p.manifest.id)).toEqual(["core"]);
  });

  it("refuses a missing folder and an id another package provides", async () => {
    expect(await installPlugin(path.join(sandbox.base, "nope"), sandbox.dataDir, sandbox.bundledDir)).toEqual({ error: expect.stringContaining("no such folder") });
    const clash = await writePackage(path.join(sandbox.elsewhere, "clash"), pluginPackage("@acme/clash", "core"));
    expect(await installPlugin(clash, sandbox.dataDir, sandbox.bundledDir)).toEqual({
      error: expect.stringContaining('plugin id "core" is already provided by @taiku/plugin-core (bundled'),
    });
  });

  it("refuses to overwrite a different package linked under the same name", async () => {
    const one = await writePackage(path.join(sandbox.elsewhere, "one"), pluginPackage("@acme/same", "one"));
    const two = await writePackage(path.join(sandbox.elsewhere, "two"), pluginPackage("@acme/same", "two"));
    expect(await installPlugin(one, sandbox.dataDir, sandbox.bundledDir)).toMatchObject({ plugins: ["one"] });
    expect(await installPlugin(two, sandbox.dataDir, sandbox.bundledDir)).toEqual({ error: expect.stringContaining("already exists") });
  });

  it("removes the link, leaves the package folder intact, and the plugin disappears", async () => {
    const folder = await writePackage(path.join(sandbox.elsewhere, "weather"), pluginPackage("@acme/plugin-weather", "weather"));
    await installPlugin(folder, sandbox.dataDir, sandbox.bundledDir);
    expect(await removePlugin("weather", sandbox.dataDir, sandbox.bundledDir)).toEqual({
      removed: path.join(sandbox.dataDir, "plugins", "acme-plugin-weather"),
      plugins: ["weather"],
    });
    expect((await stat(path.join(folder, "package.json"))).isFile()).toBe(true);
    expect((await list()).plugins.map((p) => p.manifest.id)).toEqual(["core"]);
  });

  it("removes a broken linked package by its folder name", async () => {
    const folder = await writePackage(path.join(sandbox.elsewhere, "bad"), "{");
    const { symlink } = await import("node:fs/promises");
    await symlink(folder, path.join(sandbox.dataDir, "plugins", "bad"));
    expect((await list()).errors.map((e) => e.package)).toEqual(["bad"]);
    expect(await removePlugin("bad", sandbox.dataDir, sandbox.bundledDir)).toEqual({ removed: path.join(sandbox.dataDir, "plugins", "bad"), plugins: [] });
    expect((await list()).errors).toEqual([]);
  });

  it("refuses to remove bundled plugins, real folders, unknown ids and path-like names", async () => {
    expect(await removePlugin("core", sandbox.dataDir, sandbox.bundledDir)).toEqual({ error: expect.stringContaining("bundled") });
    const real = await writePackage(path.join(sandbox.dataDir, "plugins", "real"), pluginPackage("@acme/real", "real"));
    expect(await removePlugin("real", sandbox.dataDir, sandbox.bundledDir)).toEqual({ error: expect.stringContaining("is a real folder") });
    expect((await lstat(real)).isDirectory()).toBe(true);
    expect(await removePlugin("ghost", sandbox.dataDir, sandbox.bundledDir)).toEqual({ error: 'no local plugin "ghost"' });
    await mkdir(path.join(sandbox.base, "victim"));
    for (const id of ["../victim", "..", "/etc", "a/b"]) {
      expect(await removePlugin(id, sandbox.dataDir, sandbox.bundledDir)).toEqual({ error: expect.stringContaining("no local plugin") });
    }
    expect((await lstat(path.join(sandbox.base, "victim"))).isDirectory()).toBe(true);
  });
});
