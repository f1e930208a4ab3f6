/**
 * The shape of the server's one LevelDB database as the HTTP side uses it:
 * a root it can carve JSON sublevels from (users, tokens, sessions, user KV).
 * The database itself is opened by `store/openLevel`.
 */
import type { AbstractLevel, AbstractSublevel } from "abstract-level";

/** The server's root database (any key/value encoding; sublevels choose their own). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaikuDatabase = AbstractLevel<any, any, any>;

/** A sublevel holding JSON values under string keys. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonSublevel<V> = AbstractSublevel<any, any, string, V>;

/** Opens (creates on first use) a JSON sublevel named `name`. */
export function jsonSublevel<V>(db: TaikuDatabase, name: string): JsonSublevel<V> {
  return db.sublevel<string, V>(name, { keyEncoding: "utf8", valueEncoding: "json" });
}

/** The key range holding exactly the keys that start with `prefix` (which must end in an ASCII separator). */
export function prefixRange(prefix: string): { gte: string; lt: string } {
  const last = prefix.charCodeAt(prefix.length - 1);
  return { gte: prefix, lt: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

/** Every key of a sublevel starting with `prefix`, in key order. */
export async function keysWithPrefix<V>(table: JsonSublevel<V>, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of table.keys(prefixRange(prefix))) keys.push(key);
  return keys;
}
