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

  /** When `token` expires (ms since the Unix epoch), or `undefined` when it is unknown or expired. */
  async expiryOf(token: string): Promise<number | undefined> {
    if (token.length === 0 || token.length > 256) return undefined;
    const record = await this.tokens.get(hashToken(token));
    return record === undefined || record.expiresAt <= this.now() ? undefined : record.expiresAt;
  }

  /** Revokes `token` (a logout); unknown tokens are ignored. */
  async revoke(token: string): Promise<void> {
    if (token.length === 0 || token.length > 256) return;
    await this.tokens.del(hashToken(token));
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
