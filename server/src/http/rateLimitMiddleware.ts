/**
 * Applies the request-rate rule to API requests: each request is charged to
 * its address until its bearer token (or session cookie) is verified and to its user after
 * ({@link CallerGate}); sign-up and login also take from a stricter
 * per-address bucket, since their scrypt hashing is deliberately expensive.
 * An empty bucket is a 429 with `Retry-After`. The caller the gate verified
 * is left on the request for the routes, so a token is looked up once.
 */
import type { Middleware } from "koa";
import { bearerToken } from "./authenticate";
import { cookieToken } from "./sessionCookie";
import { setVerifiedCaller, type CallerGate } from "./callerGate";
import { tooManyRequests } from "./httpError";
import type { RateLimiter } from "./rateLimiter";

/** Paths whose requests hash a password. */
const PASSWORD_PATHS: ReadonlySet<string> = new Set(["/api/users", "/api/login"]);

/** Refuses API requests beyond the caller's rate. */
export function rateLimitMiddleware(gate: CallerGate, passwordLimiter: RateLimiter): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith("/api/")) return next();
    // A page's cookie-signed request is charged to its user like a bearer one (its origin is checked by the route).
    const admission = await gate.admit(ctx.request.ip, bearerToken(ctx.req.headers) ?? cookieToken(ctx.req.headers));
    if ("waitSeconds" in admission) throw tooManyRequests(admission.waitSeconds, "requests");
    if (ctx.method === "POST" && PASSWORD_PATHS.has(ctx.path)) {
      const waitSeconds = passwordLimiter.take(`address:${ctx.request.ip}`);
      if (waitSeconds > 0) throw tooManyRequests(waitSeconds, "sign-up or login attempts");
    }
    setVerifiedCaller(ctx.state as Record<PropertyKey, unknown>, admission.user);
    return next();
  };
}
