/**
 * The session-managed plugin set: `GET|PUT|DELETE /api/sessions/:sid/plugins/:pluginId`.
 * Members read; the owner enables (PUT) and disables (DELETE). Each change is
 * mirrored into the session document's `plugins` map, which only the server
 * writes, so every client of the session loads the same plugins.
 */
import { z } from "zod";
import { sessionDocName, type PluginId, type SessionId } from "@taiku/engine";
import type { User } from "../../auth/userStore";
import type { SessionRecord } from "../../data/sessionStore";
import { defineRoute } from "../defineRoute";
import { pluginIdSchema, sessionPluginParams, timestampSchema, userIdSchema } from "../schemas";
import type { Services } from "../services";
import { requireMember, requireOwner } from "./sessionAccess";

const pluginStateSchema = z.object({
  pluginId: pluginIdSchema,
  enabled: z.boolean(),
  enabledBy: userIdSchema.optional(),
  enabledAt: timestampSchema.optional(),
});

function pluginState(record: SessionRecord, pluginId: PluginId): z.input<typeof pluginStateSchema> {
  const plugin = record.plugins.find((p) => p.pluginId === pluginId);
  return plugin === undefined ? { pluginId, enabled: false } : { ...plugin, enabled: true };
}

async function mirrorPlugin(services: Services, record: SessionRecord, pluginId: PluginId): Promise<void> {
  const plugin = record.plugins.find((p) => p.pluginId === pluginId);
  await services.relay.transact(sessionDocName(record.sessionId), (doc) => {
    const plugins = doc.getMap("plugins");
    if (plugin === undefined) plugins.delete(pluginId);
    else plugins.set(pluginId, { enabledBy: plugin.enabledBy, enabledAt: plugin.enabledAt });
  });
}

/** The owner enables or disables a plugin: store it, mirror it into the session document, report the new state. */
async function setSessionPlugin(
  services: Services,
  params: z.output<typeof sessionPluginParams>,
  user: User,
  enabled: boolean,
): Promise<z.input<typeof pluginStateSchema>> {
  const sessionId = params.sid as SessionId;
  const pluginId = params.pluginId as PluginId;
  await requireOwner(services, sessionId, user);
  const record = await services.sessions.setPlugin(sessionId, pluginId, enabled ? user.userId : undefined);
  if (record === undefined) throw new Error(`session vanished while ${enabled ? "enabling" : "disabling"} a plugin`);
  await mirrorPlugin(services, record, pluginId);
  return pluginState(record, pluginId);
}

/** `GET /api/sessions/:sid/plugins/:pluginId`: whether the plugin is enabled for the session. */
export const getSessionPluginRoute = defineRoute(
  {
    method: "GET",
    path: "/api/sessions/:sid/plugins/:pluginId",
    auth: "user",
    summary: "Whether a plugin is session-managed (enabled for every member) in this session (members only).",
    request: { params: sessionPluginParams },
    response: { status: 200, body: pluginStateSchema },
  },
  async ({ params, user }, services) => {
    const record = await requireMember(services, params.sid as SessionId, user);
    return pluginState(record, params.pluginId as PluginId);
  },
);

/** `PUT /api/sessions/:sid/plugins/:pluginId`: the owner enables a plugin for the session. */
export const putSessionPluginRoute = defineRoute(
  {
    method: "PUT",
    path: "/api/sessions/:sid/plugins/:pluginId",
    auth: "user",
    summary: "Enable a plugin for every member of the session (owner only).",
    request: { params: sessionPluginParams },
    response: { status: 200, body: pluginStateSchema },
  },
  ({ params, user }, services) => setSessionPlugin(services, params, user, true),
);

/** `DELETE /api/sessions/:sid/plugins/:pluginId`: the owner disables a session-managed plugin. */
export const deleteSessionPluginRoute = defineRoute(
  {
    method: "DELETE",
    path: "/api/sessions/:sid/plugins/:pluginId",
    auth: "user",
    summary: "Stop managing a plugin for the session (owner only).",
    request: { params: sessionPluginParams },
    response: { status: 200, body: pluginStateSchema },
  },
  ({ params, user }, services) => setSessionPlugin(services, params, user, false),
);
