import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discoverPlugins } from "./discoverPlugins";
import { createPluginSandbox, PI_WEB_MODULE_SOURCE, piWebPackage, pluginPackage, writePackage, type PluginSandbox } from "./pluginFixtures";
import type { PluginDiscovery } from "./pluginTypes";

let sandbox: PluginSandbox;
beforeEach(async () => {
  sandbox = await createPluginSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

const local = (name: string) => path.join(sandbox.dataDir, "plugins", name);
const module = { "pi-web-plugin.js": PI_WEB_MODULE_SOURCE };
const moduleIds = (discovery: PluginDiscovery) => discovery.modules.map((m) => m.spec.id);
/** The errors of one package as [rule, plugin] pairs. */
const rulesOf = (discovery: PluginDiscovery, packageName: string) =>
  discovery.errors.filter((e) => e.package === packageName).map((e) => [e.rule, e.plugin]);

describe("Pi Web module discovery", () => {
  it("finds bundled and local modules, a local one through a symlink, with true source and scope", async () => {
    await writePackage(path.join(sandbox.bundledDir, "info"), piWebPackage("@t/info", [{ id: "info", module: "pi-web-plugin.js" }]), module);
    const elsewhere = await writePackage(
      path.join(sandbox.elsewhere, "my-plugin-src"),
      piWebPackage("@t/mine", [{ id: "review", module: "./dist/review.js" }, { id: "dashboard", module: "dist/dashboard.mjs" }], { description: "Mine" }),
      { "dist/review.js": PI_WEB_MODULE_SOURCE, "dist/dashboard.mjs": PI_WEB_MODULE_SOURCE },
    );
    await symlink(elsewhere, local("my-plugin"));
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.errors).toEqual([]);
    expect(discovery.plugins).toEqual([]);
    expect(discovery.modules.map((m) => [m.spec.id, m.spec.module, m.source, m.scope, m.packageName])).toEqual([
      ["info", "pi-web-plugin.js", "bundled", "bundled", "@t/info"],
      ["review", "dist/review.js", "local", "local", "@t/mine"],
      ["dashboard", "dist/dashboard.mjs", "local", "local", "@t/mine"],
    ]);
    expect(discovery.modules[1]).toMatchObject({ folder: local("my-plugin"), root: elsewhere, description: "Mine" });
  });

  it("loads a package's taiku plugins and its Pi Web modules both", async () => {
    const pkg = { ...pluginPackage("@t/both", "sandboxed"), piWeb: { plugins: [{ id: "trusted", module: "pi-web-plugin.js" }] } };
    await writePackage(local("both"), pkg, { "index.html": "<p>x</p>", ...module });
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.errors).toEqual([]);
    expect(discovery.plugins.map((p) => p.manifest.id)).toEqual(["sandboxed"]);
    expect(moduleIds(discovery)).toEqual(["trusted"]);
  });

  it("tells a package that declares neither kind how to declare either", async () => {
    await writePackage(local("nothing"), { name: "@t/nothing" }, module);
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.errors).toEqual([
      { source: "local", package: "@t/nothing", rule: "no-plugins-declared", message: expect.stringContaining('"piWeb": { "plugins": [{ "id", "module" }] } for trusted Pi Web modules') },
    ]);
  });

  it("asks a Pi Web-only package for no taiku metadata", async () => {
    await writePackage(local("only"), piWebPackage("@t/only", [{ id: "only", module: "pi-web-plugin.js" }]), module);
    expect((await discoverPlugins(sandbox)).errors).toEqual([]);
  });
});

