/**
 * Membership checks shared by every session route, and the mirror of the
 * member list into the session document.
 */
import { sessionDocName, type SessionId, type UserId } from "@taiku/engine";
import type { User } from "../../auth/userStore";
import { memberOf, type SessionRecord } from "../../data/sessionStore";
import { forbidden, notFound } from "../httpError";
import type { Services } from "../services";

/** The session, when `user` is a member; 404 when it does not exist, 403 when the caller is not a member. */
export async function requireMember(services: Services, sessionId: SessionId, user: User): Promise<SessionRecord> {
  const record = await services.sessions.get(sessionId);
  if (record === undefined) throw notFound("no such session");
  if (memberOf(record, user.userId) === undefined) throw forbidden("you are not a member of this session");
  return record;
}

/** The session, when `user` owns it (and it has not ended, unless `allowEnded`). */
export async function requireOwner(services: Services, sessionId: SessionId, user: User, allowEnded = false): Promise<SessionRecord> {
  const record = await requireMember(services, sessionId, user);
  if (record.ownerId !== user.userId) throw forbidden("only the session owner may do this");
  if (record.ended && !allowEnded) throw forbidden("this session has ended");
  return record;
}

/** A member's display name; `"unknown"` when the user record is gone. */
export async function memberName(services: Services, userId: UserId): Promise<string> {
  return (await services.users.get(userId))?.name ?? "unknown";
}

/** Writes members (with names and roles) into the session document's `members` map. */
export async function mirrorMembers(services: Services, record: SessionRecord, userIds: readonly UserId[]): Promise<void> {
  const entries = await Promise.all(
    userIds.map(async (userId) => {
      const member = memberOf(record, userId);
      return { userId, name: await memberName(services, userId), role: member?.role ?? "member" };
    }),
  );
  await services.relay.transact(sessionDocName(record.sessionId), (doc) => {
    const members = doc.getMap("members");
    for (const { userId, name, role } of entries) members.set(userId, { name, role });
  });
}
