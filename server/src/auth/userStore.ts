/**
 * Registered users: a name (unique, case-insensitively) and a scrypt
 * password hash, in the `users` and `userNames` sublevels.
 */
import { randomBytes } from "node:crypto";
import type { UserId } from "@taiku/engine";
import { jsonSublevel, type JsonSublevel, type TaikuDatabase } from "../data/database";
import { KeyedLock } from "../data/keyedLock";
import { dummyHash, hashPassword, verifyPassword, type PasswordHash } from "./passwords";

/** A user as stored. */
export interface UserRecord {
  readonly userId: UserId;
  readonly name: string;
  readonly password: PasswordHash;
  readonly createdAt: string;
}

/** A user as the rest of the server sees it. */
export interface User {
  readonly userId: UserId;
  readonly name: string;
}

/** Creates a fresh random user id (base64url, 16 bytes). */
function newUserId(): UserId {
  return randomBytes(16).toString("base64url") as UserId;
}

/** The key a name is unique under: NFC, lower case. */
function nameKeyOf(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

/** Users: registration, login checks, look-ups. */
export class UserStore {
  private readonly users: JsonSublevel<UserRecord>;
  private readonly names: JsonSublevel<UserId>;
  private readonly lock = new KeyedLock();

  constructor(db: TaikuDatabase) {
    this.users = jsonSublevel(db, "users");
    this.names = jsonSublevel(db, "userNames");
  }

  /** Registers a user; `{ error: "taken" }` when the name is in use. */
  async create(name: string, password: string): Promise<User | { error: "taken" }> {
    const nameKey = nameKeyOf(name);
    const hash = await hashPassword(password);
    return this.lock.run(`name:${nameKey}`, async () => {
      if ((await this.names.get(nameKey)) !== undefined) return { error: "taken" as const };
      const record: UserRecord = { userId: newUserId(), name, password: hash, createdAt: new Date().toISOString() };
      await this.users.db.batch([
        { type: "put", sublevel: this.users, key: record.userId, value: record },
        { type: "put", sublevel: this.names, key: nameKey, value: record.userId },
      ]);
      return { userId: record.userId, name };
    });
  }

  /** The user whose name and password match, or `undefined`. */
  async verify(name: string, password: string): Promise<User | undefined> {
    const userId = await this.names.get(nameKeyOf(name));
    const record = userId === undefined ? undefined : await this.users.get(userId);
    if (record === undefined) {
      await verifyPassword(password, await dummyHash());
      return undefined;
    }
    return (await verifyPassword(password, record.password)) ? { userId: record.userId, name: record.name } : undefined;
  }

  /** The user with this id, or `undefined`. */
  async get(userId: UserId): Promise<User | undefined> {
    const record = await this.users.get(userId);
    return record === undefined ? undefined : { userId: record.userId, name: record.name };
  }

  /** The stored record (hash included) — for tests and administration only. */
  async record(userId: UserId): Promise<UserRecord | undefined> {
    return this.users.get(userId);
  }
}
