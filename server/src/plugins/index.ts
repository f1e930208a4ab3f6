/**
 * Plugin discovery and serving: what the server mounts
 * ({@link createPluginRoutes}) and what the CLI calls (`taiku plugin
 * add|list|remove`).
 */
export type { DiscoveredPlugin, PluginDiscovery, PluginFolders, PluginLoadError, PluginSource } from "./pluginTypes";
export type { DiscoveryCache } from "./discoverPlugins";
export { discoverPlugins, createDiscoveryCache, localPluginsDir } from "./discoverPlugins";
export type { PluginRoutesOptions } from "./createPluginRoutes";
export { createPluginRoutes } from "./createPluginRoutes";
export type { PluginManifestResponse } from "./pluginManifestResponse";
export { pluginManifestResponseSchema, manifestPluginSchema, entryUrl } from "./pluginManifestResponse";
export { buildPluginCsp, PLUGIN_SANDBOX_FLAGS } from "./buildPluginCsp";
export type { ListPluginsOptions } from "./listPlugins";
export { listPlugins, DEFAULT_BUNDLED_DIR } from "./listPlugins";
export type { InstallResult } from "./installPlugin";
export { installPlugin } from "./installPlugin";
export type { RemoveResult } from "./removePlugin";
export { removePlugin } from "./removePlugin";
