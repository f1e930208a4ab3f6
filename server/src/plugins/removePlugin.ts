/**
 * `taiku plugin remove <id>`: unlinks the local package that provides a
 * plugin id (of a taiku plugin or a Pi Web module) (or, for a package too broken to provide any, the folder of that
 * name) from `$TAIKU_DATA_DIR/plugins/`. Only links are removed; a real
 * folder someone copied there is left alone and named in the refusal, and
 * bundled plugins cannot be removed.
 */
import { lstat, unlink } from "node:fs/promises";
import path from "node:path";
import type { PluginId } from "@taiku/engine";
import { discoverPlugins, localPluginsDir } from "./discoverPlugins";
import { DEFAULT_BUNDLED_DIR } from "./listPlugins";
import { errorText } from "./readPluginPackage";
import { isMissing } from "./resolveAssetPath";

/** What {@link removePlugin} did, or why it refused. */
export type RemoveResult =
  | {
      /** The link that was removed. */
      readonly removed: string;
      /** Every plugin id the removed package provided (a package may hold several). */
      readonly plugins: readonly PluginId[];
    }
  | { readonly error: string };

/** Removes the local plugin package providing `id`. Never throws: refusals are `{ error }`. */
export async function removePlugin(id: string, dataDir: string, bundledDir: string = DEFAULT_BUNDLED_DIR): Promise<RemoveResult> {
  const discovery = await discoverPlugins({ bundledDir, dataDir });
  const provided = [
    ...discovery.plugins.map((plugin) => ({ id: plugin.manifest.id, source: plugin.source, folder: plugin.folder })),
    ...discovery.modules.map((module) => ({ id: module.spec.id, source: module.source, folder: module.folder })),
  ];
  const owner = provided.find((plugin) => plugin.id === id);
  if (owner?.source === "bundled") return { error: `"${id}" is a bundled plugin (${owner.folder}); bundled plugins cannot be removed` };
  const dir = localPluginsDir(dataDir);
  const byFolderName = /^[^/\\.][^/\\]*$/.test(id) ? path.join(dir, id) : undefined;
  const folder = owner?.folder ?? byFolderName;
  if (folder === undefined) return { error: `no local plugin "${id}"` };
  try {
    const stats = await lstat(folder);
    if (!stats.isSymbolicLink()) {
      return { error: `${folder} is a real folder, not a link made by "taiku plugin add"; delete it yourself if you mean to` };
    }
    await unlink(folder);
  } catch (cause) {
    return { error: isMissing(cause) ? `no local plugin "${id}"` : `cannot remove ${folder}: ${errorText(cause)}` };
  }
  const plugins = provided.filter((plugin) => plugin.folder === folder).map((plugin) => plugin.id as PluginId);
  return { removed: folder, plugins };
}
