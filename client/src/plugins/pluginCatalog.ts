/**
 * The plugins this server offers (sandboxed plugins and trusted Pi Web
 * modules), from `GET /plugins/manifest.json`, cached
 * in localStorage (`taiku:plugin-manifest`) so a session reopens offline
 * with the same plugins.
 */
import { createSignal } from "solid-js";
import type { PluginManifest } from "@taiku/engine";
import { parseModuleEntries, type ModuleEntry } from "../piweb/piWebModules";

/** A discovered plugin as the host uses it. */
export interface CatalogPlugin extends PluginManifest {
  /** URL of the plugin's entry page, cache-buster included. */
  readonly entryUrl: string;
  /** Where the server found it (`bundled`, `local`). */
  readonly source: string;
  /** What the plugin is for, in its author's words (its package's `description`). */
  readonly description?: string;
  /** Its package's `version`; `""` when the package has none. */
  readonly version: string;
}

/** The catalog: plugins, Pi Web modules, and the discovery errors the server reported. */
export interface PluginCatalog {
  readonly plugins: readonly CatalogPlugin[];
  /** Trusted Pi Web modules (`piWeb.plugins`), run in this page. */
  readonly modules: readonly ModuleEntry[];
  readonly errors: readonly string[];
}

const CACHE_KEY = "taiku:plugin-manifest";

function parseCatalog(raw: unknown): PluginCatalog {
  const r = (typeof raw === "object" && raw !== null ? raw : {}) as { plugins?: unknown; modules?: unknown; errors?: unknown };
  const plugins: CatalogPlugin[] = [];
  for (const item of Array.isArray(r.plugins) ? r.plugins : []) {
    const p = item as Record<string, unknown> & { manifest?: Record<string, unknown> };
    const manifest = (typeof p.manifest === "object" && p.manifest !== null ? { ...p.manifest, ...p } : p) as Record<string, unknown>;
    if (typeof manifest.id !== "string" || (typeof manifest.entry !== "string" && typeof manifest.entryUrl !== "string")) continue;
    const contributions = (manifest.contributions ?? {}) as Record<string, unknown>;
    plugins.push({
      ...(manifest as unknown as PluginManifest),
      permissions: Array.isArray(manifest.permissions) ? (manifest.permissions as PluginManifest["permissions"]) : [],
      settings: Array.isArray(manifest.settings) ? (manifest.settings as PluginManifest["settings"]) : [],
      secrets: Array.isArray(manifest.secrets) ? (manifest.secrets as PluginManifest["secrets"]) : [],
      network: Array.isArray(manifest.network) ? (manifest.network as string[]) : [],
      contributions: {
        panels: Array.isArray(contributions.panels) ? contributions.panels : [],
        actions: Array.isArray(contributions.actions) ? contributions.actions : [],
        statusLabels: Array.isArray(contributions.statusLabels) ? contributions.statusLabels : [],
      } as PluginManifest["contributions"],
      name: typeof manifest.name === "string" ? manifest.name : manifest.id,
      entry: typeof manifest.entry === "string" ? manifest.entry : "",
      entryUrl: typeof manifest.entryUrl === "string" ? manifest.entryUrl : `/plugins/${manifest.id}/${String(manifest.entry)}`,
      source: typeof manifest.source === "string" ? manifest.source : "bundled",
      version: typeof manifest.version === "string" ? manifest.version : "",
      ...(typeof manifest.description === "string" && manifest.description !== "" ? { description: manifest.description } : {}),
    });
  }
  const errors = (Array.isArray(r.errors) ? r.errors : []).map((e: unknown) =>
    typeof e === "string" ? e : typeof e === "object" && e !== null && "message" in e
        ? `${String((e as { plugin?: unknown; package?: unknown }).plugin ?? (e as { package?: unknown }).package ?? "")} ${String((e as { message: unknown }).message)}${typeof (e as { rule?: unknown }).rule === "string" ? ` (${String((e as { rule?: unknown }).rule)})` : ""}`.trim()
        : JSON.stringify(e),
  );
  return { plugins, modules: parseModuleEntries(r.modules), errors };
}

function loadCached(): PluginCatalog {
  const raw = localStorage.getItem(CACHE_KEY);
  return raw === null ? { plugins: [], modules: [], errors: [] } : parseCatalog(JSON.parse(raw));
}

const [catalog, setCatalog] = createSignal<PluginCatalog>(loadCached());

/** The plugin catalog, reactive (the cached copy until a fetch succeeds). */
export { catalog };

/** Fetches the manifest; on failure keeps the cached catalog and returns the reason. */
export async function refreshCatalog(): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch("/plugins/manifest.json", { cache: "no-store" });
  } catch (cause) {
    return `plugin manifest unavailable: ${String(cause)}`;
  }
  if (!response.ok) return `plugin manifest: HTTP ${response.status}`;
  const raw: unknown = await response.json();
  localStorage.setItem(CACHE_KEY, JSON.stringify(raw));
  const next = reconcile(catalog(), parseCatalog(raw));
  if (next !== catalog()) setCatalog(next);
  return undefined;
}

/**
 * `next`, keeping `current`'s object for every plugin that did not change, and
 * `current` itself when nothing did, so a refetch (the manager refetches on
 * open and on focus) never re-creates what the page shows for a plugin, such
 * as a card the user is reviewing.
 */
function reconcile(current: PluginCatalog, next: PluginCatalog): PluginCatalog {
  const previous = new Map(current.plugins.map((plugin) => [plugin.id, plugin]));
  const plugins = next.plugins.map((plugin) => {
    const old = previous.get(plugin.id);
    return old !== undefined && JSON.stringify(old) === JSON.stringify(plugin) ? old : plugin;
  });
  const modulesSame = JSON.stringify(next.modules) === JSON.stringify(current.modules);
  const unchanged =
    plugins.length === current.plugins.length &&
    plugins.every((plugin, i) => plugin === current.plugins[i]) &&
    modulesSame &&
    JSON.stringify(next.errors) === JSON.stringify(current.errors);
  return unchanged ? current : { plugins, modules: modulesSame ? current.modules : next.modules, errors: next.errors };
}

/** The catalog entry for `pluginId`, if discovered. */
export function findPlugin(pluginId: string): CatalogPlugin | undefined {
  return catalog().plugins.find((p) => p.id === pluginId);
}