describe("every troubleshooting failure is reported by rule, with the package, and nothing invalid loads", () => {
  it("the piWeb.plugin shortcut", async () => {
    await writePackage(local("legacy"), { name: "@t/legacy", piWeb: { plugin: "pi-web-plugin.js" } }, module);
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules).toEqual([]);
    expect(discovery.errors).toEqual([
      { source: "local", package: "@t/legacy", rule: "legacy-plugin-shortcut", message: expect.stringContaining("piWeb.plugin: the legacy single-plugin shortcut is not supported") },
    ]);
  });

  it("string entries in piWeb.plugins", async () => {
    await writePackage(local("strings"), piWebPackage("@t/strings", ["pi-web-plugin.js"]), module);
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules).toEqual([]);
    expect(rulesOf(discovery, "@t/strings")).toEqual([["string-entry", undefined]]);
    expect(discovery.errors[0]?.message).toContain('piWeb.plugins[0]: string entries are not supported; write { "id": "<plugin id>", "module": "pi-web-plugin.js" }');
  });

  it("a piWeb.id fallback id", async () => {
    await writePackage(local("fallback"), { name: "@t/fallback", piWeb: { id: "fallback", plugins: [{ module: "pi-web-plugin.js" }] } }, module);
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules).toEqual([]);
    expect(rulesOf(discovery, "@t/fallback")).toEqual([
      ["id-fallback", undefined],
      ["missing-id", undefined],
    ]);
  });

  it("a folder with a module but no package.json", async () => {
    await mkdir(local("bare"));
    await writeFile(path.join(local("bare"), "pi-web-plugin.js"), PI_WEB_MODULE_SOURCE);
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules).toEqual([]);
    expect(discovery.errors).toEqual([
      { source: "local", package: "bare", rule: "missing-package-json", message: expect.stringContaining('has no package.json: a folder with only a module ("pi-web-plugin.js") is not loaded') },
    ]);
  });

  it.each([
    ["upper case", "MyPlugin"],
    ["a leading digit", "1plugin"],
    ["an underscore", "my_plugin"],
    ["a slash", "a/b"],
    ["a number", 7],
  ])("an invalid plugin id (%s)", async (_name, id) => {
    await writePackage(local("bad-id"), piWebPackage("@t/bad-id", [{ id, module: "pi-web-plugin.js" }]), module);
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules).toEqual([]);
    expect(rulesOf(discovery, "@t/bad-id")).toEqual([["invalid-id", undefined]]);
  });

  it("an invalid package folder name, for a real folder and for a symlink", async () => {
    await writePackage(local("My_Plugins"), piWebPackage("@t/upper", [{ id: "upper", module: "pi-web-plugin.js" }]), module);
    const target = await writePackage(path.join(sandbox.elsewhere, "digit"), piWebPackage("@t/digit", [{ id: "digit", module: "pi-web-plugin.js" }]), module);
    await symlink(target, local("9lives"));
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules).toEqual([]);
    expect(rulesOf(discovery, "@t/upper")).toEqual([["invalid-folder-name", undefined]]);
    expect(rulesOf(discovery, "@t/digit")).toEqual([["invalid-folder-name", undefined]]);
    expect(discovery.errors.find((e) => e.package === "@t/digit")?.message).toContain('package folder "9lives" must match ^[a-z][a-z0-9.-]*$');
  });

  it("a module file that does not exist, or is a folder", async () => {
    await writePackage(local("missing"), piWebPackage("@t/missing", [{ id: "gone", module: "dist/gone.js" }, { id: "dir", module: "dist.js" }]), {});
    await mkdir(path.join(local("missing"), "dist.js"));
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules).toEqual([]);
    expect(rulesOf(discovery, "@t/missing")).toEqual([
      ["missing-module", "gone"],
      ["missing-module", "dir"],
    ]);
    expect(discovery.errors[0]?.message).toBe('Pi Web module "gone": module file "dist/gone.js" does not exist in the package');
  });

  it.each([
    ["dot-dot", "../outside.js"],
    ["dot-dot inside", "dist/../../outside.js"],
    ["an absolute path", "/etc/outside.js"],
    ["percent-encoded dots", "%2e%2e/outside.js"],
    ["an encoded slash", "..%2foutside.js"],
    ["a backslash", "..\\outside.js"],
    ["NUL", "pi-web-plugin.js\u0000.js"],
    ["a drive path", "C:/outside.js"],
    ["a URL", "https://example.com/x.js"],
    ["a dot-folder", ".hidden/x.js"],
    ["an empty string", ""],
    ["a number", 3],
  ])("a module path that could leave the package (%s)", async (_name, modulePath) => {
    await writeFile(path.join(sandbox.dataDir, "outside.js"), "throw new Error('must never load');");
    await writePackage(local("escape"), piWebPackage("@t/escape", [{ id: "escape", module: modulePath }]), module);
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules).toEqual([]);
    expect(rulesOf(discovery, "@t/escape")).toEqual([["module-outside-package", "escape"]]);
  });

  it("a module file that is a symlink pointing out of the package", async () => {
    await writeFile(path.join(sandbox.elsewhere, "outside.js"), "throw new Error('must never load');");
    await writePackage(local("linkout"), piWebPackage("@t/linkout", [{ id: "linkout", module: "pi-web-plugin.js" }]), {});
    await symlink(path.join(sandbox.elsewhere, "outside.js"), path.join(local("linkout"), "pi-web-plugin.js"));
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules).toEqual([]);
    expect(rulesOf(discovery, "@t/linkout")).toEqual([["module-outside-package", "linkout"]]);
  });

  it("a module that is not JavaScript", async () => {
    await writePackage(local("typed"), piWebPackage("@t/typed", [{ id: "typed", module: "plugin.ts" }]), { "plugin.ts": "export default {}" });
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules).toEqual([]);
    expect(rulesOf(discovery, "@t/typed")).toEqual([["module-not-javascript", "typed"]]);
  });

  it("incorrect piWeb.plugins metadata: not an array, entries that are not objects, entries without module", async () => {
    await writePackage(local("not-array"), { name: "@t/not-array", piWeb: { plugins: { id: "x", module: "pi-web-plugin.js" } } }, module);
    await writePackage(local("not-object"), { name: "@t/not-object", piWeb: "pi-web-plugin.js" }, module);
    await writePackage(local("entries"), piWebPackage("@t/entries", [42, null, { id: "no-module" }]), module);
    await writePackage(local("empty"), { name: "@t/empty", piWeb: {} }, module);
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules).toEqual([]);
    expect(rulesOf(discovery, "@t/not-array")).toEqual([["not-an-array", undefined]]);
    expect(rulesOf(discovery, "@t/not-object")).toEqual([["not-an-object", undefined]]);
    expect(rulesOf(discovery, "@t/entries")).toEqual([
      ["not-an-object", undefined],
      ["not-an-object", undefined],
      ["missing-module-field", "no-module"],
    ]);
    expect(rulesOf(discovery, "@t/empty")).toEqual([["not-an-array", undefined]]);
  });

  it("duplicate ids: within a package, across packages and across kinds; the first keeps the id, the report names both packages", async () => {
    await writePackage(path.join(sandbox.bundledDir, "first"), piWebPackage("@t/first", [{ id: "info", module: "pi-web-plugin.js" }, { id: "info", module: "other.js" }]), {
      ...module,
      "other.js": PI_WEB_MODULE_SOURCE,
    });
    await writePackage(local("again"), piWebPackage("@t/again", [{ id: "info", module: "pi-web-plugin.js" }]), module);
    await writePackage(local("sandboxed"), pluginPackage("@t/sandboxed", "sandboxed"));
    await writePackage(local("trusted"), piWebPackage("@t/trusted", [{ id: "sandboxed", module: "pi-web-plugin.js" }]), module);
    await writePackage(local("taiku-late"), pluginPackage("@t/taiku-late", "info"));
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.modules.map((m) => [m.spec.id, m.packageName, m.spec.module])).toEqual([["info", "@t/first", "pi-web-plugin.js"]]);
    expect(discovery.plugins.map((p) => [p.manifest.id, p.packageName])).toEqual([["sandboxed", "@t/sandboxed"]]);
    expect(rulesOf(discovery, "@t/first")).toEqual([["duplicate-id", "info"]]);
    const message = (pkg: string) => discovery.errors.find((e) => e.package === pkg)?.message;
    expect(message("@t/again")).toBe('duplicate plugin id "info": already provided by @t/first (bundled, Pi Web module); this Pi Web module of @t/again (local) is skipped');
    expect(message("@t/trusted")).toBe(
      'duplicate plugin id "sandboxed": already provided by @t/sandboxed (local, taiku plugin); this Pi Web module of @t/trusted (local) is skipped',
    );
    expect(message("@t/taiku-late")).toBe('duplicate plugin id "info": already provided by @t/first (bundled, Pi Web module); this taiku plugin of @t/taiku-late (local) is skipped');
  });
});

