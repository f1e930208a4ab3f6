/**
 * The validated shape of a plugin manifest: one entry of a package's
 * `"taiku": { "plugins": [ … ] }`. {@link validatePluginPackage} produces these
 * from untrusted `package.json` contents; everything downstream (discovery,
 * the host, the SDK) can rely on every field being present and well formed.
 */
import type { PluginId } from "../ids";
import type { Permission } from "../protocol/permission";

/** The kinds of value a plugin setting can hold. */
export type PluginSettingType = "string" | "number" | "boolean" | "select";

/**
 * A user-editable setting, kept per client in local storage. `default` has
 * the setting's type; for `select` it is one of `options`.
 */
export type PluginSettingSpec =
  | { readonly key: string; readonly type: "string"; readonly label: string; readonly default: string }
  | { readonly key: string; readonly type: "number"; readonly label: string; readonly default: number }
  | { readonly key: string; readonly type: "boolean"; readonly label: string; readonly default: boolean }
  | {
      readonly key: string;
      readonly type: "select";
      readonly label: string;
      readonly default: string;
      /** The values the user can pick from; non-empty, no duplicates. */
      readonly options: readonly string[];
    };

/** A secret the user enters on one client; it never leaves that client. */
export interface PluginSecretSpec {
  /** Key the plugin reads the secret by. */
  readonly key: string;
  /** What the settings form shows next to the input. */
  readonly label: string;
}

/** A panel the plugin renders in the workspace. */
export interface PluginPanelSpec {
  /** Unique within the plugin. */
  readonly id: string;
  readonly title: string;
  /** Sort key among panels; lower comes first. */
  readonly order?: number;
  /** Initial badge (a short text or a count); the plugin updates it at run time. */
  readonly badge?: string | number;
}

/** A command-palette action; running it sends the plugin an `action:run` event. */
export interface PluginActionSpec {
  /** Unique within the plugin. */
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  /** Keyboard shortcut, for example `Mod+Shift+H`. */
  readonly shortcut?: string;
  /** Palette group the action is listed under. */
  readonly group?: string;
}

/** A status-bar item: text, a link, or both. */
export interface PluginStatusLabelSpec {
  /** Unique within the plugin. */
  readonly id: string;
  readonly text?: string;
  /** An absolute `http:` or `https:` URL. */
  readonly href?: string;
}

/** Everything a plugin adds to the host's UI. Lists are always present. */
export interface PluginContributions {
  readonly panels: readonly PluginPanelSpec[];
  readonly actions: readonly PluginActionSpec[];
  readonly statusLabels: readonly PluginStatusLabelSpec[];
}

/** One validated plugin. Optional lists in the source default to empty. */
export interface PluginManifest {
  readonly id: PluginId;
  /** Human-readable name. */
  readonly name: string;
  /**
   * The HTML page the host loads in the plugin's iframe: a relative path
   * inside the package, `/`-separated, normalised (no leading `./`).
   */
  readonly entry: string;
  readonly permissions: readonly Permission[];
  readonly settings: readonly PluginSettingSpec[];
  readonly secrets: readonly PluginSecretSpec[];
  /** `https://` origins the plugin page may connect to (its CSP `connect-src`). */
  readonly network: readonly string[];
  readonly contributions: PluginContributions;
}

/**
 * One thing wrong with a package's metadata, precise enough for its author
 * to fix: `path` is the field path under `taiku` (`plugins[0].entry`).
 */
export interface ManifestProblem {
  /** The package's `name`, when it has a readable one. */
  readonly package?: string;
  /** The plugin's id, when the problem is inside a plugin with a readable id. */
  readonly plugin?: string;
  /** Field path, for example `plugins[0].settings[2].default`. */
  readonly path: string;
  /** What is wrong and what is expected. */
  readonly message: string;
}

/** The outcome of validating a package: valid plugins plus every problem found. */
export interface PluginPackageValidation {
  /** Plugins without problems, in declaration order. A plugin with any problem is left out. */
  readonly plugins: readonly PluginManifest[];
  readonly problems: readonly ManifestProblem[];
}
