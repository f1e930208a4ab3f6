/**
 * Applies {@link RateLimiter}s to API requests: one bucket per bearer token
 * (held by its hash) or, for anonymous requests, per client address; and a
 * stricter per-address bucket for sign-up and login, whose scrypt hashing is
 * deliberately expensive. An empty bucket is a 429 with `Retry-After`.
 */
import type { Middleware } from "koa";
import { ErrorCode } from "@taiku/engine";
import { hashToken } from "../auth/tokenStore";
import { bearerToken } from "./authenticate";
import { HttpError } from "./httpError";
import type { RateLimiter } from "./rateLimiter";

/** Paths whose requests hash a password. */
const PASSWORD_PATHS: ReadonlySet<string> = new Set(["/api/users", "/api/login"]);

function refuse(waitSeconds: number, what: string): HttpError {
  return new HttpError(ErrorCode.Unavailable, `too many ${what}: try again in ${waitSeconds} s`, 429);
}

/** Refuses API requests beyond the caller's rate. */
export function rateLimitMiddleware(limiter: RateLimiter, passwordLimiter: RateLimiter): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith("/api/")) return next();
    const token = bearerToken(ctx.req.headers);
    const key = token === undefined ? `address:${ctx.request.ip}` : `token:${hashToken(token)}`;
    let waitSeconds = limiter.take(key);
    let what = "requests";
    if (waitSeconds === 0 && ctx.method === "POST" && PASSWORD_PATHS.has(ctx.path)) {
      waitSeconds = passwordLimiter.take(`address:${ctx.request.ip}`);
      what = "sign-up or login attempts";
    }
    if (waitSeconds > 0) {
      ctx.set("Retry-After", String(waitSeconds));
      throw refuse(waitSeconds, what);
    }
    return next();
  };
}
