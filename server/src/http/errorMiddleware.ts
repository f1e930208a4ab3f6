/**
 * The one error path of the HTTP side. Every failure below it — an
 * {@link HttpError} a handler threw, an error Koa or the router raised, or a
 * bug — leaves as `{ "error": { "code", "message" } }` with a fitting status.
 * Bugs are logged and answered 500 without internals. It also counts every
 * answered request for `/metrics` and logs it at debug level, by matched
 * route (never the raw path, which may carry keys or file names).
 */
import type { Middleware } from "koa";
import type { Logger } from "pino";
import { ErrorCode, TaikuError, errorCodeForStatus, type ErrorCode as Code } from "@taiku/engine";
import { HttpError, statusForCode } from "./httpError";
import type { ServerMetrics } from "./serverMetrics";

interface KoaLikeError {
  status?: number;
  expose?: boolean;
  message?: string;
  headers?: Record<string, string>;
}

/** Catches everything below it and answers with the taiku error body. */
export function errorMiddleware(logger: Logger, metrics: ServerMetrics, onInternal: (error: unknown) => void = () => undefined): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(ErrorCode.NotFound, `nothing at ${ctx.method} ${ctx.path}`);
      }
    } catch (error) {
      let status: number;
      let code: Code;
      let message: string;
      if (error instanceof HttpError) {
        ({ status, code, message } = error);
        for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
      } else if (error instanceof TaikuError) {
        code = error.code;
        status = statusForCode(code);
        message = error.message;
      } else if (typeof (error as KoaLikeError)?.status === "number" && (error as KoaLikeError).expose === true) {
        const koaError = error as KoaLikeError;
        status = koaError.status ?? 500;
        code = errorCodeForStatus(status);
        message = koaError.message ?? "request refused";
        for (const [name, value] of Object.entries(koaError.headers ?? {})) ctx.set(name, value);
      } else {
        status = 500;
        code = ErrorCode.Internal;
        message = "internal error";
        onInternal(error);
      }
      if (status >= 500) logger.error({ err: error, method: ctx.method, path: ctx.path }, "request failed");
      else logger.debug({ method: ctx.method, path: ctx.path, status, code, message }, "request refused");
      ctx.status = status;
      ctx.type = "application/json";
      ctx.body = { error: { code, message } };
    } finally {
      const route = typeof ctx._matchedRoute === "string" ? ctx._matchedRoute : ctx.path.startsWith("/api/") ? "unmatched" : "static";
      metrics.countRequest(ctx.method, route, ctx.status);
      logger.debug({ method: ctx.method, route, status: ctx.status, ms: Math.round(performance.now() - started) }, "request");
    }
  };
}
