/**
 * Schemas shared by several routes: identifiers in paths and the error body.
 * Ids are checked with the engine's own validators, so the HTTP side accepts
 * exactly what the rest of taiku does.
 */
import { ErrorCode, isPluginId, isSessionId, isUserId } from "@taiku/engine";
import { z } from "zod";
import { checkFileName } from "../data/pluginFileStore";

/** A session id. */
export const sessionIdSchema = z
  .string()
  .refine(isSessionId, "not a session id (1–64 of A–Z a–z 0–9 _ -)")
  .meta({ description: "Session id: 1–64 of A–Z a–z 0–9 _ -" });

/** A user id. */
export const userIdSchema = z
  .string()
  .refine(isUserId, "not a user id (1–64 of A–Z a–z 0–9 _ -)")
  .meta({ description: "User id: 1–64 of A–Z a–z 0–9 _ -" });

/** A user's name at sign-up: 1–64 characters after trimming, no control characters. */
export const userNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "name may not contain control characters")
  .meta({ description: "Display and login name, 1–64 characters, unique (case-insensitive)" });

/** A password at sign-up. */
export const passwordSchema = z.string().min(8).max(1024).meta({ description: "8–1024 characters" });

/** A plugin id. */
export const pluginIdSchema = z
  .string()
  .refine(isPluginId, "not a plugin id (^[a-z][a-z0-9.-]*$, at most 64 characters)")
  .meta({ description: "Plugin id: ^[a-z][a-z0-9.-]*$, at most 64 characters" });

/** A plugin file name: no separators, no `.`/`..`, no NUL or control characters, at most 200 bytes. */
export const fileNameSchema = z
  .string()
  .superRefine((name, ctx) => {
    const problem = checkFileName(name);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  })
  .meta({ description: "File name: no / or \\, not . or .., no NUL or control characters, at most 200 bytes" });

/** A user KV key: 1–512 characters. */
export const userKvKeySchema = z.string().min(1).max(512).meta({ description: "Key: 1–512 characters" });

/** An ISO 8601 timestamp. */
export const timestampSchema = z.string().meta({ description: "ISO 8601 timestamp" });

/** The body of every error answer. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ErrorCode),
    message: z.string(),
  }),
});

/** A path that names one session. */
export const sessionParams = z.object({ sid: sessionIdSchema });
/** A path that names one plugin. */
export const pluginParams = z.object({ pluginId: pluginIdSchema });
/** A path that names one session and one plugin. */
export const sessionPluginParams = z.object({ sid: sessionIdSchema, pluginId: pluginIdSchema });
