/**
 * The Pi Web module runtime without a browser: modules come from a stand-in
 * `import()`, so each rule is checked on its own — qualification and the
 * shared order, the default export's shape, invalid and duplicate
 * contribution ids, one error boundary per plugin call, shortcuts that are
 * already taken, rejected runs, labels' items, and the runtime helpers with
 * no taiku meaning.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PiWebTaiku, Workspace, WorkspaceLabelContribution } from "@taiku/plugin-sdk";
import { compareOrdered, qualify, sortOrdered } from "./contributionIds";
import { labelItems } from "./labelItems";
import { activeModules, moduleActions, moduleLabels, modulePanels, normalizeShortcut } from "./moduleContributions";
import { loadModule, loadPiWebModules, parseModuleEntries, piWebModules, type ModuleEntry, type Qualified } from "./piWebModules";
import { clearPluginFailures, failuresOf, guard, pluginFailures } from "./pluginFailures";
import { createRuntimeContext } from "./runtimeContext";
import { toasts } from "../ui/toastStore";

const html = ((strings: TemplateStringsArray, ...values: unknown[]) => ({ strings, values })) as never;
const taiku = () => ({}) as PiWebTaiku;
const workspace: Workspace = { id: "w1", projectId: "p1", path: "/home/ada/shop", label: "shop", branch: "main", isMain: true, isGitRepo: true, isGitWorktree: false };

function entry(id: string): ModuleEntry {
  return { id, module: `/pi-web-plugins/${id}/pi-web-plugin.js?v=1`, source: "local", scope: "local", packageName: id };
}

/** A loader whose modules are the given default exports (or thrown errors). */
function loader(modules: Record<string, unknown>) {
  return {
    html,
    taiku,
    importModule: async (url: string) => {
      const id = url.split("/")[2] ?? "";
      const value = modules[id];
      if (value instanceof Error) throw value;
      return { default: value };
    },
  };
}

