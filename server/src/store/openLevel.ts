/**
 * Opens the server's one LevelDB database. Every concern takes its own
 * sublevel with its own encodings, e.g.
 * `db.sublevel<string, Uint8Array>("events", { keyEncoding: "utf8", valueEncoding: "view" })`
 * or `db.sublevel<string, User>("users", { valueEncoding: "json" })`
 * (a sublevel's encodings are independent of its parent's).
 */
import { mkdir } from "node:fs/promises";
import { Level } from "level";

/** The server's root database: UTF-8 keys, binary values by default. */
export type ServerLevel = Level<string, Uint8Array>;

/** Opens (creating it and its folder when missing) the database at `path`. */
export async function openLevel(path: string): Promise<ServerLevel> {
  await mkdir(path, { recursive: true });
  const db = new Level<string, Uint8Array>(path, { keyEncoding: "utf8", valueEncoding: "view" });
  await db.open();
  return db;
}
