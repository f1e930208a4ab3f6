/**
 * Turns declared routes ({@link Route}) into a `@koa/router` router. For each
 * request it authenticates the caller when the route needs one, validates
 * params, query and body against the route's schemas (400 with the schema's
 * message when they do not match), runs the handler, and validates the answer
 * against the response schema before sending it (a mismatch is a server bug:
 * 500, logged).
 */
import { timingSafeEqual } from "node:crypto";
import Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import { authenticate, bearerToken } from "./authenticate";
import { verifiedCaller } from "./callerGate";
import type { CallerSession, Route } from "./defineRoute";
import { isBytes } from "./defineRoute";
import { HttpError, invalidParams, unauthenticated } from "./httpError";
import { parseJsonBody, readBody } from "./readBody";
import type { Services } from "./services";
import { clearedCookieHeader, cookieRefusal, cookieToken, mayIssueCookie, sessionCookieHeader } from "./sessionCookie";
import { ErrorCode } from "@taiku/engine";

/** Checks `value` against `schema`; a 400 naming every problem when it does not match. */
function validate(schema: z.ZodType, value: unknown, what: string): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalidParams(`invalid ${what}: ${z.prettifyError(result.error)}`);
}

/** Reads the query string as a plain object of single values (the last wins). */
function queryObject(ctx: Context): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(ctx.querystring)) out[key] = value;
  return { ...out };
}

/** The caller's session as a handler sees it (see `CallerSession`). */
function callerSession(ctx: Context, services: Services, token: string | undefined, via: CallerSession["via"]): CallerSession {
  const secure = ctx.protocol === "https" || services.browserOrigins().some((origin) => origin.startsWith("https:"));
  return {
    token,
    via,
    browser: mayIssueCookie(ctx.req.headers, services.browserOrigins()),
    setCookie(value, expiresAt) {
      ctx.append("Set-Cookie", sessionCookieHeader(value, (expiresAt - Date.now()) / 1000, secure));
    },
    clearCookie() {
      ctx.append("Set-Cookie", clearedCookieHeader(secure));
    },
  };
}

async function answer(route: Route, ctx: Context, services: Services): Promise<void> {
  let user;
  let token = bearerToken(ctx.req.headers);
  let via: CallerSession["via"] = token === undefined ? undefined : "bearer";
  if (route.auth === "operator") checkOperator(ctx, services.config.metricsToken);
  if (route.auth === "user") {
    // The rate-limit middleware verified the token already (see `callerGate.ts`).
    const verified = verifiedCaller(ctx.state as Record<PropertyKey, unknown>);
    if (token === undefined && cookieToken(ctx.req.headers) !== undefined) {
      const refusal = cookieRefusal(ctx.method, ctx.req.headers, services.browserOrigins());
      if (refusal !== undefined) throw new HttpError(ErrorCode.PermissionDenied, refusal);
      token = cookieToken(ctx.req.headers);
      via = "cookie";
    }
    user = verified !== undefined && via === "bearer" ? verified.user : await authenticate(token, services.tokens, services.users);
    if (user === undefined) throw unauthenticated();
  }
  const params = route.request.params ? validate(route.request.params, { ...ctx.params }, "path") : undefined;
  const query = route.request.query ? validate(route.request.query, queryObject(ctx), "query") : undefined;
  let body: unknown;
  const bodySpec = route.request.body;
  if (bodySpec !== undefined) {
    const limit = (route.request.bodyLimit ?? ((limits) => limits.jsonBodyBytes))(services.config.limits);
    const raw = await readBody(ctx.req, limit);
    body = isBytes(bodySpec) ? raw : validate(bodySpec, parseJsonBody(raw), "body");
  }

  const output = await route.handle({ params, query, body, user, session: callerSession(ctx, services, token, via) } as never, services);

  ctx.status = route.response.statusOf?.(output) ?? route.response.status;
  for (const [name, value] of Object.entries(route.response.headers ?? {})) ctx.set(name, value);
  const responseSpec = route.response.body;
  if (isBytes(responseSpec)) {
    ctx.type = route.response.contentType ?? "application/octet-stream";
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.body = typeof output === "string" ? output : Buffer.from(output as Uint8Array);
    return;
  }
  const checked = responseSpec.safeParse(output);
  if (!checked.success) {
    services.logger.error({ route: `${route.method} ${route.path}`, issues: checked.error.issues }, "response failed its schema");
    throw new HttpError(ErrorCode.Internal, "the server produced an invalid response");
  }
  ctx.type = "application/json";
  if (route.path.startsWith("/api/")) ctx.set("Cache-Control", "no-store");
  ctx.body = checked.data;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** Refuses a request for an operator route that does not carry the operator's token (see `RouteShape.auth`). */
function checkOperator(ctx: Context, token: string | null): void {
  if (token !== null) {
    const given = Buffer.from(bearerToken(ctx.req.headers) ?? "");
    const expected = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthenticated("this route needs Authorization: Bearer <TAIKU_METRICS_TOKEN>");
    return;
  }
  const forwarded = ctx.req.headers["x-forwarded-for"] !== undefined || ctx.req.headers.forwarded !== undefined;
  if (forwarded || !LOOPBACK.has(ctx.req.socket.remoteAddress ?? "")) {
    throw new HttpError(ErrorCode.PermissionDenied, "this route answers only on the server's own machine; set TAIKU_METRICS_TOKEN to scrape it from elsewhere");
  }
}

/** A router serving every route in `routes`. */
export function mountRoutes(routes: readonly Route[], services: Services): Router {
  const router = new Router();
  for (const route of routes) {
    const method = route.method.toLowerCase() as "get" | "post" | "put" | "delete";
    router[method](route.path, (ctx) => answer(route, ctx as unknown as Context, services));
  }
  return router;
}
