/**
 * Plugin files: `GET /api/plugin-files/:pluginId` (listing) and `GET|PUT|DELETE
 * /api/plugin-files/:pluginId/:name` (raw bytes). Always the caller's own
 * files. Names are validated before they reach the disk; per-file,
 * per-plugin-total and file-count limits (the server's configuration, listed
 * with every listing as `limits`) answer 413 `quota_exceeded` with the
 * engine's wording, which names the limit and its value.
 */
import { z } from "zod";
import type { PluginId } from "@taiku/engine";
import { fileRefusalMessage } from "@taiku/engine";
import type { PutFileRefusal } from "../../data/pluginFileStore";
import { BYTES, defineRoute } from "../defineRoute";
import { notFound, tooLarge, type HttpError } from "../httpError";
import { fileNameSchema, pluginIdSchema, pluginParams } from "../schemas";

const fileParams = z.object({ pluginId: pluginIdSchema, name: fileNameSchema });

function refusal(result: PutFileRefusal): HttpError {
  return tooLarge(fileRefusalMessage(result.error));
}

/** `GET /api/plugin-files/:pluginId`: the caller's files for a plugin. */
export const listPluginFilesRoute = defineRoute(
  {
    method: "GET",
    path: "/api/plugin-files/:pluginId",
    auth: "user",
    summary: "List the caller's files for a plugin with sizes, totals and the server's limits on them.",
    request: { params: pluginParams },
    response: {
      status: 200,
      body: z.object({
        files: z.array(z.object({ name: z.string(), size: z.number().int() })),
        totalBytes: z.number().int(),
        fileCount: z.number().int(),
        limits: z
          .object({
            maxFileBytes: z.number().int().describe("Largest single file in bytes (TAIKU_MAX_FILE_BYTES, default 10 MiB)"),
            maxTotalBytes: z.number().int().describe("Largest total of the caller's files of this plugin in bytes (TAIKU_MAX_PLUGIN_BYTES, default 50 MiB)"),
            maxFiles: z.number().int().describe("Most files the caller may keep for this plugin (TAIKU_MAX_PLUGIN_FILES, default 1000)"),
          })
          .describe("The server's limits; a write past any of them is 413 quota_exceeded and writes nothing"),
      }),
    },
  },
  async ({ params, user }, { files }) => {
    const list = await files.list(user.userId, params.pluginId as PluginId);
    return { files: list, totalBytes: list.reduce((sum, f) => sum + f.size, 0), fileCount: list.length, limits: files.bridgeLimits };
  },
);

/** `GET /api/plugin-files/:pluginId/:name`: a file's bytes. */
export const getPluginFileRoute = defineRoute(
  {
    method: "GET",
    path: "/api/plugin-files/:pluginId/:name",
    auth: "user",
    summary: "Read a file's raw bytes (application/octet-stream).",
    request: { params: fileParams },
    response: { status: 200, body: BYTES },
  },
  async ({ params, user }, { files }) => {
    const bytes = await files.read(user.userId, params.pluginId as PluginId, params.name);
    if (bytes === undefined) throw notFound(`no file named ${JSON.stringify(params.name)}`);
    return bytes;
  },
);

/** `PUT /api/plugin-files/:pluginId/:name`: write a file. */
export const putPluginFileRoute = defineRoute(
  {
    method: "PUT",
    path: "/api/plugin-files/:pluginId/:name",
    auth: "user",
    summary: "Write a file from the raw request body, replacing any old one (413 over the per-file or per-plugin limit).",
    request: { params: fileParams, body: BYTES, bodyLimit: (limits) => limits.pluginFileBytes },
    response: { status: 200, body: z.object({ name: z.string(), size: z.number().int() }) },
  },
  async ({ params, body, user }, { files }) => {
    const result = await files.write(user.userId, params.pluginId as PluginId, params.name, body);
    if ("error" in result) throw refusal(result);
    return result;
  },
);

/** `DELETE /api/plugin-files/:pluginId/:name`: delete a file. */
export const deletePluginFileRoute = defineRoute(
  {
    method: "DELETE",
    path: "/api/plugin-files/:pluginId/:name",
    auth: "user",
    summary: "Delete a file; `deleted` says whether it existed.",
    request: { params: fileParams },
    response: { status: 200, body: z.object({ deleted: z.boolean() }) },
  },
  async ({ params, user }, { files }) => {
    return { deleted: await files.delete(user.userId, params.pluginId as PluginId, params.name) };
  },
);
