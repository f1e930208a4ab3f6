/**
 * What this client remembers about plugins, all in localStorage and never
 * sent anywhere: the plugins the user enabled (`taiku:enabled-plugins`),
 * each plugin's settings (`taiku:plugin-settings`, defaults from the
 * manifest) and secrets (`taiku:plugin-secrets`, keyed by plugin id).
 */
import { createSignal } from "solid-js";
import type { JsonValue, PluginManifest } from "@taiku/engine";

const ENABLED_KEY = "taiku:enabled-plugins";
const SETTINGS_KEY = "taiku:plugin-settings";
/** The localStorage key holding every plugin's secrets, keyed by plugin id. */
export const SECRETS_KEY = "taiku:plugin-secrets";

type Nested = Record<string, Record<string, JsonValue>>;

function readJson<T>(key: string, fallback: T): T {
  const raw = localStorage.getItem(key);
  if (raw === null) return fallback;
  const parsed: unknown = JSON.parse(raw);
  return typeof parsed === "object" && parsed !== null ? (parsed as T) : fallback;
}

const [enabled, setEnabledSignal] = createSignal<readonly string[]>(readJson<string[]>(ENABLED_KEY, []));

/** Plugin ids the user enabled on this client, reactive. */
export { enabled as userEnabledPlugins };

/** Enables or disables a plugin for this user on this client. */
export function setUserEnabled(pluginId: string, on: boolean): void {
  const next = enabled().filter((id) => id !== pluginId);
  if (on) next.push(pluginId);
  localStorage.setItem(ENABLED_KEY, JSON.stringify(next));
  setEnabledSignal(next);
}

/** A plugin's settings: manifest defaults overlaid with what the user set. */
export function readSettings(plugin: PluginManifest): Record<string, JsonValue> {
  const stored = readJson<Nested>(SETTINGS_KEY, {})[plugin.id] ?? {};
  const settings: Record<string, JsonValue> = {};
  for (const spec of plugin.settings) settings[spec.key] = Object.hasOwn(stored, spec.key) ? (stored[spec.key] ?? spec.default) : spec.default;
  return settings;
}

/**
 * Every value stored for a plugin with `setSetting`, declared settings and
 * undeclared plugin state alike (the settings UI shows only the declared).
 */
export function readStoredSettings(pluginId: string): Record<string, JsonValue> {
  return { ...(readJson<Nested>(SETTINGS_KEY, {})[pluginId] ?? {}) };
}

/** Stores one setting of a plugin. */
export function writeSetting(pluginId: string, key: string, value: JsonValue): void {
  const all = readJson<Nested>(SETTINGS_KEY, {});
  all[pluginId] = { ...(all[pluginId] ?? {}), [key]: value };
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(all));
}

/** One secret of a plugin, or `null` when not set. */
export function readSecret(pluginId: string, key: string): string | null {
  const value = readJson<Nested>(SECRETS_KEY, {})[pluginId]?.[key];
  return typeof value === "string" ? value : null;
}

/** Stores (or with `""`, removes) one secret of a plugin. */
export function writeSecret(pluginId: string, key: string, value: string): void {
  const all = readJson<Nested>(SECRETS_KEY, {});
  const mine = { ...(all[pluginId] ?? {}) };
  if (value === "") delete mine[key];
  else mine[key] = value;
  all[pluginId] = mine;
  localStorage.setItem(SECRETS_KEY, JSON.stringify(all));
}
