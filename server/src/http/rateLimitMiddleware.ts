/**
 * Applies the {@link RateLimiter} to API requests: one bucket per bearer
 * token (held by its hash) or, for anonymous requests, per client address.
 * An empty bucket is a 429 with `Retry-After`.
 */
import type { Middleware } from "koa";
import { ErrorCode } from "@taiku/engine";
import { hashToken } from "../auth/tokenStore";
import { bearerToken } from "./authenticate";
import { HttpError } from "./httpError";
import type { RateLimiter } from "./rateLimiter";

/** Refuses API requests beyond the caller's rate. */
export function rateLimitMiddleware(limiter: RateLimiter): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith("/api/")) return next();
    const token = bearerToken(ctx.req.headers);
    const key = token === undefined ? `address:${ctx.request.ip}` : `token:${hashToken(token)}`;
    const waitSeconds = limiter.take(key);
    if (waitSeconds > 0) {
      ctx.set("Retry-After", String(waitSeconds));
      throw new HttpError(ErrorCode.Unavailable, `too many requests: try again in ${waitSeconds} s`, 429);
    }
    return next();
  };
}
