/**
 * Validation of a plugin package's metadata: the one shape DESIGN.md allows,
 * `package.json` → `"taiku": { "plugins": [ { id, name, entry, permissions,
 * settings, secrets, network, contributions } ] }`.
 *
 * The input is untrusted (any JSON, or anything at all): the validator never
 * throws, looks only at own properties, and returns every problem it finds,
 * each naming the package, the plugin (when its id is readable) and the field
 * path, with a message that says what to write instead. A plugin with any
 * problem is left out of the result; a repeated id keeps the first.
 */
import { isPluginId, type PluginId } from "../ids";
import { isPermission, PERMISSIONS, type Permission } from "../protocol/permission";
import { checkEntryPath } from "./checkEntryPath";
import { checkNetworkOrigin } from "./checkNetworkOrigin";
import {
  checkKnownKeys,
  countingReport,
  describeValue,
  fieldPath,
  hasField,
  isRecord,
  ownField,
  readList,
  readText,
  type JsonRecord,
  type Report,
} from "./manifestFields";
import type { ManifestProblem, PluginManifest, PluginPackageValidation } from "./manifestTypes";
import { readContributions } from "./readContributions";
import { MAX_SECRETS, MAX_SETTINGS, readSecrets, readSettings } from "./readSettings";

/** Most plugins one package may declare. */
export const MAX_PLUGINS_PER_PACKAGE = 32;
/** Most problems listed for one package; one more line counts the rest. */
export const MAX_PROBLEMS = 50;
/** Most entries in a plugin's `network` allowlist. */
export const MAX_NETWORK_ORIGINS = 32;

const PLUGIN_KEYS = ["id", "name", "entry", "permissions", "settings", "secrets", "network", "contributions"] as const;

/**
 * Validates parsed `package.json` contents. Never throws: a value that is not
 * even an object yields one problem and no plugins.
 */
export function validatePluginPackage(pkgJson: unknown): PluginPackageValidation {
  const problems: ManifestProblem[] = [];
  let dropped = 0;
  let packageName: string | undefined;
  const add = (plugin: string | undefined, path: string, message: string): void => {
    if (problems.length >= MAX_PROBLEMS) {
      dropped += 1;
      return;
    }
    problems.push({
      ...(packageName === undefined ? {} : { package: packageName }),
      ...(plugin === undefined ? {} : { plugin }),
      path,
      message,
    });
  };
  let plugins: PluginManifest[] = [];
  try {
    packageName = readPackageName(pkgJson);
    plugins = readPackage(pkgJson, add);
  } catch (cause) {
    // Only non-JSON input (throwing getters, proxies) can get here.
    const reason = cause instanceof Error && typeof cause.message === "string" ? cause.message.slice(0, 200) : typeof cause;
    add(undefined, "package.json", `could not be read: ${reason}`);
    plugins = [];
  }
  if (dropped > 0) {
    problems.push({
      ...(packageName === undefined ? {} : { package: packageName }),
      path: "taiku",
      message: `${dropped} more problem(s) not shown; fix the ones above first`,
    });
  }
  return { plugins, problems };
}

/**
 * One line for a problem, for logs and error lists:
 * `plugin "hello", plugins[0].entry: must be a relative path inside the package`.
 */
export function formatManifestProblem(problem: ManifestProblem): string {
  const subject = problem.plugin !== undefined ? `plugin "${problem.plugin}", ` : "";
  return `${subject}${problem.path}: ${problem.message}`;
}

type AddProblem = (plugin: string | undefined, path: string, message: string) => void;

function readPackageName(pkgJson: unknown): string | undefined {
  if (!isRecord(pkgJson)) return undefined;
  const name = ownField(pkgJson, "name");
  return typeof name === "string" && name.length > 0 && name.length <= 214 ? name : undefined;
}

