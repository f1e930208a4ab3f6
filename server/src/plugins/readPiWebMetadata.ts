/**
 * Validation of a package's Pi Web metadata: the one shape the Pi Web plugin
 * API allows, `package.json` → `"piWeb": { "plugins": [ { "id", "module" } ] }`.
 *
 * The input is untrusted JSON: the reader never throws, looks only at own
 * properties, and reports every problem with the rule it breaks (the names
 * in {@link PluginRule}), including each legacy shortcut the seed lists as
 * unsupported (`piWeb.plugin`, string entries, a `piWeb.id` fallback id).
 * An entry with any problem is left out; the other entries still load, and
 * so do the package's taiku plugins. A repeated id keeps the first entry.
 * Unknown fields are ignored, so a package written for Pi Web loads as is.
 */
import { isPluginId } from "@taiku/engine";
import { checkModulePath } from "./checkModulePath";
import type { PackageProblem, PiWebModuleSpec } from "./pluginTypes";

/** Most modules one package may declare. */
export const MAX_MODULES_PER_PACKAGE = 32;

/** What a package's `piWeb` field declares. */
export interface PiWebMetadata {
  /** True when the package has a `piWeb` field at all. */
  readonly declared: boolean;
  /** Valid entries, in declaration order. */
  readonly modules: readonly PiWebModuleSpec[];
  readonly problems: readonly PackageProblem[];
}

const EXAMPLE = '{ "piWeb": { "plugins": [{ "id": "my-plugin", "module": "pi-web-plugin.js" }] } }';

/** Reads the `piWeb` field of parsed `package.json` contents. Never throws. */
export function readPiWebMetadata(pkgJson: unknown): PiWebMetadata {
  if (!isObject(pkgJson) || !hasOwn(pkgJson, "piWeb")) return { declared: false, modules: [], problems: [] };
  const problems: PackageProblem[] = [];
  const piWeb = pkgJson.piWeb;
  if (!isObject(piWeb)) {
    problems.push({ rule: "not-an-object", message: `piWeb: must be an object such as ${EXAMPLE}, got ${describe(piWeb)}` });
    return { declared: true, modules: [], problems };
  }
  if (hasOwn(piWeb, "plugin")) {
    problems.push({
      rule: "legacy-plugin-shortcut",
      message: `piWeb.plugin: the legacy single-plugin shortcut is not supported; declare piWeb.plugins as an array of { "id", "module" } objects, as in ${EXAMPLE}`,
    });
  }
  if (hasOwn(piWeb, "id")) {
    problems.push({
      rule: "id-fallback",
      message: `piWeb.id: a package-level fallback id is not supported; give every entry of piWeb.plugins its own explicit "id"`,
    });
  }
  if (!hasOwn(piWeb, "plugins")) {
    // A legacy shortcut already says what to write; otherwise say what is missing.
    if (problems.length === 0) problems.push({ rule: "not-an-array", message: `piWeb.plugins: is required: an array of { "id", "module" } objects, as in ${EXAMPLE}` });
    return { declared: true, modules: [], problems };
  }
  const list = piWeb.plugins;
  if (!Array.isArray(list)) {
    problems.push({ rule: "not-an-array", message: `piWeb.plugins: must be an array of { "id", "module" } objects, got ${describe(list)}` });
    return { declared: true, modules: [], problems };
  }
  if (list.length > MAX_MODULES_PER_PACKAGE) {
    problems.push({ rule: "too-many-plugins", message: `piWeb.plugins: at most ${MAX_MODULES_PER_PACKAGE} entries per package, got ${list.length}` });
    return { declared: true, modules: [], problems };
  }
  const modules: PiWebModuleSpec[] = [];
  const seen = new Map<string, number>();
  list.forEach((entry: unknown, index) => {
    const at = `piWeb.plugins[${index}]`;
    if (typeof entry === "string") {
      problems.push({
        rule: "string-entry",
        message: `${at}: string entries are not supported; write { "id": "<plugin id>", "module": ${describe(entry)} } instead of ${describe(entry)}`,
      });
      return;
    }
    if (!isObject(entry)) {
      problems.push({ rule: "not-an-object", message: `${at}: must be an object { "id", "module" }, got ${describe(entry)}` });
      return;
    }
    const id = hasOwn(entry, "id") ? entry.id : undefined;
    const validId = isPluginId(id);
    const plugin = validId ? { plugin: id } : {};
    let broken = false;
    if (!hasOwn(entry, "id")) {
      problems.push({ rule: "missing-id", message: `${at}.id: is required: an explicit id such as "my-plugin" (ids are never taken from the folder, the package or piWeb.id)` });
      broken = true;
    } else if (!validId) {
      problems.push({ rule: "invalid-id", message: `${at}.id: must match ^[a-z][a-z0-9.-]*$ (at most 64 characters), got ${describe(id)}` });
      broken = true;
    }
    let modulePath: string | undefined;
    if (!hasOwn(entry, "module")) {
      problems.push({ ...plugin, rule: "missing-module-field", message: `${at}.module: is required: the module's path inside the package, such as "pi-web-plugin.js"` });
      broken = true;
    } else {
      const checked = checkModulePath(entry.module);
      if ("error" in checked) {
        problems.push({ ...plugin, rule: checked.rule, message: `${at}.module: ${checked.error}, got ${describe(entry.module)}` });
        broken = true;
      } else {
        modulePath = checked.path;
      }
    }
    if (broken || !validId || modulePath === undefined) return;
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({ plugin: id, rule: "duplicate-id", message: `${at}.id: duplicate id "${id}" (also piWeb.plugins[${first}]); this one is skipped` });
      return;
    }
    seen.set(id, index);
    modules.push({ id, module: modulePath });
  });
  return { declared: true, modules, problems };
}

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasOwn<K extends string>(record: JsonObject, key: K): record is JsonObject & Readonly<Record<K, unknown>> {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** A short, safe description of a value for a message. */
function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
