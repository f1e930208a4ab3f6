/**
 * The session chat over HTTP, for scripts and agents (the client writes
 * its messages into the session document, which the relay checks; see
 * `sessionAuthorship.ts`). Both routes are server-written changes whose
 * author is the caller:
 *
 * - `POST /api/sessions/:sid/chat` appends a message whose `userId` and
 *   `name` are the caller's; members only, not on an ended session.
 * - `DELETE /api/sessions/:sid/chat/:messageId` removes a message; only its
 *   author or the session owner may (the same rule the relay applies to a
 *   client's delete). Nobody edits a message.
 */
import { z } from "zod";
import type { SessionId } from "@taiku/engine";
import { appendChat, deleteChat, MAX_CHAT_TEXT } from "../../sync/sessionAuthorship";
import { defineRoute } from "../defineRoute";
import { forbidden, notFound } from "../httpError";
import { sessionIdSchema, sessionParams } from "../schemas";
import { requireMember } from "./sessionAccess";

const messageSchema = z.object({
  id: z.string().meta({ description: "The message's id" }),
  userId: z.string().meta({ description: "The author: the authenticated caller who posted it" }),
  name: z.string().meta({ description: "The author's display name when they posted it" }),
  text: z.string().meta({ description: "The text" }),
  ts: z.number().meta({ description: "When the relay recorded it (ms since the Unix epoch)" }),
});

const messageParams = z.object({
  sid: sessionIdSchema,
  messageId: z.string().min(1).max(128).meta({ description: "The message's id" }),
});

/** `POST /api/sessions/:sid/chat`. */
export const postChatRoute = defineRoute(
  {
    method: "POST",
    path: "/api/sessions/:sid/chat",
    auth: "user",
    summary: "Send a chat message as the caller (members only): the server appends it to the session's chat with the caller's id and name.",
    request: {
      params: sessionParams,
      body: z.strictObject({
        text: z.string().trim().min(1).max(MAX_CHAT_TEXT).meta({ description: `The message, 1–${MAX_CHAT_TEXT} characters after trimming` }),
      }),
    },
    response: { status: 201, body: messageSchema },
  },
  async ({ params, body, user }, services) => {
    const record = await requireMember(services, params.sid as SessionId, user);
    if (record.ended) throw forbidden("this session has ended");
    return appendChat(services.relay, record.sessionId, user, body.text);
  },
);

/** `DELETE /api/sessions/:sid/chat/:messageId`. */
export const deleteChatRoute = defineRoute(
  {
    method: "DELETE",
    path: "/api/sessions/:sid/chat/:messageId",
    auth: "user",
    summary: "Delete a chat message (its author, or the session owner).",
    request: { params: messageParams },
    response: { status: 200, body: z.object({ deleted: z.literal(true) }) },
  },
  async ({ params, user }, services) => {
    const record = await requireMember(services, params.sid as SessionId, user);
    if (record.ended) throw forbidden("this session has ended");
    const refusal = await deleteChat(services.relay, record.sessionId, params.messageId, user.userId, record.ownerId === user.userId);
    if (refusal === "not_found") throw notFound("no such chat message in this session");
    if (refusal === "not_author") throw forbidden("only a message's author, or the session owner, may delete it");
    return { deleted: true as const };
  },
);
