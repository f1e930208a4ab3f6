/**
 * `POST /api/sessions/:sid/activity`: an agent (or a script acting for one)
 * reports what it did. The entry is appended to the session document's
 * `activity` array as a server-authored change and sent to everyone in the
 * session as an `agent:activity` event (members only; not on an ended
 * session). The entry records its poster, the authenticated caller, beside
 * the `actor` the caller names: an actor is a claim, the poster is not.
 * Clients cannot write `activity` themselves (`sessionAuthorship.ts`).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ErrorCode, type SessionId } from "@taiku/engine";
import { sessionEventsOf } from "../../shells/withSessionEvents";
import { defineRoute } from "../defineRoute";
import { forbidden, HttpError } from "../httpError";
import { sessionParams } from "../schemas";
import { requireMember } from "./sessionAccess";

const activitySchema = z.object({
  id: z.string().meta({ description: "The entry's id" }),
  actor: z.string().meta({ description: "Who acted: an agent's display name" }),
  kind: z.string().meta({ description: "What kind of thing it did, e.g. edit, run, note" }),
  text: z.string().meta({ description: "What it did, in a sentence" }),
  ts: z.number().meta({ description: "When the relay recorded it (ms since the Unix epoch)" }),
  poster: z
    .object({
      userId: z.string().meta({ description: "The poster's user id" }),
      name: z.string().meta({ description: "The poster's display name" }),
    })
    .meta({ description: "Who posted the entry: the authenticated caller, whatever actor they named" }),
});

/** `POST /api/sessions/:sid/activity`. */
export const postActivityRoute = defineRoute(
  {
    method: "POST",
    path: "/api/sessions/:sid/activity",
    auth: "user",
    summary: "Append an agent activity entry to the session's feed and emit agent:activity (members only).",
    request: {
      params: sessionParams,
      body: z.strictObject({
        actor: z.string().trim().min(1).max(256).meta({ description: "Who acted: an agent's display name, 1–256 characters" }),
        kind: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/).meta({ description: "Kind of action: ^[a-z][a-z0-9_.-]{0,63}$" }),
        text: z.string().min(1).max(16 * 1024).meta({ description: "What it did, 1–16,384 characters" }),
      }),
    },
    response: { status: 201, body: activitySchema },
  },
  async ({ params, body, user }, services) => {
    const record = await requireMember(services, params.sid as SessionId, user);
    if (record.ended) throw forbidden("this session has ended");
    const events = sessionEventsOf(services.relay);
    if (events === undefined) throw new HttpError(ErrorCode.Unavailable, "this server has no session event channel");
    const entry = { id: randomUUID(), actor: body.actor, kind: body.kind, text: body.text, ts: Date.now(), poster: { userId: user.userId, name: user.name } };
    await events.appendActivity(record.sessionId, entry);
    return entry;
  },
);
