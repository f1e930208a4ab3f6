/**
 * Readers for a plugin's `settings` and `secrets` lists. A setting is
 * `{ key, type, label, default, options? }` with `default` of the declared
 * type (and one of `options` for a `select`); a secret is `{ key, label }`.
 */
import {
  checkKnownKeys,
  countingReport,
  describeValue,
  fieldPath,
  ownField,
  hasField,
  readEntries,
  readKey,
  readText,
  type JsonRecord,
  type Report,
} from "./manifestFields";
import type { PluginSecretSpec, PluginSettingSpec, PluginSettingType } from "./manifestTypes";

/** Most settings one plugin may declare. */
export const MAX_SETTINGS = 64;
/** Most secrets one plugin may declare. */
export const MAX_SECRETS = 32;
/** Most options of one `select` setting. */
export const MAX_SELECT_OPTIONS = 100;
/** Longest string default or option, in characters. */
export const MAX_SETTING_STRING = 4096;

const SETTING_KEYS = ["key", "type", "label", "default", "options"] as const;
const SECRET_KEYS = ["key", "label"] as const;
const SETTING_TYPES: readonly PluginSettingType[] = ["string", "number", "boolean", "select"];
const LABEL = { max: 200, required: true } as const;

/** Reads a `settings` list (already checked to be an array). */
export function readSettings(list: readonly unknown[], path: string, report: Report): PluginSettingSpec[] {
  return readEntries(list, path, "key", report, (entry, entryPath) => readSetting(entry, entryPath, report));
}

/** Reads a `secrets` list (already checked to be an array). */
export function readSecrets(list: readonly unknown[], path: string, report: Report): PluginSecretSpec[] {
  return readEntries(list, path, "key", report, (entry, entryPath): PluginSecretSpec | undefined => {
    checkKnownKeys(entry, SECRET_KEYS, entryPath, report);
    const key = readKey(entry, "key", entryPath, report);
    const label = readText(entry, "label", entryPath, LABEL, report);
    return key === undefined || label === undefined ? undefined : { key, label };
  });
}

function readSetting(entry: JsonRecord, path: string, outer: Report): PluginSettingSpec | undefined {
  const { report, count } = countingReport(outer);
  checkKnownKeys(entry, SETTING_KEYS, path, report);
  const key = readKey(entry, "key", path, report);
  const label = readText(entry, "label", path, LABEL, report);
  const type = ownField(entry, "type");
  if (!SETTING_TYPES.some((known) => known === type)) {
    report(fieldPath(path, "type"), `must be one of ${SETTING_TYPES.join(", ")}, got ${describeValue(type)}`);
    return undefined;
  }
  const defaultPath = fieldPath(path, "default");
  if (!hasField(entry, "default")) {
    report(defaultPath, `is required: give the ${String(type)} value used until the user changes it`);
    return undefined;
  }
  const value = ownField(entry, "default");
  if (type !== "select" && hasField(entry, "options")) {
    report(fieldPath(path, "options"), 'is only allowed when type is "select"');
  }
  if (count() > 0 || key === undefined || label === undefined) return undefined;
  switch (type) {
    case "string":
      if (typeof value === "string" && value.length <= MAX_SETTING_STRING) return { key, type, label, default: value };
      report(defaultPath, `must be a string of at most ${MAX_SETTING_STRING} characters, got ${describeValue(value)}`);
      return undefined;
    case "number":
      if (typeof value === "number" && Number.isFinite(value)) return { key, type, label, default: value };
      report(defaultPath, `must be a finite number, got ${describeValue(value)}`);
      return undefined;
    case "boolean":
      if (typeof value === "boolean") return { key, type, label, default: value };
      report(defaultPath, `must be true or false, got ${describeValue(value)}`);
      return undefined;
    default: {
      const options = readOptions(entry, path, report);
      if (options === undefined) return undefined;
      if (typeof value === "string" && options.includes(value)) return { key, type: "select", label, default: value, options };
      report(defaultPath, `must be one of the options (${options.map((o) => describeValue(o)).join(", ")}), got ${describeValue(value)}`);
      return undefined;
    }
  }
}

function readOptions(entry: JsonRecord, path: string, report: Report): string[] | undefined {
  const optionsPath = fieldPath(path, "options");
  const options = ownField(entry, "options");
  if (!Array.isArray(options) || options.length === 0 || options.length > MAX_SELECT_OPTIONS) {
    report(optionsPath, `must be an array of 1–${MAX_SELECT_OPTIONS} strings for a "select" setting, got ${describeValue(options)}`);
    return undefined;
  }
  const result: string[] = [];
  let valid = true;
  options.forEach((option: unknown, index) => {
    if (typeof option !== "string" || option === "" || option.length > MAX_SETTING_STRING) {
      report(`${optionsPath}[${index}]`, `must be a non-empty string of at most ${MAX_SETTING_STRING} characters, got ${describeValue(option)}`);
      valid = false;
    } else if (result.includes(option)) {
      report(`${optionsPath}[${index}]`, `duplicate option ${describeValue(option)}`);
      valid = false;
    } else {
      result.push(option);
    }
  });
  return valid ? result : undefined;
}
