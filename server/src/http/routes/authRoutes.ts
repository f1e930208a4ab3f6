/**
 * Sign-up and login: `POST /api/users` and `POST /api/login` (both public).
 */
import { z } from "zod";
import { defineRoute } from "../defineRoute";
import { HttpError, tooManyRequests, unauthenticated } from "../httpError";
import { passwordSchema, userIdSchema, userNameSchema } from "../schemas";
import { ErrorCode } from "@taiku/engine";

const credentials = z.object({ name: userNameSchema, password: passwordSchema });

/** `POST /api/users`: register. */
export const registerRoute = defineRoute(
  {
    method: "POST",
    path: "/api/users",
    auth: "public",
    summary: "Register a user.",
    request: { body: credentials },
    response: { status: 201, body: z.object({ userId: userIdSchema }) },
  },
  async ({ body }, { users, logger }) => {
    const created = await users.create(body.name, body.password);
    if ("error" in created) throw new HttpError(ErrorCode.InvalidParams, `the name ${JSON.stringify(body.name)} is taken`, 409);
    logger.info({ userId: created.userId }, "user registered");
    return { userId: created.userId };
  },
);

/** `POST /api/login`: exchange name and password for a token. */
export const loginRoute = defineRoute(
  {
    method: "POST",
    path: "/api/login",
    auth: "public",
    summary:
      "Log in; the token goes in `Authorization: Bearer <token>` (and `?token=` on the sync URL). After repeated failed logins an account is throttled: 429 with `Retry-After`.",
    request: { body: z.object({ name: z.string().trim().min(1).max(64), password: z.string().min(1).max(1024) }) },
    response: { status: 200, body: z.object({ token: z.string(), userId: userIdSchema }) },
  },
  async ({ body }, { users, tokens, logins }) => {
    const waitSeconds = logins.waitFor(body.name);
    if (waitSeconds > 0) throw tooManyRequests(waitSeconds, "failed logins for this account");
    const user = await users.verify(body.name, body.password);
    if (user === undefined) {
      logins.failed(body.name);
      throw unauthenticated("wrong name or password");
    }
    logins.succeeded(body.name);
    return { token: await tokens.issue(user.userId), userId: user.userId };
  },
);
