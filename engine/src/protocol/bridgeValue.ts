/**
 * What a value crossing the bridge may be: JSON (null, booleans, finite
 * numbers, strings, arrays, plain objects) plus `Uint8Array` for binary
 * payloads such as Yjs updates and plugin files (a `MessagePort` carries them
 * by structured clone). {@link checkBridgeValue} walks untrusted input once,
 * without recursion limits of its own being exceeded, and reports the first
 * problem: a forbidden type, a prototype key (`__proto__`, `constructor`,
 * `prototype`), nesting deeper than the limit, or a size over the limit.
 *
 * Size is measured cheaply while walking: string lengths in UTF-16 code units,
 * byte lengths of binaries, plus 8 per value and per object key. It bounds the
 * work a receiver does, not the exact wire size.
 */

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** A value that may cross the bridge: JSON, with `Uint8Array` allowed anywhere. */
export type BridgeValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | BridgeValue[]
  | { [key: string]: BridgeValue };

/** Limits applied to untrusted bridge input. */
export interface BridgeLimits {
  /** Largest accepted measured size in bytes (see the module comment). */
  readonly maxBytes: number;
  /** Deepest accepted nesting of arrays and objects; the message itself is depth 1. */
  readonly maxDepth: number;
  /**
   * Largest accepted total of binary (`Uint8Array`) bytes, counted apart
   * from {@link maxBytes}; when absent, binary counts against `maxBytes`.
   */
  readonly maxBinaryBytes?: number;
}

/**
 * The most binary bytes one bridge message may carry: 256 MiB, the
 * transport's ceiling for a plugin file (transferred, not copied). The
 * server's own file limits are far lower by default and are the ones a
 * plugin meets (`getStorageUsage().limits`).
 */
export const MAX_BRIDGE_BINARY_BYTES = 256 * 1024 * 1024;

/**
 * Default limits: 2 MiB of JSON, so a 1 MiB user-KV value plus its envelope
 * fits, 32 levels of nesting, and {@link MAX_BRIDGE_BINARY_BYTES} of binary.
 */
export const DEFAULT_BRIDGE_LIMITS: BridgeLimits = { maxBytes: 2 * 1024 * 1024, maxDepth: 32, maxBinaryBytes: MAX_BRIDGE_BINARY_BYTES };

/** Keys that could reach an object's prototype when copied; rejected anywhere. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

const NODE_COST = 8;

/** True when `value` is an object whose prototype is `Object.prototype` or `null`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Names the first own key of `raw` not in `allowed` (`unexpected key "…"`), or returns "" when there is none. */
export function extraKeys(raw: Record<string, unknown>, allowed: readonly string[]): string {
  const unexpected = Object.keys(raw).find((key) => !allowed.includes(key));
  return unexpected === undefined ? "" : `unexpected key ${JSON.stringify(unexpected.slice(0, 40))}`;
}

/** True when `value` is a genuine `Uint8Array` (not a subclass or another view). */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && Object.getPrototypeOf(value) === Uint8Array.prototype;
}

/**
 * Checks that `value` is a {@link BridgeValue} within `limits`. Returns a
 * reason naming the offending path, or `undefined` when the value is fine.
 * Never throws: a getter or proxy that throws is reported as a reason.
 */
export function checkBridgeValue(
  value: unknown,
  limits: BridgeLimits = DEFAULT_BRIDGE_LIMITS,
): string | undefined {
  const budget = { bytes: 0, binary: 0 };
  try {
    return walk(value, "$", 1, limits, budget);
  } catch (cause) {
    return `unreadable value: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}

function walk(
  value: unknown,
  path: string,
  depth: number,
  limits: BridgeLimits,
  budget: { bytes: number; binary: number },
): string | undefined {
  budget.bytes += NODE_COST;
  if (budget.bytes > limits.maxBytes) return `payload larger than ${limits.maxBytes} bytes`;
  if (value === null || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${path} is not a finite number`;
  if (typeof value === "string") {
    budget.bytes += value.length;
    return budget.bytes > limits.maxBytes ? `payload larger than ${limits.maxBytes} bytes` : undefined;
  }
  if (typeof value !== "object") return `${path} has unsupported type ${typeof value}`;
  if (isBytes(value)) {
    if (limits.maxBinaryBytes === undefined) {
      budget.bytes += value.byteLength;
      return budget.bytes > limits.maxBytes ? `payload larger than ${limits.maxBytes} bytes` : undefined;
    }
    budget.binary += value.byteLength;
    return budget.binary > limits.maxBinaryBytes ? `binary payload larger than ${limits.maxBinaryBytes} bytes` : undefined;
  }
  if (depth >= limits.maxDepth) return `${path} is nested deeper than ${limits.maxDepth} levels`;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return `${path} is not a plain array`;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return `${path}[${i}] is missing`;
      const problem = walk(value[i], `${path}[${i}]`, depth + 1, limits, budget);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (!isPlainObject(value)) return `${path} is not a plain object`;
  if (Object.getOwnPropertySymbols(value).length > 0) return `${path} has symbol keys`;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `${path} has forbidden key "${key}"`;
    budget.bytes += NODE_COST + key.length;
    const problem = walk(value[key], `${path}.${key}`, depth + 1, limits, budget);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
