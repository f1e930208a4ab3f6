/**
 * Host tokens: what lets a `taiku share` process be a host of one session.
 * A member creates one (the secret is in that answer only), members list
 * them (who created each, when, whether a host is connected with it), and
 * the member who created one, or the session owner, revokes it, which also
 * disconnects its host. `taiku share` checks its token with the public
 * check route before it connects, to say plainly when it has expired or
 * was revoked.
 */
import { z } from "zod";
import { ErrorCode, type SessionId, type UserId } from "@taiku/engine";
import {
  DEFAULT_HOST_TOKEN_TTL_MS,
  MAX_HOST_TOKENS_PER_SESSION,
  type HostTokenRecord,
} from "../../auth/hostTokenStore";
import { sessionEventsOf } from "../../shells/withSessionEvents";
import { defineRoute } from "../defineRoute";
import { forbidden, HttpError, notFound, tooLarge, unauthenticated } from "../httpError";
import { sessionIdSchema, sessionParams, userIdSchema } from "../schemas";
import type { Services } from "../services";
import { memberName, requireMember } from "./sessionAccess";

const HOUR_MS = 60 * 60 * 1000;

const tokenIdSchema = z.string().regex(/^[0-9a-f]{16}$/).meta({ description: "Host token id: 16 hex digits (also the prefix of its shells' ids)" });

const recordSchema = z.object({
  tokenId: tokenIdSchema,
  sessionId: sessionIdSchema,
  label: z.string().meta({ description: "What its creator called it" }),
  createdBy: z.object({ userId: userIdSchema, name: z.string() }).meta({ description: "The member who created it; its host acts as this member" }),
  createdAt: z.number().meta({ description: "When it was created (ms since the Unix epoch)" }),
  expiresAt: z.number().meta({ description: "When it stops admitting hosts (ms since the Unix epoch)" }),
});

const listedSchema = recordSchema.extend({
  expired: z.boolean().meta({ description: "Past its expiry (listed only while its host is still connected)" }),
  hosts: z
    .array(z.object({ host: z.string().meta({ description: "<user>@<machine>, as the host announced itself" }), fs: z.boolean(), shells: z.array(z.string()) }))
    .meta({ description: "Hosts connected with it now, with the shells each runs" }),
});

const tokenParams = z.object({ sid: sessionIdSchema, tokenId: tokenIdSchema });

async function describeToken(services: Services, record: HostTokenRecord): Promise<z.input<typeof recordSchema>> {
  const { tokenId, sessionId, label, createdBy, createdAt, expiresAt } = record;
  return { tokenId, sessionId, label, createdBy: { userId: createdBy, name: await memberName(services, createdBy as UserId) }, createdAt, expiresAt };
}

function events(services: Services) {
  const channel = sessionEventsOf(services.relay);
  if (channel === undefined) throw new HttpError(ErrorCode.Unavailable, "this server has no session event channel");
  return channel;
}

/** `POST /api/sessions/:sid/host-tokens`: create a host token (members; the token is shown only here). */
export const createHostTokenRoute = defineRoute(
  {
    method: "POST",
    path: "/api/sessions/:sid/host-tokens",
    auth: "user",
    summary: "Create a host token for taiku share in this session (members only); the secret is in this answer only.",
    request: {
      params: sessionParams,
      body: z.strictObject({
        label: z
          .string()
          .trim()
          .max(80)
          // eslint-disable-next-line no-control-regex
          .refine((label) => !/[\u0000-\u001f\u007f]/.test(label), "label may not contain control characters")
          .optional()
          .meta({ description: "What to call it, e.g. the machine it is for; 0–80 characters (default \"taiku share\")" }),
        ttlHours: z.number().int().min(1).max(168).optional().meta({ description: "Hours it admits hosts: 1–168 (default 24)" }),
      }),
    },
    response: { status: 201, body: recordSchema.extend({ token: z.string().meta({ description: "The host token: give it to taiku share as TAIKU_HOST_TOKEN; shown once" }) }) },
  },
  async ({ params, body, user }, services) => {
    const record = await requireMember(services, params.sid as SessionId, user);
    if (record.ended) throw forbidden("this session has ended");
    const connected = new Set(events(services).connectedHosts(record.sessionId).map((host) => host.tokenId));
    const existing = await services.hostTokens.list(record.sessionId, (token) => connected.has(token.tokenId));
    if (existing.length >= MAX_HOST_TOKENS_PER_SESSION) throw tooLarge(`this session holds ${MAX_HOST_TOKENS_PER_SESSION} host tokens; revoke some first`);
    const ttlMs = body.ttlHours === undefined ? DEFAULT_HOST_TOKEN_TTL_MS : body.ttlHours * HOUR_MS;
    const issued = await services.hostTokens.issue(record.sessionId, user.userId, body.label || "taiku share", ttlMs);
    services.logger.info({ session: record.sessionId, user: user.userId, tokenId: issued.record.tokenId }, "host token created");
    return { ...(await describeToken(services, issued.record)), token: issued.token };
  },
);

