/**
 * What plugin discovery finds: the plugins that can be served, each tied to
 * the package folder it came from, and every package that could not be used,
 * by name. These types are shared by discovery, the HTTP routes and the CLI.
 */
import type { PluginManifest } from "@taiku/engine";

/** Where a plugin package lives: shipped in `plugins/`, or under `$TAIKU_DATA_DIR/plugins/`. */
export type PluginSource = "bundled" | "local";

/** The two folders plugins are discovered in. */
export interface PluginFolders {
  /** The bundled plugins folder (the repository's `plugins/`). */
  readonly bundledDir: string;
  /** `TAIKU_DATA_DIR`; local plugins live in its `plugins/` folder. */
  readonly dataDir: string;
}

/** A plugin ready to serve. */
export interface DiscoveredPlugin {
  readonly manifest: PluginManifest;
  readonly source: PluginSource;
  /** The package's `name`, or its folder name when it has none. */
  readonly packageName: string;
  /** The package's `description`, when it has one. */
  readonly description?: string;
  /** The package's `version`, when it has one. */
  readonly version?: string;
  /** The package folder as found (for local plugins, possibly a symlink). */
  readonly folder: string;
  /** The package folder's real path; no asset is served from outside it. */
  readonly root: string;
  /** Modification time of the entry file, in whole milliseconds (the URL's cache-buster). */
  readonly entryMtimeMs: number;
}

/** A package (or one plugin of it) that could not be used, and why. */
export interface PluginLoadError {
  readonly source: PluginSource;
  /** The package's `name`, or its folder name when the name cannot be read. */
  readonly package: string;
  readonly message: string;
}

/** Everything discovery found, bundled plugins first. */
export interface PluginDiscovery {
  /** Servable plugins; ids are unique (the first package to claim an id keeps it). */
  readonly plugins: readonly DiscoveredPlugin[];
  readonly errors: readonly PluginLoadError[];
}
