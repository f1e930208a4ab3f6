/**
 * `taiku plugin add <folder>`: validates a plugin package and links it into
 * `$TAIKU_DATA_DIR/plugins/<name>` (a symlink to the folder's real path), so
 * the running server lists it on its next manifest request. Nothing is
 * linked when the package has any problem or claims an id another package
 * already provides. Installing the same folder twice is a no-op.
 */
import { lstat, mkdir, realpath, symlink } from "node:fs/promises";
import path from "node:path";
import type { PluginId } from "@taiku/engine";
import { discoverPlugins, localPluginsDir } from "./discoverPlugins";
import { DEFAULT_BUNDLED_DIR } from "./listPlugins";
import { errorText, readPluginPackage } from "./readPluginPackage";
import { isMissing } from "./resolveAssetPath";

/** What {@link installPlugin} did, or why it refused. */
export type InstallResult =
  | {
      /** The symlink in the data dir. */
      readonly link: string;
      /** The ids the package provides. */
      readonly plugins: readonly PluginId[];
      /** True when the same folder was already linked there. */
      readonly alreadyInstalled: boolean;
    }
  | { readonly error: string };

/**
 * Validates the package at `folder` and symlinks it into `dataDir`'s
 * `plugins/` folder. Never throws for bad input: refusals are `{ error }`.
 */
export async function installPlugin(folder: string, dataDir: string, bundledDir: string = DEFAULT_BUNDLED_DIR): Promise<InstallResult> {
  let root: string;
  try {
    root = await realpath(path.resolve(folder));
  } catch (cause) {
    return { error: isMissing(cause) ? `no such folder: ${folder}` : `cannot read ${folder}: ${errorText(cause)}` };
  }
  const read = await readPluginPackage(root, new Map());
  if (read.problems.length > 0) {
    return { error: `${read.packageName} cannot be installed:\n${read.problems.map((p) => `  ${p}`).join("\n")}` };
  }
  const ids = read.plugins.map((plugin) => plugin.manifest.id);
  const existing = await discoverPlugins({ bundledDir, dataDir });
  for (const plugin of existing.plugins) {
    if (ids.includes(plugin.manifest.id) && plugin.root !== root) {
      return { error: `plugin id "${plugin.manifest.id}" is already provided by ${plugin.packageName} (${plugin.source}, ${plugin.folder})` };
    }
  }
  const dir = localPluginsDir(dataDir);
  const link = path.join(dir, linkName(read.packageName, ids[0] ?? "plugin"));
  try {
    await mkdir(dir, { recursive: true });
    const present = await ifPresent(() => lstat(link));
    if (present !== undefined) {
      const target = present.isSymbolicLink() ? await ifPresent(() => realpath(link)) : undefined;
      if (target === root) return { link, plugins: ids, alreadyInstalled: true };
      const what = present.isSymbolicLink() ? `a link to ${target ?? "a missing folder"}` : "not a link";
      return { error: `${link} already exists (${what}); remove it first` };
    }
    await symlink(root, link, "dir");
  } catch (cause) {
    return { error: `cannot link ${root} into ${dir}: ${errorText(cause)}` };
  }
  return { link, plugins: ids, alreadyInstalled: false };
}

/** The result of `read`, or `undefined` when the path does not exist. */
async function ifPresent<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (cause) {
    if (isMissing(cause)) return undefined;
    throw cause;
  }
}

/** A folder name from a package name (`@acme/plugin-x` → `acme-plugin-x`), or the plugin id. */
function linkName(packageName: string, fallback: string): string {
  const name = packageName.replace(/^@/, "").replace(/\//g, "-").toLowerCase();
  return /^[a-z0-9][a-z0-9._-]{0,127}$/.test(name) ? name : fallback;
}