/** `GET /api/sessions/:sid/host-tokens`: the session's host tokens, without secrets (members). */
export const listHostTokensRoute = defineRoute(
  {
    method: "GET",
    path: "/api/sessions/:sid/host-tokens",
    auth: "user",
    summary: "List the session's host tokens (no secrets): who created each, when, when it expires, and the hosts connected with it (members only).",
    request: { params: sessionParams },
    response: { status: 200, body: z.object({ tokens: z.array(listedSchema) }) },
  },
  async ({ params, user }, services) => {
    const record = await requireMember(services, params.sid as SessionId, user);
    const hosts = events(services).connectedHosts(record.sessionId);
    const listed = await services.hostTokens.list(record.sessionId, (token) => hosts.some((host) => host.tokenId === token.tokenId));
    const now = Date.now();
    const tokens = await Promise.all(
      listed.map(async (token) => ({
        ...(await describeToken(services, token)),
        expired: token.expiresAt <= now,
        hosts: hosts.filter((host) => host.tokenId === token.tokenId).map(({ host, fs, shells }) => ({ host, fs, shells: [...shells] })),
      })),
    );
    return { tokens };
  },
);

/** `DELETE /api/sessions/:sid/host-tokens/:tokenId`: revoke a host token and disconnect its host (its creator or the owner). */
export const revokeHostTokenRoute = defineRoute(
  {
    method: "DELETE",
    path: "/api/sessions/:sid/host-tokens/:tokenId",
    auth: "user",
    summary: "Revoke a host token and disconnect the hosts using it (the member who created it, or the session owner).",
    request: { params: tokenParams },
    response: { status: 200, body: z.object({ revoked: z.literal(true), disconnected: z.number().meta({ description: "Host connections closed" }) }) },
  },
  async ({ params, user }, services) => {
    const session = await requireMember(services, params.sid as SessionId, user);
    const token = await services.hostTokens.get(session.sessionId, params.tokenId);
    if (token === undefined) throw notFound("no such host token in this session");
    if (token.createdBy !== user.userId && session.ownerId !== user.userId) throw forbidden("only the member who created a host token, or the session owner, may revoke it");
    await services.hostTokens.revoke(session.sessionId, token.tokenId);
    const disconnected = events(services).disconnectHosts(session.sessionId, token.tokenId, "this host token was revoked");
    services.logger.info({ session: session.sessionId, user: user.userId, tokenId: token.tokenId, disconnected }, "host token revoked");
    return { revoked: true as const, disconnected };
  },
);

/** `POST /api/sessions/:sid/host-tokens/check`: whether a host token is valid here, for `taiku share` (public: the token is the credential). */
export const checkHostTokenRoute = defineRoute(
  {
    method: "POST",
    path: "/api/sessions/:sid/host-tokens/check",
    auth: "public",
    summary: "Check a host token for this session (what taiku share does before connecting): 200 with its record, or 401 saying it is expired, revoked or not a host token.",
    request: { params: sessionParams, body: z.strictObject({ token: z.string().min(1).max(256).meta({ description: "The host token" }) }) },
    response: { status: 200, body: recordSchema },
  },
  async ({ params, body }, services) => {
    const resolved = await services.hostTokens.resolve(params.sid as SessionId, body.token);
    if ("refused" in resolved) throw unauthenticated(resolved.message);
    return describeToken(services, resolved);
  },
);
