/**
 * What plugin discovery finds: the plugins that can be served, each tied to
 * the package folder it came from, and every package that could not be used,
 * by name. These types are shared by discovery, the HTTP routes and the CLI.
 *
 * Two kinds of plugin come out of one discovery: sandboxed taiku plugins
 * (`taiku.plugins`, an `entry` page loaded in an iframe) and trusted Pi Web
 * modules (`piWeb.plugins`, a `module` imported into the host page). Their
 * ids share one namespace.
 */
import type { PluginId, PluginManifest } from "@taiku/engine";

/** Where a plugin package lives: shipped in `plugins/`, or under `$TAIKU_DATA_DIR/plugins/`. */
export type PluginSource = "bundled" | "local";

/**
 * Where a plugin was installed from, as the Pi Web manifest's `scope`.
 * taiku has no user- or project-scoped package installs, so discovery only
 * ever yields `bundled` or `local` (the scope equals the source); `user` and
 * `project` are part of the Pi Web vocabulary and kept in the type.
 */
export type PluginScope = "bundled" | "local" | "user" | "project";

/** The two folders plugins are discovered in. */
export interface PluginFolders {
  /** The bundled plugins folder (the repository's `plugins/`). */
  readonly bundledDir: string;
  /** `TAIKU_DATA_DIR`; local plugins live in its `plugins/` folder. */
  readonly dataDir: string;
}

/** A sandboxed taiku plugin ready to serve. */
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

/** One `piWeb.plugins` entry of a package, as declared (validated, not yet found on disk). */
export interface PiWebModuleSpec {
  readonly id: PluginId;
  /** The module's path inside the package, normalised (no leading `./`). */
  readonly module: string;
}

/**
 * A trusted Pi Web module ready to serve. It runs with the user's full
 * access in the host page, which is why it is only ever discovered in the
 * operator's folders (see `docs/plugins/overview.md`, "Trusted modules").
 */
export interface DiscoveredModule {
  readonly spec: PiWebModuleSpec;
  readonly source: PluginSource;
  readonly scope: PluginScope;
  /** The package's `name`, or its folder name when it has none. */
  readonly packageName: string;
  /** The package's `description`, when it has one. */
  readonly description?: string;
  /** The package folder as found (for local plugins, possibly a symlink). */
  readonly folder: string;
  /** The package folder's real path; no asset is served from outside it. */
  readonly root: string;
  /** Modification time of the module file, in whole milliseconds (the URL's cache-buster). */
  readonly moduleMtimeMs: number;
}

/**
 * The rule a package broke, as a stable kebab-case name (the manifest's
 * `errors[].rule`). The Pi Web rules follow the seed's troubleshooting list;
 * the rest name taiku's own package checks.
 */
export type PluginRule =
  // Pi Web metadata (`piWeb`) and its modules.
  | "legacy-plugin-shortcut"
  | "string-entry"
  | "id-fallback"
  | "not-an-array"
  | "not-an-object"
  | "missing-id"
  | "invalid-id"
  | "missing-module-field"
  | "module-outside-package"
  | "module-not-javascript"
  | "missing-module"
  | "too-many-plugins"
  | "invalid-folder-name"
  // Any package.
  | "missing-package-json"
  | "no-plugins-declared"
  | "invalid-package-json"
  | "unreadable-package"
  | "duplicate-id"
  // taiku plugins (`taiku`).
  | "invalid-taiku-manifest"
  | "missing-entry";

/** One problem of a package, before discovery adds where the package lives. */
export interface PackageProblem {
  readonly rule: PluginRule;
  /** The plugin's id, when the problem belongs to one plugin with a readable id. */
  readonly plugin?: string;
  readonly message: string;
}

/** A package (or one plugin of it) that could not be used, and why. */
export interface PluginLoadError {
  readonly source: PluginSource;
  /** The package's `name`, or its folder name when the name cannot be read. */
  readonly package: string;
  readonly message: string;
  /** The rule broken. Absent only for a plugins folder that cannot be read at all. */
  readonly rule?: PluginRule;
  /** The plugin id, when the error belongs to one plugin. */
  readonly plugin?: string;
}

/** Everything discovery found, bundled packages first. */
export interface PluginDiscovery {
  /** Servable sandboxed plugins; ids are unique across plugins and modules (the first package to claim an id keeps it). */
  readonly plugins: readonly DiscoveredPlugin[];
  /** Servable Pi Web modules; ids are unique across plugins and modules. */
  readonly modules: readonly DiscoveredModule[];
  readonly errors: readonly PluginLoadError[];
}
