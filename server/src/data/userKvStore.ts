/**
 * Per-user, per-plugin key/value storage (the "user KV" layer): JSON values
 * under `<userId>!<pluginId>!<key>` in the `userKv` sublevel. A plugin only
 * ever reaches its own caller's entries: the user id comes from the token,
 * never from the request.
 */
import type { PluginId, UserId } from "@taiku/engine";
import { jsonSublevel, prefixRange, type JsonSublevel, type TaikuDatabase } from "./database";

/** One stored entry. */
export interface UserKvEntry {
  readonly key: string;
  readonly value: unknown;
}

/** User KV: list, get, put, delete, scoped by user and plugin. */
export class UserKvStore {
  private readonly table: JsonSublevel<{ value: unknown }>;

  constructor(db: TaikuDatabase) {
    this.table = jsonSublevel(db, "userKv");
  }

  private static prefix(userId: UserId, pluginId: PluginId): string {
    return `${userId}!${pluginId}!`;
  }

  /** Every entry of one user's plugin, in key order. */
  async list(userId: UserId, pluginId: PluginId): Promise<UserKvEntry[]> {
    const prefix = UserKvStore.prefix(userId, pluginId);
    const entries: UserKvEntry[] = [];
    for await (const [key, stored] of this.table.iterator(prefixRange(prefix))) {
      entries.push({ key: key.slice(prefix.length), value: stored.value });
    }
    return entries;
  }

  /** One value; `undefined` when absent. */
  async get(userId: UserId, pluginId: PluginId, key: string): Promise<{ value: unknown } | undefined> {
    return this.table.get(UserKvStore.prefix(userId, pluginId) + key);
  }

  /** Stores `value` under `key`. */
  async put(userId: UserId, pluginId: PluginId, key: string, value: unknown): Promise<void> {
    await this.table.put(UserKvStore.prefix(userId, pluginId) + key, { value });
  }

  /** Deletes `key`; true when it existed. */
  async delete(userId: UserId, pluginId: PluginId, key: string): Promise<boolean> {
    const fullKey = UserKvStore.prefix(userId, pluginId) + key;
    const existed = (await this.table.get(fullKey)) !== undefined;
    if (existed) await this.table.del(fullKey);
    return existed;
  }
}
