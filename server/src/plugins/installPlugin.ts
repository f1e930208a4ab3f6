/**
 * `taiku plugin add <folder>`: validates a plugin package and links it into
 * `$TAIKU_DATA_DIR/plugins/<name>` (a symlink to the folder's real path), so
 * the running server lists it on its next manifest request. Nothing is
 * linked when the package has any problem or claims an id another package
 * already provides. Installing the same folder twice is a no-op.
 *
 * This is taiku's only notion of an installed package: it becomes a local
 * package (source and scope `local`) like one linked in by hand. The link's
 * name is a valid package folder name (`^[a-z][a-z0-9.-]*$`), so a package
 * with Pi Web modules installs as well as one with taiku plugins.
 */
import { lstat, mkdir, realpath, symlink } from "node:fs/promises";
import path from "node:path";
import type { PluginId } from "@taiku/engine";
import { discoverPlugins, localPluginsDir } from "./discoverPlugins";
import { DEFAULT_BUNDLED_DIR } from "./listPlugins";
import { errorText, isPackageFolderName, readPluginPackage } from "./readPluginPackage";
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
    return { error: `${read.packageName} cannot be installed:\n${read.problems.map((p) => `  ${p.message}`).join("\n")}` };
  }
  const ids = [...read.plugins.map((plugin) => plugin.manifest.id), ...read.modules.map((module) => module.spec.id)];
  const existing = await discoverPlugins({ bundledDir, dataDir });
  const claimed = [
    ...existing.plugins.map((plugin) => ({ id: plugin.manifest.id, owner: plugin })),
    ...existing.modules.map((module) => ({ id: module.spec.id, owner: module })),
  ];
  for (const { id, owner } of claimed) {
    if (ids.includes(id) && owner.root !== root) {
      return { error: `plugin id "${id}" is already provided by ${owner.packageName} (${owner.source}, ${owner.folder})` };
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

/**
 * A folder name from a package name (`@acme/plugin-x` → `acme-plugin-x`), or
 * the first plugin id (ids are valid folder names) when the name does not
 * make a valid package folder name.
 */
function linkName(packageName: string, fallback: string): string {
  const name = packageName.replace(/^@/, "").replace(/\//g, "-").toLowerCase();
  return name.length <= 128 && isPackageFolderName(name) ? name : fallback;
}
