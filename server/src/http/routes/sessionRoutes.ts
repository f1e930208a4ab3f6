/**
 * Sessions: create, list, info, invites, join, end.
 */
import { z } from "zod";
import { sessionDocName, type SessionId } from "@taiku/engine";
import { sessionEventsOf } from "../../shells/withSessionEvents";
import { defineRoute } from "../defineRoute";
import { forbidden, notFound } from "../httpError";
import { pluginIdSchema, sessionIdSchema, sessionParams, timestampSchema, userIdSchema } from "../schemas";
import type { Services } from "../services";
import type { SessionRecord } from "../../data/sessionStore";
import { memberName, mirrorMembers, requireMember, requireOwner } from "./sessionAccess";

const summarySchema = z.object({
  sessionId: sessionIdSchema,
  title: z.string(),
  ownerId: userIdSchema,
  createdAt: timestampSchema,
  ended: z.boolean(),
});

const infoSchema = summarySchema.extend({
  members: z.array(z.object({ userId: userIdSchema, name: z.string(), role: z.enum(["owner", "member"]) })),
  plugins: z.array(pluginIdSchema).meta({ description: "Ids of the session-managed plugins" }),
});

function summary(record: SessionRecord): z.input<typeof summarySchema> {
  const { sessionId, title, ownerId, createdAt, ended } = record;
  return { sessionId, title, ownerId, createdAt, ended };
}

async function info(record: SessionRecord, services: Services): Promise<z.input<typeof infoSchema>> {
  const members = await Promise.all(
    record.members.map(async (m) => ({ userId: m.userId, role: m.role, name: await memberName(services, m.userId) })),
  );
  return { ...summary(record), members, plugins: record.plugins.map((p) => p.pluginId) };
}

/** `POST /api/sessions`: create a session; the caller owns it. */
export const createSessionRoute = defineRoute(
  {
    method: "POST",
    path: "/api/sessions",
    auth: "user",
    summary: "Create a session; the caller is its owner.",
    request: { body: z.object({ title: z.string().trim().min(1).max(200) }) },
    response: { status: 201, body: z.object({ sessionId: sessionIdSchema }) },
  },
  async ({ body, user }, services) => {
    const record = await services.sessions.create(user.userId, body.title);
    await mirrorMembers(services, record, [user.userId]);
    services.logger.info({ sessionId: record.sessionId, userId: user.userId }, "session created");
    return { sessionId: record.sessionId };
  },
);

/** `GET /api/sessions`: sessions the caller belongs to. */
export const listSessionsRoute = defineRoute(
  {
    method: "GET",
    path: "/api/sessions",
    auth: "user",
    summary: "List the sessions the caller belongs to.",
    request: {},
    response: { status: 200, body: z.object({ sessions: z.array(summarySchema) }) },
  },
  async ({ user }, { sessions }) => {
    return { sessions: (await sessions.listFor(user.userId)).map(summary) };
  },
);

/** `GET /api/sessions/:sid`: session info, for members. */
export const sessionInfoRoute = defineRoute(
  {
    method: "GET",
    path: "/api/sessions/:sid",
    auth: "user",
    summary: "Session info: id, title, owner, members with names, creation time, whether it ended, session-managed plugins (members only).",
    request: { params: sessionParams },
    response: { status: 200, body: infoSchema },
  },
  async ({ params, user }, services) => {
    return info(await requireMember(services, params.sid as SessionId, user), services);
  },
);

/** `POST /api/sessions/:sid/invites`: the owner creates an invite code. */
export const createInviteRoute = defineRoute(
  {
    method: "POST",
    path: "/api/sessions/:sid/invites",
    auth: "user",
    summary: "Create an invite code (owner only).",
    request: { params: sessionParams },
    response: { status: 200, body: z.object({ code: z.string() }) },
  },
  async ({ params, user }, services) => {
    const record = await requireOwner(services, params.sid as SessionId, user);
    return { code: await services.sessions.createInvite(record.sessionId, user.userId) };
  },
);

/** `POST /api/sessions/:sid/join`: become a member with an invite code. */
export const joinSessionRoute = defineRoute(
  {
    method: "POST",
    path: "/api/sessions/:sid/join",
    auth: "user",
    summary: "Join a session with an invite code.",
    request: { params: sessionParams, body: z.object({ code: z.string().min(1).max(128) }) },
    response: { status: 200, body: infoSchema },
  },
  async ({ params, body, user }, services) => {
    const sessionId = params.sid as SessionId;
    const existing = await services.sessions.get(sessionId);
    if (existing === undefined || !(await services.sessions.checkInvite(sessionId, body.code))) {
      throw notFound("no such session or invite");
    }
    if (existing.ended) throw forbidden("this session has ended");
    const record = await services.sessions.addMember(sessionId, user.userId);
    if (record === undefined) throw notFound("no such session or invite");
    await mirrorMembers(services, record, [user.userId]);
    return info(record, services);
  },
);

/**
 * `POST /api/sessions/:sid/end`: the owner ends the session. The session
 * document records it in its server-only `lifecycle` map (`ended`:
 * `{ at, by }`), so every member's client sees it at once and unloads the
 * session's plugins; its KV documents are closed and deleted, and the shells'
 * hosts are disconnected. Chat, members and user KV and files stay.
 */
export const endSessionRoute = defineRoute(
  {
    method: "POST",
    path: "/api/sessions/:sid/end",
    auth: "user",
    summary: "End the session (owner only): every member sees it ended, its KV documents are deleted and its shell hosts disconnected; chat, user KV and files stay.",
    request: { params: sessionParams },
    response: { status: 200, body: summarySchema },
  },
  async ({ params, user }, services) => {
    const record = await requireOwner(services, params.sid as SessionId, user, true);
    const ended = (await services.sessions.end(record.sessionId)) ?? record;
    await services.relay.transact(sessionDocName(record.sessionId), (doc) => {
      doc.getMap("lifecycle").set("ended", { at: Date.now(), by: user.userId });
    });
    await services.relay.endSession(record.sessionId);
    const channel = sessionEventsOf(services.relay);
    for (const token of channel === undefined ? [] : await services.hostTokens.list(record.sessionId, () => true)) {
      channel?.disconnectHosts(record.sessionId, token.tokenId, "the session has ended");
    }
    services.logger.info({ sessionId: record.sessionId }, "session ended");
    return summary(ended);
  },
);
