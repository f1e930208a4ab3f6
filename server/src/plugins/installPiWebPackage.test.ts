import { readlink } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installPlugin } from "./installPlugin";
import { listPlugins } from "./listPlugins";
import { createPluginSandbox, PI_WEB_MODULE_SOURCE, piWebPackage, pluginPackage, writePackage, type PluginSandbox } from "./pluginFixtures";
import { removePlugin } from "./removePlugin";

let sandbox: PluginSandbox;
beforeEach(async () => {
  sandbox = await createPluginSandbox();
  await writePackage(path.join(sandbox.bundledDir, "info"), piWebPackage("@taiku/info", [{ id: "info", module: "pi-web-plugin.js" }]), {
    "pi-web-plugin.js": PI_WEB_MODULE_SOURCE,
  });
});
afterEach(async () => {
  await sandbox.cleanup();
});

const list = () => listPlugins({ dataDir: sandbox.dataDir, bundledDir: sandbox.bundledDir });
const module = { "pi-web-plugin.js": PI_WEB_MODULE_SOURCE };

describe("taiku plugin add / remove with Pi Web modules", () => {
  it("installs a package of modules as a local package, and removes it by a module id", async () => {
    const folder = await writePackage(path.join(sandbox.elsewhere, "dev-url"), piWebPackage("@acme/dev-url", [{ id: "dev-url", module: "pi-web-plugin.js" }]), module);
    expect(await installPlugin(folder, sandbox.dataDir, sandbox.bundledDir)).toEqual({
      link: path.join(sandbox.dataDir, "plugins", "acme-dev-url"),
      plugins: ["dev-url"],
      alreadyInstalled: false,
    });
    const { modules, errors } = await list();
    expect(errors).toEqual([]);
    expect(modules.map((m) => [m.spec.id, m.source, m.scope])).toEqual([
      ["info", "bundled", "bundled"],
      ["dev-url", "local", "local"],
    ]);
    expect(await removePlugin("dev-url", sandbox.dataDir, sandbox.bundledDir)).toEqual({ removed: path.join(sandbox.dataDir, "plugins", "acme-dev-url"), plugins: ["dev-url"] });
    expect((await list()).modules.map((m) => m.spec.id)).toEqual(["info"]);
  });

  it("links a package whose name makes no valid folder name under its first id, so its modules load", async () => {
    const folder = await writePackage(path.join(sandbox.elsewhere, "odd"), piWebPackage("@Acme/My_Plugin", [{ id: "odd", module: "pi-web-plugin.js" }]), module);
    expect(await installPlugin(folder, sandbox.dataDir, sandbox.bundledDir)).toMatchObject({ link: path.join(sandbox.dataDir, "plugins", "odd") });
    expect(await readlink(path.join(sandbox.dataDir, "plugins", "odd"))).toBe(folder);
    expect((await list()).modules.map((m) => m.spec.id)).toEqual(["info", "odd"]);
  });

  it("refuses a package with a broken module, naming the rule's problem, and links nothing", async () => {
    const folder = await writePackage(path.join(sandbox.elsewhere, "broken"), piWebPackage("@acme/broken", [{ id: "broken", module: "../up.js" }, "legacy.js"]), module);
    const result = await installPlugin(folder, sandbox.dataDir, sandbox.bundledDir);
    expect(result).toEqual({ error: expect.stringContaining("piWeb.plugins[0].module: must be a safe relative path inside the package") });
    expect("error" in result && result.error).toContain("piWeb.plugins[1]: string entries are not supported");
    expect((await list()).modules.map((m) => m.spec.id)).toEqual(["info"]);
  });

  it("refuses an id a module already holds, and a module id a sandboxed plugin already holds", async () => {
    const clash = await writePackage(path.join(sandbox.elsewhere, "clash"), pluginPackage("@acme/clash", "info"));
    expect(await installPlugin(clash, sandbox.dataDir, sandbox.bundledDir)).toEqual({ error: expect.stringContaining('plugin id "info" is already provided by @taiku/info (bundled') });
    await writePackage(path.join(sandbox.bundledDir, "frame"), pluginPackage("@taiku/frame", "frame"));
    const other = await writePackage(path.join(sandbox.elsewhere, "other"), piWebPackage("@acme/other", [{ id: "frame", module: "pi-web-plugin.js" }]), module);
    expect(await installPlugin(other, sandbox.dataDir, sandbox.bundledDir)).toEqual({ error: expect.stringContaining('plugin id "frame" is already provided by @taiku/frame (bundled') });
  });
});
