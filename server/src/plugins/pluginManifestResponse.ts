/**
 * The bodies of `GET /plugins/manifest.json` and `GET
 * /pi-web-plugins/manifest.json`, as zod schemas (the API reference is
 * generated from them) plus the functions that build them from a discovery.
 * Each plugin carries its entry URL, and each Pi Web module its module URL,
 * with the file's modification time as a cache-buster, so a changed file is
 * fetched fresh while an unchanged one stays cached.
 *
 * Pi Web modules are trusted code: the host page imports them and they run
 * with the user's full access. Their manifest entries say so, and they are
 * only ever discovered in the operator's folders (see `discoverPlugins.ts`).
 */
import { z } from "zod";
import { PERMISSIONS } from "@taiku/engine";
import type { PluginDiscovery } from "./pluginTypes";

const settingSchema = z.discriminatedUnion("type", [
  z.object({ key: z.string(), type: z.literal("string"), label: z.string(), default: z.string() }),
  z.object({ key: z.string(), type: z.literal("number"), label: z.string(), default: z.number() }),
  z.object({ key: z.string(), type: z.literal("boolean"), label: z.string(), default: z.boolean() }),
  z.object({ key: z.string(), type: z.literal("select"), label: z.string(), default: z.string(), options: z.array(z.string()) }),
]);

const sourceSchema = z.enum(["bundled", "local"]).describe("bundled with taiku, or installed under TAIKU_DATA_DIR/plugins");
const scopeSchema = z
  .enum(["bundled", "local", "user", "project"])
  .describe("where the plugin was installed: bundled with taiku, or local (TAIKU_DATA_DIR/plugins, where `taiku plugin add` links it); taiku has no user- or project-scoped installs, so user and project do not occur");

/** One plugin as the client sees it. */
export const manifestPluginSchema = z.object({
  id: z.string().describe("plugin id, ^[a-z][a-z0-9.-]*$"),
  name: z.string(),
  description: z.string().optional().describe("what the plugin is for: its package.json description, at most 500 characters"),
  version: z.string().optional().describe("its package.json version, when it has one"),
  source: sourceSchema,
  scope: scopeSchema,
  entryUrl: z.string().describe("/plugins/<id>/<entry>?v=<entry mtime>"),
  permissions: z.array(z.enum(PERMISSIONS)),
  settings: z.array(settingSchema),
  secrets: z.array(z.object({ key: z.string(), label: z.string() })),
  network: z.array(z.string()).describe("https origins the plugin page may connect to"),
  contributions: z.object({
    panels: z.array(
      z.object({ id: z.string(), title: z.string(), order: z.number().optional(), badge: z.union([z.string(), z.number()]).optional() }),
    ),
    actions: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        description: z.string().optional(),
        shortcut: z.string().optional(),
        group: z.string().optional(),
      }),
    ),
    statusLabels: z.array(z.object({ id: z.string(), text: z.string().optional(), href: z.string().optional() })),
  }),
});

/** One package (or one plugin of it) that could not be loaded. */
export const manifestErrorSchema = z.object({
  source: sourceSchema,
  package: z.string().describe("the package's name, or its folder name when the name cannot be read"),
  message: z.string(),
  rule: z
    .string()
    .optional()
    .describe(
      "the rule broken, a stable kebab-case name: legacy-plugin-shortcut, string-entry, id-fallback, missing-package-json, invalid-id, invalid-folder-name, missing-module, module-outside-package, module-not-javascript, duplicate-id, not-an-array, not-an-object, missing-id, missing-module-field, too-many-plugins, no-plugins-declared, invalid-package-json, unreadable-package, invalid-taiku-manifest, missing-entry; absent only for a plugins folder that cannot be read",
    ),
  plugin: z.string().optional().describe("the plugin id, when the error belongs to one plugin"),
});