describe("one bad package never hides a good one", () => {
  it("keeps the good entries and the good taiku plugin of a package whose other entries are broken, and every other package", async () => {
    const pkg = {
      ...pluginPackage("@t/mixed", "mixed-frame"),
      piWeb: { plugin: "x.js", plugins: [{ id: "good", module: "pi-web-plugin.js" }, "bad.js", { id: "Bad", module: "pi-web-plugin.js" }, { id: "gone", module: "gone.js" }] },
    };
    await writePackage(local("mixed"), pkg, { "index.html": "<p>x</p>", ...module });
    await writePackage(local("broken-json"), "{ nope", module);
    await writePackage(local("neighbour"), piWebPackage("@t/neighbour", [{ id: "neighbour", module: "pi-web-plugin.js" }]), module);
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.plugins.map((p) => p.manifest.id)).toEqual(["mixed-frame"]);
    expect(moduleIds(discovery)).toEqual(["good", "neighbour"]);
    expect(rulesOf(discovery, "@t/mixed")).toEqual([
      ["legacy-plugin-shortcut", undefined],
      ["string-entry", undefined],
      ["invalid-id", undefined],
      ["missing-module", "gone"],
    ]);
    expect(rulesOf(discovery, "broken-json")).toEqual([["invalid-package-json", undefined]]);
  });

  it("keeps a package's taiku plugins when its folder name is not valid for modules", async () => {
    const pkg = { ...pluginPackage("@t/legacy-name", "frame"), piWeb: { plugins: [{ id: "mod", module: "pi-web-plugin.js" }] } };
    await writePackage(local("Legacy_Name"), pkg, { "index.html": "<p>x</p>", ...module });
    const discovery = await discoverPlugins(sandbox);
    expect(discovery.plugins.map((p) => p.manifest.id)).toEqual(["frame"]);
    expect(discovery.modules).toEqual([]);
    expect(rulesOf(discovery, "@t/legacy-name")).toEqual([["invalid-folder-name", undefined]]);
  });
});
