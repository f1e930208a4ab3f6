/**
 * Plugin discovery: every package folder in the bundled `plugins/` folder
 * and in `$TAIKU_DATA_DIR/plugins/` (real folders or symlinks to folders),
 * validated with the engine's manifest rules. Bundled packages come first,
 * then local ones, each in folder-name order; the first package to claim an
 * id keeps it and later claims are reported. Broken packages are reported by
 * name and never stop discovery.
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
import type { DiscoveredPlugin, PluginDiscovery, PluginFolders, PluginLoadError, PluginSource } from "./pluginTypes";
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
  const errors: PluginLoadError[] = [];
  const owners = new Map<string, DiscoveredPlugin>();
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
      for (const message of read.problems) errors.push({ source, package: read.packageName, message });
      if (read.root === undefined) continue;
      for (const { manifest, entryMtimeMs } of read.plugins) {
        const owner = owners.get(manifest.id);
        if (owner !== undefined) {
          errors.push({
            source,
            package: read.packageName,
            message: `duplicate plugin id "${manifest.id}": already provided by ${owner.packageName} (${owner.source}); this one is skipped`,
          });
          continue;
        }
        const plugin = {
          manifest,
          source,
          packageName: read.packageName,
          ...(read.description === undefined ? {} : { description: read.description }),
          ...(read.version === undefined ? {} : { version: read.version }),
          folder,
          root: read.root,
          entryMtimeMs,
        };
        owners.set(manifest.id, plugin);
        plugins.push(plugin);
      }
    }
  }
  return { plugins, errors };
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
