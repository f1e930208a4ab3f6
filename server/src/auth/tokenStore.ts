/**
 * Login tokens: 32 random bytes handed to the client once, stored only as
 * their SHA-256 (so a copy of the database holds no usable token), each with
 * an expiry.
 */
import { createHash, randomBytes } from "node:crypto";
import type { UserId } from "@taiku/engine";
import { jsonSublevel, type JsonSublevel, type TaikuDatabase } from "../data/database";

interface TokenRecord {
  readonly userId: UserId;
  readonly expiresAt: number;
}

/** The SHA-256 (hex) of a token: its storage key, and a safe name for it in memory. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Issues and resolves login tokens. */
export class TokenStore {
  private readonly tokens: JsonSublevel<TokenRecord>;

  constructor(
    db: TaikuDatabase,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = jsonSublevel(db, "tokens");
  }

  /** Issues a new token for `userId`. */
  async issue(userId: UserId): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await this.tokens.put(hashToken(token), { userId, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** The user a token belongs to, or `undefined` when unknown or expired (expired ones are removed). */
  async resolve(token: string): Promise<UserId | undefined> {
    if (token.length === 0 || token.length > 256) return undefined;
    const key = hashToken(token);
    const record = await this.tokens.get(key);
    if (record === undefined) return undefined;
    if (record.expiresAt <= this.now()) {
      await this.tokens.del(key);
      return undefined;
    }
    return record.userId;
  }
}
