/**
 * The body of `GET /plugins/manifest.json`, as a zod schema (the API
 * reference is generated from it) plus the function that builds it from a
 * discovery. Each plugin carries its entry URL with the entry file's
 * modification time as a cache-buster, so a changed plugin page is fetched
 * fresh while an unchanged one stays cached.
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

/** One plugin as the client sees it. */
export const manifestPluginSchema = z.object({
  id: z.string().describe("plugin id, ^[a-z][a-z0-9.-]*$"),
  name: z.string(),
  description: z.string().optional().describe("what the plugin is for: its package.json description, at most 500 characters"),
  version: z.string().optional().describe("its package.json version, when it has one"),
  source: z.enum(["bundled", "local"]).describe("bundled with taiku, or installed under TAIKU_DATA_DIR/plugins"),
  scope: z.literal("user").describe("who the plugin is enabled for"),
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

/** The whole manifest document. */
export const pluginManifestResponseSchema = z.object({
  plugins: z.array(manifestPluginSchema),
  errors: z
    .array(z.object({ source: z.enum(["bundled", "local"]), package: z.string(), message: z.string() }))
    .describe("packages (or plugins of them) that could not be loaded, by package name"),
});

/** The body of `GET /plugins/manifest.json`. */
export type PluginManifestResponse = z.infer<typeof pluginManifestResponseSchema>;

/** The URL of a plugin's entry page, with its cache-buster. */
export function entryUrl(id: string, entry: string, mtimeMs: number): string {
  const encoded = entry.split("/").map(encodeURIComponent).join("/");
  return `/plugins/${id}/${encoded}?v=${mtimeMs}`;
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
      scope: "user" as const,
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
    errors: discovery.errors.map((error) => ({ ...error })),
  };
}
