/**
 * Small readers for untrusted manifest JSON. Each reader looks only at own
 * properties (never the prototype chain), reports what is wrong through a
 * {@link Report} callback with the field's path, and returns `undefined`
 * instead of throwing. Messages say what was expected and what was found,
 * with long values cut short.
 */

/** Records one problem at a field path. */
export type Report = (path: string, message: string) => void;

/** A {@link Report} that also counts what went through it. */
export interface CountingReport {
  readonly report: Report;
  /** Problems reported so far. */
  readonly count: () => number;
}

/** Wraps `report` so a reader can tell whether anything it read was wrong. */
export function countingReport(report: Report): CountingReport {
  let count = 0;
  return {
    report: (path, message) => {
      count += 1;
      report(path, message);
    },
    count: () => count,
  };
}

/** A JSON object (not an array, not null). */
export type JsonRecord = Readonly<Record<string, unknown>>;

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An own property of `record`; inherited and prototype properties read as `undefined`. */
export function ownField(record: JsonRecord, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** True when `record` has `key` as an own property. */
export function hasField(record: JsonRecord, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

const SHOWN_CHARS = 60;

/** A short, safe description of a value for a message: `"abc"`, `42`, `an object`. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    const shown = value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/** Path of a property under `parent` (`parent.key`, or `key` at the top). */
export function fieldPath(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

/** Reports every own key of `record` that is not in `allowed`. */
export function checkKnownKeys(record: JsonRecord, allowed: readonly string[], path: string, report: Report): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      report(fieldPath(path, key), `unknown field; allowed fields here are ${allowed.join(", ")}`);
    }
  }
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Limits for {@link readText}. */
export interface TextRule {
  /** Most characters allowed. */
  readonly max: number;
  /** When true, an absent field is a problem. */
  readonly required: boolean;
}

/**
 * Reads a one-line text field: a string of 1 to `rule.max` characters, not
 * only whitespace, without control characters. `undefined` when absent or bad.
 */
export function readText(record: JsonRecord, key: string, parent: string, rule: TextRule, report: Report): string | undefined {
  const path = fieldPath(parent, key);
  if (!hasField(record, key)) {
    if (rule.required) report(path, `is required: give a string of 1–${rule.max} characters`);
    return undefined;
  }
  const value = ownField(record, key);
  if (typeof value !== "string" || value.trim() === "" || value.length > rule.max) {
    report(path, `must be a non-empty string of at most ${rule.max} characters, got ${describeValue(value)}`);
    return undefined;
  }
  if (CONTROL_CHARS.test(value)) {
    report(path, `must not contain control characters (newlines, tabs, NUL), got ${describeValue(value)}`);
    return undefined;
  }
  return value;
}

const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Reads an identifier-like key (setting and secret keys, contribution ids). */
export function readKey(record: JsonRecord, key: string, parent: string, report: Report): string | undefined {
  const path = fieldPath(parent, key);
  if (!hasField(record, key)) {
    report(path, "is required: give a name of letters, digits, '_', '.' or '-' starting with a letter");
    return undefined;
  }
  const value = ownField(record, key);
  if (typeof value !== "string" || !KEY_PATTERN.test(value)) {
    report(
      path,
      `must be 1–64 characters of letters, digits, '_', '.' or '-' starting with a letter, got ${describeValue(value)}`,
    );
    return undefined;
  }
  return value;
}

/**
 * Reads an optional list field: `[]` when absent, `undefined` (with a problem)
 * when it is not an array or has more than `max` entries.
 */
export function readList(record: JsonRecord, key: string, parent: string, max: number, report: Report): readonly unknown[] | undefined {
  const path = fieldPath(parent, key);
  if (!hasField(record, key)) return [];
  const value = ownField(record, key);
  if (!Array.isArray(value)) {
    report(path, `must be an array, got ${describeValue(value)}`);
    return undefined;
  }
  if (value.length > max) {
    report(path, `must have at most ${max} entries, got ${value.length}`);
    return undefined;
  }
  return value;
}

/**
 * Reads each entry of a list that must hold objects with unique `id`s (or
 * `key`s): calls `readEntry` for every object entry and reports non-objects
 * and repeated identifiers. Returns the entries `readEntry` accepted.
 */
export function readEntries<T extends object>(
  list: readonly unknown[],
  path: string,
  identity: "id" | "key",
  report: Report,
  readEntry: (entry: JsonRecord, entryPath: string) => T | undefined,
): T[] {
  const result: T[] = [];
  const seen = new Map<string, number>();
  list.forEach((entry, index) => {
    const entryPath = `${path}[${index}]`;
    if (!isRecord(entry)) {
      report(entryPath, `must be an object, got ${describeValue(entry)}`);
      return;
    }
    const name = ownField(entry, identity);
    const first = typeof name === "string" ? seen.get(name) : undefined;
    if (typeof name === "string" && first !== undefined) {
      report(fieldPath(entryPath, identity), `duplicate ${identity} ${describeValue(name)} (also used by ${path}[${first}])`);
      return;
    }
    if (typeof name === "string") seen.set(name, index);
    const read = readEntry(entry, entryPath);
    if (read === undefined) return;
    result.push(read);
  });
  return result;
}
