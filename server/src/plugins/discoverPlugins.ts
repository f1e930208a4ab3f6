/**
 * Plugin discovery: every package folder in the bundled `plugins/` folder
 * and in `$TAIKU_DATA_DIR/plugins/` (real folders or symlinks to folders),
 * with its sandboxed taiku plugins (`taiku.plugins`) and its trusted Pi Web
 * modules (`piWeb.plugins`). Bundled packages come first, then local ones,
 * each in folder-name order, and within a package taiku plugins before
 * modules; the two kinds share one id namespace, so the first package to
 * claim an id keeps it and every later claim (of either kind) is skipped
 * and reported naming both packages. Broken packages are reported by name
 * and rule and never stop discovery.
 *
 * These two folders are the only places modules come from: both are the
 * operator's (the server's install and its data folder), and nothing a
 * session member uploads is ever stored under either (plugin files live in
 * `$TAIKU_DATA_DIR/files/`). `taiku plugin add` installs by linking into the
 * local folder, so an installed package is a local one.
 *
 * Discovery runs on every request and stays cheap through a
 * {@link DiscoveryCache}: folder listings are re-read only when the folder's
 * modification time changes and each `package.json` only when its own does,
 * so edits, installs and removals show up on the next request without a
 * restart.
 */
import { readdir, stat } from "node:fs/promises";
import type { Dirent } from "node:fs";
import path from "node:path";
import type { DiscoveredModule, DiscoveredPlugin, PluginDiscovery, PluginFolders, PluginLoadError, PluginSource } from "./pluginTypes";
import { errorText, readPluginPackage, type PackageCache } from "./readPluginPackage";
import { isMissing } from "./resolveAssetPath";

/** What discovery remembers between runs. Create one per server with {@link createDiscoveryCache}. */
export interface DiscoveryCache {
  /** Folder listings by folder path, with the folder's modification time. */
  readonly listings: Map<string, { readonly mtimeMs: number; readonly names: readonly string[] }>;
  /** Parsed package metadata by package folder. */
  readonly packages: PackageCache;
}

/** An empty cache. */
export function createDiscoveryCache(): DiscoveryCache {
  return { listings: new Map(), packages: new Map() };
}

/** The folder local plugins are installed in: `<dataDir>/plugins`. */
export function localPluginsDir(dataDir: string): string {
  return path.join(dataDir, "plugins");
}

/**
 * Finds every plugin in the bundled and local folders. Never throws for a
 * broken package or folder; those become {@link PluginDiscovery.errors}.
 */
export async function discoverPlugins(folders: PluginFolders, cache: DiscoveryCache = createDiscoveryCache()): Promise<PluginDiscovery> {
  const plugins: DiscoveredPlugin[] = [];
  const modules: DiscoveredModule[] = [];
  const errors: PluginLoadError[] = [];
  /** Who holds each id: the package and the kind of plugin, for the duplicate report. */
  const owners = new Map<string, { readonly packageName: string; readonly source: PluginSource; readonly kind: string }>();
  const sources: ReadonlyArray<readonly [PluginSource, string]> = [
    ["bundled", folders.bundledDir],
    ["local", localPluginsDir(folders.dataDir)],
  ];
  for (const [source, dir] of sources) {
    const listing = await listPackageFolders(dir, cache);
    if ("error" in listing) {
      errors.push({ source, package: dir, message: listing.error });
      continue;
    }
    for (const name of listing.names) {
      const folder = path.join(dir, name);
      const read = await readPluginPackage(folder, cache.packages);
      for (const problem of read.problems) errors.push({ source, package: read.packageName, ...problem });
      if (read.root === undefined) continue;
      const { packageName, root } = read;
      const description = read.description === undefined ? {} : { description: read.description };
      const version = read.version === undefined ? {} : { version: read.version };
      /** Claims `id` for this package, or reports the duplicate and returns false. */
      const claim = (id: string, kind: string): boolean => {
        const owner = owners.get(id);
        if (owner === undefined) {
          owners.set(id, { packageName, source, kind });
          return true;
        }
        errors.push({
          source,
          package: packageName,
          rule: "duplicate-id",
          plugin: id,
          message: `duplicate plugin id "${id}": already provided by ${owner.packageName} (${owner.source}, ${owner.kind}); this ${kind} of ${packageName} (${source}) is skipped`,
        });
        return false;
      };
      for (const { manifest, entryMtimeMs } of read.plugins) {
        if (!claim(manifest.id, "taiku plugin")) continue;
        plugins.push({ manifest, source, packageName, ...description, ...version, folder, root, entryMtimeMs });
      }
      for (const { spec, moduleMtimeMs } of read.modules) {
        if (!claim(spec.id, "Pi Web module")) continue;
        modules.push({ spec, source, scope: source, packageName, ...description, folder, root, moduleMtimeMs });
      }
    }
  }
  return { plugins, modules, errors };
}

/**
 * The candidate package folders in `dir`: sub-folders and symlinks, without
 * dot-names, sorted. A missing `dir` has none; an unreadable one is an error.
 */
async function listPackageFolders(dir: string, cache: DiscoveryCache): Promise<{ readonly names: readonly string[] } | { readonly error: string }> {
  let mtimeMs: number;
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) return { error: `plugins folder ${dir} is not a folder` };
    mtimeMs = info.mtimeMs;
  } catch (cause) {
    if (isMissing(cause)) return { names: [] };
    return { error: `plugins folder ${dir} cannot be read: ${errorText(cause)}` };
  }
  const cached = cache.listings.get(dir);
  if (cached !== undefined && cached.mtimeMs === mtimeMs) return cached;
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    return { error: `plugins folder ${dir} cannot be listed: ${errorText(cause)}` };
  }
  const names = entries
    .filter((entry) => !entry.name.startsWith(".") && (entry.isDirectory() || entry.isSymbolicLink()))
    .map((entry) => entry.name)
    .sort();
  const listing = { mtimeMs, names };
  cache.listings.set(dir, listing);
  return listing;
}
