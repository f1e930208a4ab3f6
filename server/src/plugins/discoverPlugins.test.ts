import { mkdir, readFile, stat, symlink, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDiscoveryCache, discoverPlugins } from "./discoverPlugins";
import { createPluginSandbox, pluginPackage, writePackage, type PluginSandbox } from "./pluginFixtures";

let sandbox: PluginSandbox;
beforeEach(async () => {
  sandbox = await createPluginSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

describe("discoverPlugins", () => {
  it("finds nothing, without errors, when neither folder has plugins or the data folder is missing", async () => {
    expect(await discoverPlugins({ bundledDir: sandbox.bundledDir, dataDir: path.join(sandbox.base, "nowhere") })).toEqual({ plugins: [], modules: [], errors: [] });
  });

  it("orders bundled before local and lets the first claim of an id win", async () => {
    await writePackage(path.join(sandbox.bundledDir, "b"), pluginPackage("@t/b", "shared"));
    await writePackage(path.join(sandbox.dataDir, "plugins", "a"), pluginPackage("@t/a", "shared"));
    const { plugins, errors } = await discoverPlugins(sandbox);
    expect(plugins.map((p) => [p.packageName, p.source])).toEqual([["@t/b", "bundled"]]);
    expect(errors).toEqual([
      { source: "local", package: "@t/a", rule: "duplicate-id", plugin: "shared", message: expect.stringContaining('duplicate plugin id "shared"') },
    ]);
  });

  it("keeps the valid plugins of a package and reports the broken one by id", async () => {
    const pkg = { name: "@t/two", taiku: { plugins: [{ id: "good", name: "Good", entry: "index.html" }, { id: "bad", name: "Bad", entry: "/abs.html" }] } };
    await writePackage(path.join(sandbox.bundledDir, "two"), pkg);
    const { plugins, errors } = await discoverPlugins(sandbox);
    expect(plugins.map((p) => p.manifest.id)).toEqual(["good"]);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^plugin "bad", plugins\[1\]\.entry: /)]);
  });

  it("reports a package.json that is a folder, a huge one, and a file in place of a package folder", async () => {
    await mkdir(path.join(sandbox.bundledDir, "dir-json", "package.json"), { recursive: true });
    await writePackage(path.join(sandbox.bundledDir, "huge"), JSON.stringify({ pad: "x".repeat(1024 * 1024) }));
    await writeFile(path.join(sandbox.elsewhere, "file"), "x");
    await symlink(path.join(sandbox.elsewhere, "file"), path.join(sandbox.bundledDir, "file-link"));
    const { plugins, errors } = await discoverPlugins(sandbox);
    expect(plugins).toEqual([]);
    expect(errors.map((e) => [e.package, e.message])).toEqual([
      ["dir-json", "package.json is not a file"],
      ["file-link", expect.stringContaining("is not a folder")],
      ["huge", expect.stringContaining("larger than")],
    ]);
  });

  it("reports a symlink loop and a plugins folder that is a file instead of throwing", async () => {
    const local = path.join(sandbox.dataDir, "plugins");
    await symlink(path.join(local, "loop"), path.join(local, "loop"));
    const notAFolder = path.join(sandbox.elsewhere, "bundled-file");
    await writeFile(notAFolder, "x");
    const { plugins, errors } = await discoverPlugins({ bundledDir: notAFolder, dataDir: sandbox.dataDir });
    expect(plugins).toEqual([]);
    expect(errors).toEqual([
      { source: "bundled", package: notAFolder, message: expect.stringContaining("is not a folder") },
      { source: "local", package: "loop", rule: "unreadable-package", message: expect.stringContaining("symlink loop") },
    ]);
  });

  it("re-reads a package.json only when it changes, and a folder listing only when the folder changes", async () => {
    const folder = await writePackage(path.join(sandbox.bundledDir, "cached"), pluginPackage("@t/cached", "cached"));
    const file = path.join(folder, "package.json");
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000 - 10_000);
    await utimes(file, mtime, mtime);
    const cache = createDiscoveryCache();
    expect((await discoverPlugins(sandbox, cache)).plugins.map((p) => p.manifest.name)).toEqual(["Plugin cached"]);

    // Same size and modification time: served from the cache, not re-parsed.
    const { size } = await stat(file);
    const swapped = JSON.stringify(pluginPackage("@t/cached", "cached", { name: "Plugin XXXXXX" }), null, 2);
    expect(Buffer.byteLength(swapped)).toBe(size);
    await writeFile(file, swapped);
    await utimes(file, mtime, mtime);
    expect((await discoverPlugins(sandbox, cache)).plugins.map((p) => p.manifest.name)).toEqual(["Plugin cached"]);

    // A new modification time: re-read.
    await utimes(file, mtime, new Date(mtime.getTime() + 2_000));
    expect((await discoverPlugins(sandbox, cache)).plugins.map((p) => p.manifest.name)).toEqual(["Plugin XXXXXX"]);
    expect(await readFile(file, "utf8")).toBe(swapped);

    // A new folder changes the listing's modification time and is found.
    await writePackage(path.join(sandbox.bundledDir, "newer"), pluginPackage("@t/newer", "newer"));
    expect((await discoverPlugins(sandbox, cache)).plugins.map((p) => p.manifest.id)).toEqual(["cached", "newer"]);
  });
});