function readPackage(pkgJson: unknown, add: AddProblem): PluginManifest[] {
  const report: Report = (path, message) => add(undefined, path, message);
  if (!isRecord(pkgJson)) {
    report("package.json", `must hold a JSON object, got ${describeValue(pkgJson)}`);
    return [];
  }
  const taiku = ownField(pkgJson, "taiku");
  if (!isRecord(taiku)) {
    const found = hasField(pkgJson, "taiku") ? `, got ${describeValue(taiku)}` : "";
    report("taiku", `must be an object { "plugins": [ … ] } declaring the package's plugins${found}`);
    return [];
  }
  checkKnownKeys(taiku, ["plugins"], "taiku", report);
  const list = ownField(taiku, "plugins");
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_PLUGINS_PER_PACKAGE) {
    const got = Array.isArray(list) ? `${list.length} entries` : describeValue(list);
    report("plugins", `must be an array of 1–${MAX_PLUGINS_PER_PACKAGE} plugin objects, got ${got}`);
    return [];
  }
  const plugins: PluginManifest[] = [];
  const seen = new Map<string, number>();
  list.forEach((entry: unknown, index) => {
    const path = `plugins[${index}]`;
    if (!isRecord(entry)) {
      report(path, `must be an object { id, name, entry, … }, got ${describeValue(entry)}`);
      return;
    }
    const id = ownField(entry, "id");
    const first = isPluginId(id) ? seen.get(id) : undefined;
    if (isPluginId(id) && first !== undefined) {
      add(id, fieldPath(path, "id"), `duplicate id "${id}" (also plugins[${first}]); this one is skipped`);
      return;
    }
    const plugin = readPlugin(entry, path, (at, message) => add(isPluginId(id) ? id : undefined, at, message));
    if (plugin === undefined) return;
    seen.set(plugin.id, index);
    plugins.push(plugin);
  });
  return plugins;
}

function readPlugin(entry: JsonRecord, path: string, outer: Report): PluginManifest | undefined {
  const { report, count } = countingReport(outer);
  checkKnownKeys(entry, PLUGIN_KEYS, path, report);
  const id = readPluginId(entry, path, report);
  const name = readText(entry, "name", path, { max: 100, required: true }, report);
  const entryPath = readEntry(entry, path, report);
  const permissions = readPermissions(entry, path, report);
  const settingList = readList(entry, "settings", path, MAX_SETTINGS, report);
  const settings = settingList && readSettings(settingList, fieldPath(path, "settings"), report);
  const secretList = readList(entry, "secrets", path, MAX_SECRETS, report);
  const secrets = secretList && readSecrets(secretList, fieldPath(path, "secrets"), report);
  const network = readNetwork(entry, path, report);
  const contributions = readContributions(ownField(entry, "contributions"), fieldPath(path, "contributions"), report);
  if (
    count() > 0 ||
    id === undefined ||
    name === undefined ||
    entryPath === undefined ||
    permissions === undefined ||
    settings === undefined ||
    secrets === undefined ||
    network === undefined ||
    contributions === undefined
  ) {
    return undefined;
  }
  return { id, name, entry: entryPath, permissions, settings, secrets, network, contributions };
}

function readPluginId(entry: JsonRecord, path: string, report: Report): PluginId | undefined {
  const id = ownField(entry, "id");
  if (isPluginId(id)) return id;
  const at = fieldPath(path, "id");
  if (!hasField(entry, "id")) report(at, 'is required: a lower-case id such as "build-status"');
  else report(at, `must match ^[a-z][a-z0-9.-]*$ (at most 64 characters), got ${describeValue(id)}`);
  return undefined;
}

function readEntry(entry: JsonRecord, path: string, report: Report): string | undefined {
  const at = fieldPath(path, "entry");
  if (!hasField(entry, "entry")) {
    report(at, 'is required: the plugin page, a relative path such as "index.html"');
    return undefined;
  }
  const value = ownField(entry, "entry");
  const checked = checkEntryPath(value);
  if ("error" in checked) {
    report(at, `${checked.error}, got ${describeValue(value)}`);
    return undefined;
  }
  return checked.path;
}

function readPermissions(entry: JsonRecord, path: string, report: Report): Permission[] | undefined {
  const list = readList(entry, "permissions", path, PERMISSIONS.length, report);
  if (list === undefined) return undefined;
  const permissions: Permission[] = [];
  list.forEach((value, index) => {
    const at = `${fieldPath(path, "permissions")}[${index}]`;
    if (!isPermission(value)) report(at, `unknown permission ${describeValue(value)}; known permissions are ${PERMISSIONS.join(", ")}`);
    else if (permissions.includes(value)) report(at, `duplicate permission "${value}"`);
    else permissions.push(value);
  });
  return permissions;
}

function readNetwork(entry: JsonRecord, path: string, report: Report): string[] | undefined {
  const list = readList(entry, "network", path, MAX_NETWORK_ORIGINS, report);
  if (list === undefined) return undefined;
  const origins: string[] = [];
  list.forEach((value, index) => {
    const at = `${fieldPath(path, "network")}[${index}]`;
    const checked = checkNetworkOrigin(value);
    if ("error" in checked) report(at, `${checked.error}, got ${describeValue(value)}`);
    else if (origins.includes(checked.origin)) report(at, `duplicate origin "${checked.origin}"`);
    else origins.push(checked.origin);
  });
  return origins;
}
