/**
 * Host tokens: the credential a `taiku share` process presents to be a host
 * of one session (announce itself, open shells, answer file requests).
 *
 * A member issues one for a session; the secret is shown once and only its
 * SHA-256 is stored, in the `host-tokens` sublevel under `<sid>/<tokenId>`,
 * with who issued it, when, a label and an expiry. The token the member
 * copies reads `taiku-host.<tokenId>.<secret>`: the prefix tells it apart
 * from a login token, the token id finds the record (the session comes from
 * where it is used), and the secret is compared by hash in constant time.
 *
 * A token is valid for connecting until it expires or is revoked (revoking
 * deletes the record). An expired record is kept until it is listed or used
 * again, so its host, if still connected, can still be revoked from the list.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { SessionId, UserId } from "@taiku/engine";
import { jsonSublevel, keysWithPrefix, type JsonSublevel, type TaikuDatabase } from "../data/database";

/** How long a host token is valid by default: 24 hours (a copyable command should not work for ever). */
export const DEFAULT_HOST_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** The longest lifetime a member may ask for: 7 days. */
export const MAX_HOST_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Host tokens one session may hold at once. */
export const MAX_HOST_TOKENS_PER_SESSION = 64;

const PREFIX = "taiku-host.";
const TOKEN = /^taiku-host\.([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

/** A host token as stored and listed (never the secret). */
export interface HostTokenRecord {
  readonly tokenId: string;
  readonly sessionId: SessionId;
  /** The member who issued it; a host using it acts as this member. */
  readonly createdBy: UserId;
  /** When it was issued (ms since the epoch). */
  readonly createdAt: number;
  /** When it stops being valid for connecting (ms since the epoch). */
  readonly expiresAt: number;
  /** What the member called it, e.g. the machine it is for. */
  readonly label: string;
}

interface StoredHostToken extends HostTokenRecord {
  /** SHA-256 (hex) of the whole token. */
  readonly hash: string;
}

/** Why a host token was not accepted, in words for the person who pasted it. */
export type HostTokenRefusal = { readonly refused: "malformed" | "unknown" | "expired"; readonly message: string };

/** True when `token` has the shape of a host token (it may still be invalid). */
export function looksLikeHostToken(token: string): boolean {
  return token.startsWith(PREFIX);
}

/** The token id inside a well-formed host token, else `undefined`. */
export function hostTokenIdOf(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Issues, resolves, lists and revokes host tokens. */
export class HostTokenStore {
  private readonly table: JsonSublevel<StoredHostToken>;

  constructor(
    db: TaikuDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.table = jsonSublevel(db, "host-tokens");
  }

  /** Issues a token for `sessionId`; returns the secret token (shown once) and its record. */
  async issue(sessionId: SessionId, createdBy: UserId, label: string, ttlMs: number = DEFAULT_HOST_TOKEN_TTL_MS): Promise<{ token: string; record: HostTokenRecord }> {
    const tokenId = randomBytes(8).toString("hex");
    const token = `${PREFIX}${tokenId}.${randomBytes(32).toString("base64url")}`;
    const createdAt = this.now();
    const record: HostTokenRecord = { tokenId, sessionId, createdBy, createdAt, expiresAt: createdAt + Math.min(ttlMs, MAX_HOST_TOKEN_TTL_MS), label };
    await this.table.put(`${sessionId}/${tokenId}`, { ...record, hash: sha256(token).toString("hex") });
    return { token, record };
  }

  /** The record a token stands for in `sessionId`, or why it is refused. */
  async resolve(sessionId: SessionId, token: string): Promise<HostTokenRecord | HostTokenRefusal> {
    const tokenId = hostTokenIdOf(token);
    if (tokenId === undefined) return { refused: "malformed", message: "this is not a host token (expected taiku-host.<id>.<secret>); create one in the session's Shells pane" };
    const stored = await this.table.get(`${sessionId}/${tokenId}`);
    const expected = stored === undefined ? undefined : Buffer.from(stored.hash, "hex");
    if (stored === undefined || expected === undefined || expected.length !== 32 || !timingSafeEqual(expected, sha256(token))) {
      return { refused: "unknown", message: "this host token is not valid for this session: it was revoked, or issued for another session; create a new one in the Shells pane" };
    }
    if (stored.expiresAt <= this.now()) {
      return { refused: "expired", message: `this host token expired at ${new Date(stored.expiresAt).toISOString()}; create a new one in the Shells pane` };
    }
    return recordOf(stored);
  }

  /** The session's tokens (without secrets), oldest first; expired ones for which `keep` is false are deleted. */
  async list(sessionId: SessionId, keep: (record: HostTokenRecord) => boolean = () => false): Promise<HostTokenRecord[]> {
    const records: HostTokenRecord[] = [];
    for (const key of await keysWithPrefix(this.table, `${sessionId}/`)) {
      const stored = await this.table.get(key);
      if (stored === undefined) continue;
      const record = recordOf(stored);
      if (record.expiresAt <= this.now() && !keep(record)) await this.table.del(key);
      else records.push(record);
    }
    return records.sort((a, b) => a.createdAt - b.createdAt || a.tokenId.localeCompare(b.tokenId));
  }

  /** One token's record, when the session has it. */
  async get(sessionId: SessionId, tokenId: string): Promise<HostTokenRecord | undefined> {
    const stored = /^[0-9a-f]{16}$/.test(tokenId) ? await this.table.get(`${sessionId}/${tokenId}`) : undefined;
    return stored === undefined ? undefined : recordOf(stored);
  }

  /** Deletes a token; it can no longer connect. */
  async revoke(sessionId: SessionId, tokenId: string): Promise<void> {
    await this.table.del(`${sessionId}/${tokenId}`);
  }
}

function recordOf(stored: StoredHostToken): HostTokenRecord {
  const { tokenId, sessionId, createdBy, createdAt, expiresAt, label } = stored;
  return { tokenId, sessionId, createdBy, createdAt, expiresAt, label };
}
