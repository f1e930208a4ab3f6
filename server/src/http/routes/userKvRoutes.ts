/**
 * User KV: `GET /api/user-kv/:pluginId` and `GET|PUT|DELETE
 * /api/user-kv/:pluginId/:key`. Values are any JSON, at most the configured
 * size (1 MiB by default, measured as the UTF-8 bytes of their JSON). Always
 * the caller's own entries: the user id comes from the token.
 */
import { z } from "zod";
import type { PluginId } from "@taiku/engine";
import { defineRoute } from "../defineRoute";
import { tooLarge } from "../httpError";
import { pluginIdSchema, pluginParams, userKvKeySchema } from "../schemas";

const keyParams = z.object({ pluginId: pluginIdSchema, key: userKvKeySchema });
const jsonValue = z.unknown().meta({ description: "Any JSON value" });
/** Room for `{"value":…}` around the largest value. */
const ENVELOPE_BYTES = 64;

/** `GET /api/user-kv/:pluginId`: every key and value. */
export const listUserKvRoute = defineRoute(
  {
    method: "GET",
    path: "/api/user-kv/:pluginId",
    auth: "user",
    summary: "List the caller's keys and values for a plugin.",
    request: { params: pluginParams },
    response: { status: 200, body: z.object({ entries: z.array(z.object({ key: z.string(), value: jsonValue })) }) },
  },
  async ({ params, user }, { userKv }) => {
    return { entries: await userKv.list(user.userId, params.pluginId as PluginId) };
  },
);

/** `GET /api/user-kv/:pluginId/:key`: one value. */
export const getUserKvRoute = defineRoute(
  {
    method: "GET",
    path: "/api/user-kv/:pluginId/:key",
    auth: "user",
    summary: "Read one of the caller's values; an unset key answers 200 with `found: false` and `value: null`, so a browser logs no error for it.",
    request: { params: keyParams },
    response: { status: 200, body: z.object({ key: z.string(), value: jsonValue, found: z.boolean().describe("false when the key is unset") }) },
  },
  async ({ params, user }, { userKv }) => {
    const stored = await userKv.get(user.userId, params.pluginId as PluginId, params.key);
    if (stored === undefined) return { key: params.key, value: null, found: false };
    return { key: params.key, value: stored.value, found: true };
  },
);

/** `PUT /api/user-kv/:pluginId/:key`: store a value. */
export const putUserKvRoute = defineRoute(
  {
    method: "PUT",
    path: "/api/user-kv/:pluginId/:key",
    auth: "user",
    summary: "Store a value (any JSON, at most 1 MiB of JSON by default; over the limit is 413).",
    request: {
      params: keyParams,
      body: z.object({ value: z.json().meta({ description: "Any JSON value" }) }),
      bodyLimit: (limits) => limits.userKvValueBytes + ENVELOPE_BYTES,
    },
    response: { status: 200, body: z.object({ key: z.string(), bytes: z.number().int() }) },
  },
  async ({ params, body, user }, { userKv, config }) => {
    const bytes = Buffer.byteLength(JSON.stringify(body.value), "utf8");
    const limit = config.limits.userKvValueBytes;
    if (bytes > limit) throw tooLarge(`value is ${bytes} bytes of JSON; the limit is ${limit}`);
    await userKv.put(user.userId, params.pluginId as PluginId, params.key, body.value);
    return { key: params.key, bytes };
  },
);

/** `DELETE /api/user-kv/:pluginId/:key`: remove a value. */
export const deleteUserKvRoute = defineRoute(
  {
    method: "DELETE",
    path: "/api/user-kv/:pluginId/:key",
    auth: "user",
    summary: "Delete a value; `deleted` says whether it existed.",
    request: { params: keyParams },
    response: { status: 200, body: z.object({ deleted: z.boolean() }) },
  },
  async ({ params, user }, { userKv }) => {
    return { deleted: await userKv.delete(user.userId, params.pluginId as PluginId, params.key) };
  },
);
