/**
 * Sessions as the server records them: owner, members, invites and the
 * session-managed plugin set. This is the authority for membership checks;
 * the session document's `members` and `plugins` maps mirror it (written by
 * the HTTP side through the relay).
 *
 * Sublevels: `sessions` (id → record), `memberships` (`<userId>!<sid>` → 1,
 * to list a user's sessions), `invites` (code → invite).
 */
import { randomBytes } from "node:crypto";
import type { PluginId, SessionId, UserId } from "@taiku/engine";
import { jsonSublevel, keysWithPrefix, type JsonSublevel, type TaikuDatabase } from "./database";
import { KeyedLock } from "./keyedLock";

/** A member's role in a session. */
export type SessionRole = "owner" | "member";

/** One member of a session. */
export interface SessionMember {
  readonly userId: UserId;
  readonly role: SessionRole;
  readonly joinedAt: string;
}

/** A plugin the owner enabled for the session. */
export interface SessionPlugin {
  readonly pluginId: PluginId;
  readonly enabledBy: UserId;
  readonly enabledAt: string;
}

/** A session as stored. */
export interface SessionRecord {
  readonly sessionId: SessionId;
  readonly title: string;
  readonly ownerId: UserId;
  readonly createdAt: string;
  readonly ended: boolean;
  readonly members: readonly SessionMember[];
  readonly plugins: readonly SessionPlugin[];
}

interface InviteRecord {
  readonly sessionId: SessionId;
  readonly createdBy: UserId;
  readonly expiresAt: number;
}

/** Creates a fresh random session id (base64url, 16 bytes). */
function newSessionId(): SessionId {
  return randomBytes(16).toString("base64url") as SessionId;
}

/** The `memberships` key that says `userId` belongs to `sessionId`. */
function membershipKey(userId: UserId, sessionId: SessionId): string {
  return `${userId}!${sessionId}`;
}

/** Sessions, memberships and invites. */
export class SessionStore {
  private readonly sessions: JsonSublevel<SessionRecord>;
  private readonly memberships: JsonSublevel<number>;
  private readonly invites: JsonSublevel<InviteRecord>;
  private readonly lock = new KeyedLock();

  constructor(
    db: TaikuDatabase,
    private readonly inviteTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sessions = jsonSublevel(db, "sessions");
    this.memberships = jsonSublevel(db, "memberships");
    this.invites = jsonSublevel(db, "invites");
  }

  /** Creates a session owned by `ownerId`. */
  async create(ownerId: UserId, title: string): Promise<SessionRecord> {
    const createdAt = new Date(this.now()).toISOString();
    const record: SessionRecord = {
      sessionId: newSessionId(),
      title,
      ownerId,
      createdAt,
      ended: false,
      members: [{ userId: ownerId, role: "owner", joinedAt: createdAt }],
      plugins: [],
    };
    await this.sessions.db.batch([
      { type: "put", sublevel: this.sessions, key: record.sessionId, value: record },
      { type: "put", sublevel: this.memberships, key: membershipKey(ownerId, record.sessionId), value: 1 },
    ]);
    return record;
  }

  /** The session, or `undefined`. */
  async get(sessionId: SessionId): Promise<SessionRecord | undefined> {
    return this.sessions.get(sessionId);
  }

  /** Every session `userId` belongs to, oldest first. */
  async listFor(userId: UserId): Promise<SessionRecord[]> {
    const prefix = `${userId}!`;
    const ids = (await keysWithPrefix(this.memberships, prefix)).map((key) => key.slice(prefix.length));
    const records = await this.sessions.getMany(ids);
    return records
      .filter((record): record is SessionRecord => record !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Adds `userId` as a member (no-op when already one); the updated record. */
  async addMember(sessionId: SessionId, userId: UserId): Promise<SessionRecord | undefined> {
    return this.update(sessionId, (record) => {
      if (record.members.some((m) => m.userId === userId)) return record;
      const member: SessionMember = { userId, role: "member", joinedAt: new Date(this.now()).toISOString() };
      return { ...record, members: [...record.members, member] };
    }, [userId]);
  }

  /** Marks the session ended and drops its invites from use. */
  async end(sessionId: SessionId): Promise<SessionRecord | undefined> {
    return this.update(sessionId, (record) => ({ ...record, ended: true }));
  }

  /** Enables (`enabledBy` given) or disables (`undefined`) a session-managed plugin. */
  async setPlugin(sessionId: SessionId, pluginId: PluginId, enabledBy: UserId | undefined): Promise<SessionRecord | undefined> {
    return this.update(sessionId, (record) => {
      const others = record.plugins.filter((p) => p.pluginId !== pluginId);
      if (enabledBy === undefined) return { ...record, plugins: others };
      const existing = record.plugins.find((p) => p.pluginId === pluginId);
      const plugin = existing ?? { pluginId, enabledBy, enabledAt: new Date(this.now()).toISOString() };
      return { ...record, plugins: [...others, plugin] };
    });
  }

  /** Creates an invite code for the session. */
  async createInvite(sessionId: SessionId, createdBy: UserId): Promise<string> {
    const code = randomBytes(18).toString("base64url");
    await this.invites.put(code, { sessionId, createdBy, expiresAt: this.now() + this.inviteTtlMs });
    return code;
  }

  /** True when `code` is a live invite to `sessionId`. */
  async checkInvite(sessionId: SessionId, code: string): Promise<boolean> {
    if (code.length === 0 || code.length > 128) return false;
    const invite = await this.invites.get(code);
    return invite !== undefined && invite.sessionId === sessionId && invite.expiresAt > this.now();
  }

  private update(
    sessionId: SessionId,
    change: (record: SessionRecord) => SessionRecord,
    newMembers: readonly UserId[] = [],
  ): Promise<SessionRecord | undefined> {
    return this.lock.run(sessionId, async () => {
      const record = await this.sessions.get(sessionId);
      if (record === undefined) return undefined;
      const next = change(record);
      await this.sessions.db.batch([
        { type: "put", sublevel: this.sessions, key: sessionId, value: next },
        ...newMembers.map((userId) => ({ type: "put" as const, sublevel: this.memberships, key: membershipKey(userId, sessionId), value: 1 })),
      ]);
      return next;
    });
  }
}

/** The member entry for `userId`, or `undefined` when not a member. */
export function memberOf(record: SessionRecord, userId: UserId): SessionMember | undefined {
  return record.members.find((m) => m.userId === userId);
}
