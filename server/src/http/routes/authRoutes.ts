/**
 * Sign-up and login: `POST /api/users` and `POST /api/login` (both public);
 * logout; and the browser's session cookie (`sessionCookie.ts`), set by a
 * login from this server's own page or for a token the page already holds.
 */
import { z } from "zod";
import { defineRoute } from "../defineRoute";
import { HttpError, invalidParams, tooManyRequests, unauthenticated } from "../httpError";
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
  async ({ body, session }, { users, tokens, logins }) => {
    const waitSeconds = logins.waitFor(body.name);
    if (waitSeconds > 0) throw tooManyRequests(waitSeconds, "failed logins for this account");
    const user = await users.verify(body.name, body.password);
    if (user === undefined) {
      logins.failed(body.name);
      throw unauthenticated("wrong name or password");
    }
    logins.succeeded(body.name);
    const token = await tokens.issue(user.userId);
    // A page of this server signing in also gets the session cookie, a new one with each login.
    if (session.browser) session.setCookie(token, (await tokens.expiryOf(token)) ?? Date.now());
    return { token, userId: user.userId };
  },
);

/** `POST /api/logout`: revoke the caller's token and remove the session cookie. */
export const logoutRoute = defineRoute(
  {
    method: "POST",
    path: "/api/logout",
    auth: "user",
    summary: "Log out: the token the caller signed in with stops working, and the browser's session cookie is removed.",
    request: {},
    response: { status: 200, body: z.object({ loggedOut: z.literal(true) }) },
  },
  async ({ session }, { tokens }) => {
    if (session.token !== undefined) await tokens.revoke(session.token);
    session.clearCookie();
    return { loggedOut: true as const };
  },
);

/** `POST /api/login/cookie`: give this browser the session cookie for the token it holds. */
export const sessionCookieRoute = defineRoute(
  {
    method: "POST",
    path: "/api/login/cookie",
    auth: "user",
    summary:
      "Set the browser's session cookie (HttpOnly, SameSite=Strict) for the bearer token sent, expiring with it, so that plain same-origin fetch() calls from this server's pages are signed in. Only a page of this server may ask (Origin).",
    request: {},
    response: { status: 200, body: z.object({ expiresAt: z.number().meta({ description: "When the token and the cookie expire (ms since the Unix epoch)" }) }) },
  },
  async ({ session }, { tokens }) => {
    if (session.via !== "bearer" || session.token === undefined) throw invalidParams("send the token as Authorization: Bearer <token>");
    if (!session.browser) throw new HttpError(ErrorCode.PermissionDenied, "only a page of this server may ask for the session cookie (its Origin is not one of this server's)");
    const expiresAt = await tokens.expiryOf(session.token);
    if (expiresAt === undefined) throw unauthenticated("this token has expired; sign in again");
    session.setCookie(session.token, expiresAt);
    return { expiresAt };
  },
);
