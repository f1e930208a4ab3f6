/**
 * One-shot plugin listing for the CLI (`taiku plugin list`): the same
 * discovery the server runs per request, without a cache. The bundled
 * folder defaults to the repository's `plugins/`.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { discoverPlugins } from "./discoverPlugins";
import type { PluginDiscovery } from "./pluginTypes";

/** The repository's bundled plugins folder. */
export const DEFAULT_BUNDLED_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../plugins");

/** Options of {@link listPlugins}. */
export interface ListPluginsOptions {
  /** `TAIKU_DATA_DIR`. */
  readonly dataDir: string;
  /** The bundled plugins folder; {@link DEFAULT_BUNDLED_DIR} by default. */
  readonly bundledDir?: string;
}

/** Every bundled and local plugin, and every package that could not be loaded. */
export function listPlugins(options: ListPluginsOptions): Promise<PluginDiscovery> {
  return discoverPlugins({ bundledDir: options.bundledDir ?? DEFAULT_BUNDLED_DIR, dataDir: options.dataDir });
}
