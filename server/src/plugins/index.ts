/**
 * Plugin discovery and serving (sandboxed taiku plugins and trusted Pi Web
 * modules): what the server mounts
 * ({@link createPluginRoutes}) and what the CLI calls (`taiku plugin
 * add|list|remove`).
 */
export type {
  DiscoveredModule,
  DiscoveredPlugin,
  PackageProblem,
  PiWebModuleSpec,
  PluginDiscovery,
  PluginFolders,
  PluginLoadError,
  PluginRule,
  PluginScope,
  PluginSource,
} from "./pluginTypes";
export type { DiscoveryCache } from "./discoverPlugins";
export { discoverPlugins, createDiscoveryCache, localPluginsDir } from "./discoverPlugins";
export type { PluginRoutesOptions } from "./createPluginRoutes";
export { createPluginRoutes } from "./createPluginRoutes";
export type { PluginManifestResponse, PiWebManifestResponse } from "./pluginManifestResponse";
export {
  pluginManifestResponseSchema,
  piWebManifestResponseSchema,
  manifestPluginSchema,
  manifestModuleSchema,
  manifestErrorSchema,
  entryUrl,
  moduleUrl,
} from "./pluginManifestResponse";
export { buildPluginCsp, PLUGIN_SANDBOX_FLAGS } from "./buildPluginCsp";
export type { ListPluginsOptions } from "./listPlugins";
export { listPlugins, DEFAULT_BUNDLED_DIR } from "./listPlugins";
export type { InstallResult } from "./installPlugin";
export { installPlugin } from "./installPlugin";
export type { RemoveResult } from "./removePlugin";
export { removePlugin } from "./removePlugin";
