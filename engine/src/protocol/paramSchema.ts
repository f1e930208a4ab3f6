/**
 * A tiny hand-written schema kit for bridge method parameters (the engine may
 * import only yjs and lib0). A schema checks an already structurally safe
 * value (see `checkBridgeValue`) and reports the first problem with its path;
 * its static type is recovered with {@link Infer}, so the validator and the
 * parameter types cannot drift apart.
 */
import { isBytes, isPlainObject, type BridgeValue, type JsonValue } from "./bridgeValue";

/** Checks one value; returns a reason or `undefined`. `T` is the type it admits. */
export interface Schema<T> {
  /** Returns why `value` (found at `path`) is not a `T`, or `undefined`. */
  readonly check: (value: unknown, path: string) => string | undefined;
  /** True when the key may be absent from its object. */
  readonly optional: boolean;
  /** Carries `T` for {@link Infer}; never set at run time. */
  readonly __type?: T;
}

/** The type a schema admits. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = { readonly [key: string]: Schema<unknown> };
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K]["optional"] extends true ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;
/** The object type described by a shape. */
export type InferShape<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

function schema<T>(check: (value: unknown, path: string) => string | undefined): Schema<T> {
  return { check, optional: false };
}

/** A string of `min`–`max` UTF-16 code units, optionally matching `pattern`. */
export function string(options: { min?: number; max: number; pattern?: RegExp }): Schema<string> {
  const min = options.min ?? 0;
  return schema((value, path) => {
    if (typeof value !== "string") return `${path} must be a string`;
    if (value.length < min || value.length > options.max) {
      return `${path} must be ${min}–${options.max} characters long`;
    }
    if (options.pattern && !options.pattern.test(value)) return `${path} has an invalid format`;
    return undefined;
  });
}

/** A safe integer within `min`–`max`. */
export function integer(options: { min: number; max: number }): Schema<number> {
  return schema((value, path) =>
    Number.isSafeInteger(value) && (value as number) >= options.min && (value as number) <= options.max
      ? undefined
      : `${path} must be an integer from ${options.min} to ${options.max}`,
  );
}

/** A finite number. */
export function number(): Schema<number> {
  return schema((value, path) => (typeof value === "number" ? undefined : `${path} must be a number`));
}

/** A boolean. */
export function boolean(): Schema<boolean> {
  return schema((value, path) => (typeof value === "boolean" ? undefined : `${path} must be a boolean`));
}

/** One of the given string literals. */
export function literal<const L extends readonly string[]>(...values: L): Schema<L[number]> {
  return schema((value, path) =>
    typeof value === "string" && values.includes(value) ? undefined : `${path} must be one of ${values.join(", ")}`,
  );
}

/** Binary data: a `Uint8Array` of at most `max` bytes. */
export function bytes(options: { max: number }): Schema<Uint8Array> {
  return schema((value, path) => {
    if (!isBytes(value)) return `${path} must be a Uint8Array`;
    return value.byteLength > options.max ? `${path} must be at most ${options.max} bytes` : undefined;
  });
}

/** Any JSON value (no binary inside). */
export function json(): Schema<JsonValue> {
  return schema((value, path) => findBytes(value as BridgeValue, path));
}

function findBytes(value: BridgeValue, path: string): string | undefined {
  if (isBytes(value)) return `${path} must be JSON, not binary`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findBytes(value[i] as BridgeValue, `${path}[${i}]`);
      if (problem) return problem;
    }
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const problem = findBytes(item, `${path}.${key}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** Either of two schemas. */
export function either<A, B>(a: Schema<A>, b: Schema<B>): Schema<A | B> {
  return schema((value, path) => {
    const first = a.check(value, path);
    if (first === undefined) return undefined;
    return b.check(value, path) === undefined ? undefined : first;
  });
}

/** `inner`, or `null`. */
export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return schema((value, path) => (value === null ? undefined : inner.check(value, path)));
}

/** Marks a key as optional in its object; when present it must match `inner`. */
export function optional<T>(inner: Schema<T>): Schema<T> & { readonly optional: true } {
  return { check: inner.check, optional: true };
}

/** An array of at most `max` items, each matching `item`. */
export function arrayOf<T>(item: Schema<T>, options: { max: number }): Schema<T[]> {
  return schema((value, path) => {
    if (!Array.isArray(value)) return `${path} must be an array`;
    if (value.length > options.max) return `${path} must have at most ${options.max} items`;
    for (let i = 0; i < value.length; i++) {
      const problem = item.check(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  });
}

/** An object with exactly the keys of `shape` (optional ones may be absent) and no others. */
export function object<const S extends Shape>(shape: S): Schema<InferShape<S>> {
  const keys = Object.keys(shape);
  return schema((value, path) => {
    if (!isPlainObject(value)) return `${path} must be an object`;
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) return `${path} has unexpected key ${JSON.stringify(key.slice(0, 40))}`;
    }
    for (const key of keys) {
      const field = shape[key] as Schema<unknown>;
      if (!Object.hasOwn(value, key)) {
        if (field.optional) continue;
        return `${path}.${key} is required`;
      }
      const problem = field.check(value[key], `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  });
}
