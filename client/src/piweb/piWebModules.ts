/**
 * Pi Web modules in this page: the manifest's `modules` entries, each
 * imported with `import()` in its own error boundary, its default export
 * checked (`apiVersion: 1`, `name`, `activate` function), `activate` called
 * once with `{ apiVersion: 1, pluginId, html, taiku }`, and its
 * contributions checked: each must be an object with a valid local id
 * (`^[a-z][a-z0-9.-]*$`) and the callbacks its kind needs; anything else is
 * reported and skipped, never loaded. A module is loaded at most once per
 * page: turning one off hides its contributions at once, and a reload stops
 * its code.
 */
import { createSignal, type Accessor } from "solid-js";
import type { PiWebPlugin, PiWebTaiku, PluginAction, PluginActivationContext, WorkspaceLabelContribution, WorkspacePanelContribution } from "@taiku/plugin-sdk";
import { isLocalId, LOCAL_ID, qualify } from "./contributionIds";
import { guard, reportFailure } from "./pluginFailures";

/** A module entry of `GET /plugins/manifest.json` (`modules`). */
export interface ModuleEntry {
  readonly id: string;
  /** `/pi-web-plugins/<id>/<path>?v=<mtime>` */
  readonly module: string;
  readonly source: string;
  readonly scope: string;
  readonly packageName: string;
  readonly description?: string;
}

/** A contribution with its plugin and qualified id. */
export interface Qualified<T> {
  readonly pluginId: string;
  readonly pluginName: string;
  readonly qualifiedId: string;
  readonly order?: number | undefined;
  readonly spec: T;
}

/** Where a module is. */
export type ModuleStatus = "loading" | "active" | "failed";

/** A module as the page knows it. */
export interface LoadedModule {
  readonly entry: ModuleEntry;
  readonly status: ModuleStatus;
  /** The plugin's `name` once imported, else its id. */
  readonly name: string;
  readonly actions: readonly Qualified<PluginAction>[];
  readonly panels: readonly Qualified<WorkspacePanelContribution>[];
  readonly labels: readonly Qualified<WorkspaceLabelContribution>[];
}

/** Reads the manifest's `modules`; malformed entries are skipped with a console warning. */
export function parseModuleEntries(raw: unknown): ModuleEntry[] {
  if (!Array.isArray(raw)) return [];
  const entries: ModuleEntry[] = [];
  for (const item of raw as unknown[]) {
    const e = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof e.id !== "string" || !LOCAL_ID.test(e.id) || typeof e.module !== "string" || !e.module.startsWith("/pi-web-plugins/")) {
      console.warn("[taiku] ignored a malformed Pi Web module entry in the manifest", item);
      continue;
    }
    entries.push({
      id: e.id,
      module: e.module,
      source: typeof e.source === "string" ? e.source : "local",
      scope: typeof e.scope === "string" ? e.scope : "local",
      packageName: typeof e.packageName === "string" ? e.packageName : e.id,
      ...(typeof e.description === "string" && e.description !== "" ? { description: e.description } : {}),
    });
  }
  return entries;
}

function isFunction(value: unknown): value is (...args: never[]) => unknown {
  return typeof value === "function";
}

/** Why a default export is not a v1 plugin, or `undefined` when it is one. */
export function checkPluginExport(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "the module has no default export object";
  const plugin = value as Record<string, unknown>;
  if (plugin.apiVersion !== 1) return `the default export's apiVersion is ${JSON.stringify(plugin.apiVersion) ?? "missing"}, not 1`;
  if (typeof plugin.name !== "string" || plugin.name === "") return "the default export has no name";
  if (!isFunction(plugin.activate)) return "the default export has no activate function";
  return undefined;
}

type Kind = "actions" | "workspacePanels" | "workspaceLabels";
const REQUIRED: Readonly<Record<Kind, readonly [string, "string" | "function"][]>> = {
  actions: [["title", "string"], ["run", "function"]],
  workspacePanels: [["title", "string"], ["render", "function"]],
  workspaceLabels: [["items", "function"]],
};