/** Lets deferred failure records land. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

let errors: { mock: { calls: unknown[][] }; mockRestore(): void };
beforeEach(() => {
  clearPluginFailures();
  errors = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => errors.mockRestore());

describe("qualified ids and the shared order", () => {
  it("qualifies a local id with its plugin id", () => {
    expect(qualify("info", "workspace.show-path")).toBe("info:workspace.show-path");
  });

  it("sorts by order (missing is 0), then by qualified id", () => {
    const items = [
      { qualifiedId: "zeta:a", order: 10 },
      { qualifiedId: "beta:a", order: 100 },
      { qualifiedId: "alpha:b", order: 100 },
      { qualifiedId: "gamma:a" },
      { qualifiedId: "alpha:a", order: -1 },
    ];
    expect(sortOrdered(items).map((item) => item.qualifiedId)).toEqual(["alpha:a", "gamma:a", "zeta:a", "alpha:b", "beta:a"]);
    expect(compareOrdered({ qualifiedId: "a:x", order: Number.NaN }, { qualifiedId: "a:y" })).toBeLessThan(0);
  });
});

describe("loading a module", () => {
  it("activates a valid module once with apiVersion, pluginId, html and taiku, and qualifies its contributions", async () => {
    const activate = vi.fn((_context: unknown) => ({
      contributions: {
        actions: [{ id: "go", title: "Go", run: () => {} }],
        workspacePanels: [{ id: "panel", title: "Panel", order: 5, render: () => html }],
        workspaceLabels: [{ id: "label", items: () => [] }],
      },
    }));
    const loaded = await loadModule(entry("good"), loader({ good: { apiVersion: 1, name: "Good", activate } }));
    expect(activate).toHaveBeenCalledTimes(1);
    expect(activate.mock.calls[0]?.[0]).toMatchObject({ apiVersion: 1, pluginId: "good", html });
    expect(loaded.status).toBe("active");
    expect(loaded.actions.map((a) => a.qualifiedId)).toEqual(["good:go"]);
    expect(loaded.panels.map((p) => [p.qualifiedId, p.order])).toEqual([["good:panel", 5]]);
    expect(loaded.labels.map((l) => l.qualifiedId)).toEqual(["good:label"]);
  });

  it("a module that throws at import, lacks apiVersion 1, a name or activate, or throws in activate is failed and logged by plugin", async () => {
    const cases: Record<string, unknown> = {
      "throws-import": new Error("boom at import"),
      "no-default": undefined,
      "old-api": { apiVersion: 2, name: "Old", activate: () => ({ contributions: {} }) },
      "no-name": { apiVersion: 1, activate: () => ({ contributions: {} }) },
      "no-activate": { apiVersion: 1, name: "Lazy" },
      "throws-activate": { apiVersion: 1, name: "Bad", activate: () => { throw new Error("boom in activate"); } },
      "async-activate": { apiVersion: 1, name: "Slow", activate: async () => ({ contributions: {} }) },
    };
    for (const id of Object.keys(cases)) {
      const loaded = await loadModule(entry(id), loader(cases));
      expect(loaded.status, id).toBe("failed");
    }
    await settle();
    expect(failuresOf("throws-import")).toEqual([{ pluginId: "throws-import", contribution: "import", message: "boom at import" }]);
    expect(failuresOf("old-api")[0]?.message).toContain("apiVersion is 2, not 1");
    expect(failuresOf("no-name")[0]?.message).toContain("no name");
    expect(failuresOf("no-activate")[0]?.message).toContain("no activate function");
    expect(failuresOf("throws-activate")[0]).toMatchObject({ contribution: "activate", message: "boom in activate" });
    expect(failuresOf("async-activate")[0]?.message).toContain("synchronously");
    expect(errors.mock.calls.map((call: unknown[]) => call[0])).toContain("[taiku] plugin throws-activate: activate failed: boom in activate");
  });

  it("skips and reports contributions with invalid or duplicate ids or missing callbacks, keeping the valid ones", async () => {
    const loaded = await loadModule(
      entry("mixed"),
      loader({
        mixed: {
          apiVersion: 1,
          name: "Mixed",
          activate: () => ({
            contributions: {
              actions: [
                { id: "Upper", title: "x", run: () => {} },
                { id: "9lives", title: "x", run: () => {} },
                { title: "no id", run: () => {} },
                "not an object",
                { id: "ok", title: "Ok", run: () => {} },
                { id: "ok", title: "Again", run: () => {} },
                { id: "no-run", title: "No run" },
              ],
              workspacePanels: { id: "not-an-array" },
            },
          }),
        },
      }),
    );
    expect(loaded.status).toBe("active");
    expect(loaded.actions.map((a) => a.qualifiedId)).toEqual(["mixed:ok"]);
    expect(loaded.panels).toEqual([]);
    await settle();
    const messages = failuresOf("mixed").map((f) => f.message);
    expect(messages.filter((m) => m.includes("invalid contribution id"))).toHaveLength(4);
    expect(messages).toContain("skipped duplicate actions id mixed:ok");
    expect(messages).toContain("skipped mixed:no-run: run must be a function");
    expect(messages).toContain("contributions.workspacePanels is not an array");
  });

  it("one broken module never stops another, a skipped one is not imported, and a module loads once per page", async () => {
    const imports: string[] = [];
    const base = loader({ fine: { apiVersion: 1, name: "Fine", activate: () => ({ contributions: {} }) }, broken: new Error("nope"), off: new Error("must not load") });
    const options = { ...base, importModule: (url: string) => (imports.push(url), base.importModule(url)) };
    await loadPiWebModules([entry("broken"), entry("fine"), entry("off")], (id) => id === "off", options);
    await loadPiWebModules([entry("fine")], () => false, options);
    expect(piWebModules().find((m) => m.entry.id === "fine")?.status).toBe("active");
    expect(piWebModules().find((m) => m.entry.id === "broken")?.status).toBe("failed");
    expect(piWebModules().some((m) => m.entry.id === "off")).toBe(false);
    expect(imports.filter((url) => url.includes("/fine/"))).toHaveLength(1);
  });

  it("reads the manifest's module entries and drops malformed ones", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const parsed = parseModuleEntries([
      { id: "info", module: "/pi-web-plugins/info/pi-web-plugin.js?v=1", source: "bundled", scope: "bundled", packageName: "@taiku/plugin-info" },
      { id: "Bad", module: "/pi-web-plugins/Bad/x.js" },
      { id: "elsewhere", module: "https://evil.example/x.js" },
      "nope",
    ]);
    expect(parsed.map((e) => e.id)).toEqual(["info"]);
    expect(parseModuleEntries({ not: "an array" })).toEqual([]);
  });
});

describe("calls into plugin code", () => {
  it("guard returns the fallback for a throw, logs plugin and contribution, and records each failure once", async () => {
    for (let i = 0; i < 3; i++) expect(guard("p", "p:panel visible", () => { throw new Error("flaky"); }, false)).toBe(false);
    await settle();
    expect(pluginFailures()).toEqual([{ pluginId: "p", contribution: "p:panel visible", message: "flaky" }]);
    expect(errors.mock.calls[0]?.[0]).toBe("[taiku] plugin p: p:panel visible failed: flaky");
  });

  it("labels: hidden or throwing visible shows nothing, items must be an array of known item types", async () => {
    const label = (spec: Partial<WorkspaceLabelContribution>): Qualified<WorkspaceLabelContribution> => ({
      pluginId: "lab",
      pluginName: "Lab",
      qualifiedId: "lab:x",
      spec: { id: "x", items: () => [], ...spec },
    });
    expect(labelItems(label({ visible: () => false, items: () => [{ type: "text", text: "a" }] }), workspace)).toEqual([]);
    expect(labelItems(label({ visible: () => { throw new Error("v"); }, items: () => [{ type: "text", text: "a" }] }), workspace)).toEqual([]);
    expect(labelItems(label({ items: () => "text" as never }), workspace)).toEqual([]);
    expect(labelItems(label({ items: () => { throw new Error("i"); } }), workspace)).toEqual([]);
    const items = labelItems(label({ items: ({ workspace: w }) => [{ type: "text", text: w.label }, { type: "html", text: "<b>" } as never, { type: "render", render: () => html }] }), workspace);
    expect(items.map((item) => item.type)).toEqual(["text", "render"]);
    await settle();
    expect(failuresOf("lab").map((f) => f.contribution)).toEqual(["lab:x visible", "lab:x items", "lab:x items", "lab:x items"]);
  });

  it("panels and labels of all active modules share one order, and a module turned off contributes nothing", async () => {
    await loadPiWebModules(
      [entry("one"), entry("two")],
      () => false,
      loader({
        one: { apiVersion: 1, name: "One", activate: () => ({ contributions: { workspacePanels: [{ id: "b", title: "B", order: 100, render: () => html }], workspaceLabels: [{ id: "l", order: 2, items: () => [] }] } }) },
        two: { apiVersion: 1, name: "Two", activate: () => ({ contributions: { workspacePanels: [{ id: "a", title: "A", order: 100, render: () => html }, { id: "z", title: "Z", order: 1, render: () => html }], workspaceLabels: [{ id: "l", order: 1, items: () => [] }] } }) },
      }),
    );
    const mine = piWebModules().filter((m) => m.entry.id === "one" || m.entry.id === "two");
    expect(modulePanels(activeModules(mine, [])).map((p) => p.qualifiedId)).toEqual(["two:z", "one:b", "two:a"]);
    expect(moduleLabels(activeModules(mine, [])).map((l) => l.qualifiedId)).toEqual(["two:l", "one:l"]);
    expect(modulePanels(activeModules(mine, ["two"])).map((p) => p.qualifiedId)).toEqual(["one:b"]);
  });

  it("actions: a taken shortcut is reported and not bound, enabled is asked on each read and a throw disables, a rejected run is an error toast", async () => {
    let enabledCalls = 0;
    const loaded = await loadModule(
      entry("acts"),
      loader({
        acts: {
          apiVersion: 1,
          name: "Acts",
          activate: () => ({
            contributions: {
              actions: [
                { id: "steal", title: "Steal", shortcut: "Mod+K", run: () => {} },
                { id: "mine", title: "Mine", shortcut: "mod+shift+p", enabled: () => (enabledCalls++, true), run: () => {} },
                { id: "clash", title: "Clash", shortcut: "shift+mod+P", run: () => {} },
                { id: "moody", title: "Moody", enabled: () => { throw new Error("moody"); }, run: () => {} },
                { id: "fails", title: "Fails", run: async () => { throw new Error("gave up"); } },
              ],
            },
          }),
        },
      }),
    );
    const entries = moduleActions([loaded], () => undefined, new Set([normalizeShortcut("Mod+K")]));
    expect(entries.map((e) => [e.key, e.shortcut])).toEqual([
      ["acts:steal", undefined],
      ["acts:mine", "Mod+Shift+P"],
      ["acts:clash", undefined],
      ["acts:moody", undefined],
      ["acts:fails", undefined],
    ]);
    expect(entries[1]?.disabled).toBe(false);
    expect(entries[1]?.disabled).toBe(false);
    expect(enabledCalls).toBe(2);
    expect(entries[3]?.disabled).toBe(true);
    entries[4]?.run();
    await settle();
    await settle();
    expect(toasts().some((toast) => toast.kind === "error" && toast.message === "Fails failed: gave up" && toast.source === "Acts")).toBe(true);
    expect(failuresOf("acts").map((f) => f.contribution)).toEqual(["acts:steal shortcut", "acts:clash shortcut", "acts:moody enabled", "acts:fails run"]);
  });

  it("runtime helpers with no taiku meaning reject unavailable; without a session the others say so", async () => {
    const context = createRuntimeContext(undefined);
    await expect(context.addProject()).rejects.toMatchObject({ code: "unavailable" });
    await expect(context.stopActiveWork()).rejects.toMatchObject({ code: "unavailable" });
    await expect(context.startSession()).rejects.toMatchObject({ code: "unavailable", message: "no session is open" });
    expect(() => context.selectWorkspaceTool("info:workspace.info")).toThrow("no session is open");
    expect(context.state).toEqual({});
  });
});