/** One trusted Pi Web module as the client sees it. */
export const manifestModuleSchema = z.object({
  id: z.string().describe("plugin id, ^[a-z][a-z0-9.-]*$; shares one namespace with the sandboxed plugins' ids"),
  module: z.string().describe("/pi-web-plugins/<id>/<module path>?v=<module mtime ms>, for import()"),
  source: z.string().describe("where the package came from: bundled or local"),
  scope: scopeSchema,
  packageName: z.string().describe("the package's name, or its folder name when it has none"),
  description: z.string().optional().describe("its package.json description, at most 500 characters"),
});

/** The whole manifest document. */
export const pluginManifestResponseSchema = z.object({
  plugins: z.array(manifestPluginSchema).describe("sandboxed taiku plugins (taiku.plugins), run in iframes behind the permission-checked bridge"),
  modules: z
    .array(manifestModuleSchema)
    .describe("trusted Pi Web modules (piWeb.plugins), imported into the host page where they run with the user's full access; only from the operator's folders"),
  errors: z.array(manifestErrorSchema).describe("packages (or plugins of them) that could not be loaded, by package name and rule"),
});

/** The body of `GET /plugins/manifest.json`. */
export type PluginManifestResponse = z.infer<typeof pluginManifestResponseSchema>;

/** The Pi Web plugin API's manifest: the modules only, in the seed's shape, and the same errors. */
export const piWebManifestResponseSchema = z.object({
  plugins: z
    .array(manifestModuleSchema.pick({ id: true, module: true, source: true, scope: true }))
    .describe("trusted Pi Web modules; they run with the user's full access in the host page"),
  errors: z.array(manifestErrorSchema).describe("the same errors as /plugins/manifest.json"),
});

/** The body of `GET /pi-web-plugins/manifest.json`. */
export type PiWebManifestResponse = z.infer<typeof piWebManifestResponseSchema>;

/** The URL of a plugin's entry page, with its cache-buster. */
export function entryUrl(id: string, entry: string, mtimeMs: number): string {
  const encoded = entry.split("/").map(encodeURIComponent).join("/");
  return `/plugins/${id}/${encoded}?v=${mtimeMs}`;
}

/** The URL of a Pi Web module, with its cache-buster. */
export function moduleUrl(id: string, modulePath: string, mtimeMs: number): string {
  const encoded = modulePath.split("/").map(encodeURIComponent).join("/");
  return `/pi-web-plugins/${id}/${encoded}?v=${mtimeMs}`;
}

/** Builds the manifest document from a discovery. */
export function toManifestResponse(discovery: PluginDiscovery): PluginManifestResponse {
  return {
    plugins: discovery.plugins.map(({ manifest, source, entryMtimeMs, description, version }) => ({
      id: manifest.id,
      name: manifest.name,
      ...(description === undefined ? {} : { description }),
      ...(version === undefined ? {} : { version }),
      source,
      scope: source,
      entryUrl: entryUrl(manifest.id, manifest.entry, entryMtimeMs),
      permissions: [...manifest.permissions],
      settings: manifest.settings.map((setting) =>
        setting.type === "select" ? { ...setting, options: [...setting.options] } : { ...setting },
      ),
      secrets: [...manifest.secrets],
      network: [...manifest.network],
      contributions: {
        panels: [...manifest.contributions.panels],
        actions: [...manifest.contributions.actions],
        statusLabels: [...manifest.contributions.statusLabels],
      },
    })),
    modules: discovery.modules.map(({ spec, source, scope, moduleMtimeMs, packageName, description }) => ({
      id: spec.id,
      module: moduleUrl(spec.id, spec.module, moduleMtimeMs),
      source,
      scope,
      packageName,
      ...(description === undefined ? {} : { description }),
    })),
    errors: discovery.errors.map((error) => ({ ...error })),
  };
}

/** Builds the Pi Web manifest document from the full one. */
export function toPiWebManifestResponse(manifest: PluginManifestResponse): PiWebManifestResponse {
  return {
    plugins: manifest.modules.map(({ id, module, source, scope }) => ({ id, module, source, scope })),
    errors: manifest.errors,
  };
}