/** The valid contributions of one kind; every invalid one is reported and skipped. */
function checkContributions<T extends { id: string; order?: number }>(pluginId: string, pluginName: string, kind: Kind, raw: unknown): Qualified<T>[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    reportFailure(pluginId, "activate", new Error(`contributions.${kind} is not an array`));
    return [];
  }
  const seen = new Set<string>();
  const valid: Qualified<T>[] = [];
  for (const [index, item] of (raw as unknown[]).entries()) {
    const spec = (typeof item === "object" && item !== null ? item : undefined) as Record<string, unknown> | undefined;
    const id = spec?.id;
    if (spec === undefined || !isLocalId(id)) {
      reportFailure(pluginId, "activate", new Error(`skipped ${kind}[${index}] with invalid contribution id ${JSON.stringify(id) ?? "(none)"}: ids must match ${LOCAL_ID.source}`));
      continue;
    }
    const qualifiedId = qualify(pluginId, id);
    if (seen.has(id)) {
      reportFailure(pluginId, "activate", new Error(`skipped duplicate ${kind} id ${qualifiedId}`));
      continue;
    }
    const missing = REQUIRED[kind].find(([field, type]) => (type === "function" ? !isFunction(spec[field]) : typeof spec[field] !== "string"));
    if (missing !== undefined) {
      reportFailure(pluginId, "activate", new Error(`skipped ${qualifiedId}: ${missing[0]} must be a ${missing[1]}`));
      continue;
    }
    seen.add(id);
    const order = typeof spec.order === "number" && Number.isFinite(spec.order) ? spec.order : undefined;
    valid.push({ pluginId, pluginName, qualifiedId, order, spec: spec as unknown as T });
  }
  return valid;
}

/** How modules are imported and what `activate` gets besides the seed's fields. */
export interface ModuleLoaderOptions {
  /** Imports a module URL (default: the browser's `import()`). */
  readonly importModule?: (url: string) => Promise<{ default?: unknown }>;
  /** Lit's `html` (or a stand-in in tests). */
  readonly html: PluginActivationContext["html"];
  /** The storage bound to a plugin (`context.taiku`). */
  readonly taiku: (pluginId: string) => PiWebTaiku;
}

/** Imports and activates one module; never throws. */
export async function loadModule(entry: ModuleEntry, options: ModuleLoaderOptions): Promise<LoadedModule> {
  const failed = (name = entry.id): LoadedModule => ({ entry, status: "failed", name, actions: [], panels: [], labels: [] });
  const importModule = options.importModule ?? ((url: string) => import(/* @vite-ignore */ url) as Promise<{ default?: unknown }>);
  let exported: unknown;
  try {
    exported = (await importModule(entry.module)).default;
  } catch (error) {
    reportFailure(entry.id, "import", error);
    return failed();
  }
  const problem = checkPluginExport(exported);
  if (problem !== undefined) {
    reportFailure(entry.id, "import", new Error(problem));
    return failed();
  }
  const plugin = exported as PiWebPlugin;
  const context: PluginActivationContext = { apiVersion: 1, pluginId: entry.id, html: options.html, taiku: options.taiku(entry.id) };
  let result: unknown;
  try {
    result = plugin.activate(context);
  } catch (error) {
    reportFailure(entry.id, "activate", error);
    return failed(plugin.name);
  }
  if (result instanceof Promise) {
    // activate must return its contributions synchronously; a promise has none.
    reportFailure(entry.id, "activate", new Error("activate returned a promise; it must return { contributions } synchronously"));
    return failed(plugin.name);
  }
  const contributions = guard(entry.id, "activate", () => (result as { contributions?: unknown } | null)?.contributions, undefined);
  if (typeof contributions !== "object" || contributions === null) {
    reportFailure(entry.id, "activate", new Error("activate did not return { contributions }"));
    return failed(plugin.name);
  }
  const c = contributions as Record<string, unknown>;
  return {
    entry,
    status: "active",
    name: plugin.name,
    actions: checkContributions<PluginAction & { order?: number }>(entry.id, plugin.name, "actions", c.actions),
    panels: checkContributions<WorkspacePanelContribution>(entry.id, plugin.name, "workspacePanels", c.workspacePanels),
    labels: checkContributions<WorkspaceLabelContribution>(entry.id, plugin.name, "workspaceLabels", c.workspaceLabels),
  };
}

const [modules, setModules] = createSignal<readonly LoadedModule[]>([]);

/** Every module this page has started loading, in manifest order, reactive. */
export const piWebModules: Accessor<readonly LoadedModule[]> = modules;

/**
 * Loads each entry not loaded yet (and not in `skip`), each in its own error
 * boundary; resolves when all have settled. A module's failure never stops
 * the others.
 */
export async function loadPiWebModules(entries: readonly ModuleEntry[], skip: (pluginId: string) => boolean, options: ModuleLoaderOptions): Promise<void> {
  const fresh = entries.filter((entry) => !skip(entry.id) && !modules().some((m) => m.entry.id === entry.id));
  if (fresh.length === 0) return;
  setModules((all) => [...all, ...fresh.map((entry): LoadedModule => ({ entry, status: "loading", name: entry.id, actions: [], panels: [], labels: [] }))]);
  await Promise.all(
    fresh.map(async (entry) => {
      let loaded: LoadedModule;
      try {
        loaded = await loadModule(entry, options);
      } catch (error) {
        reportFailure(entry.id, "import", error);
        loaded = { entry, status: "failed", name: entry.id, actions: [], panels: [], labels: [] };
      }
      setModules((all) => all.map((m) => (m.entry.id === entry.id ? loaded : m)));
    }),
  );
}

