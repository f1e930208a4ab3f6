/**
 * The Koa application: the headers every answer carries, the one error
 * path, request-rate limiting, the declared API routes, plugin discovery,
 * and the client app — in that order.
 */
import Koa from "koa";
import type Router from "@koa/router";
import type { Route } from "./defineRoute";
import { errorMiddleware } from "./errorMiddleware";
import { mountRoutes } from "./mountRoutes";
import { CallerGate } from "./callerGate";
import { TRUSTED_PROXY_HOPS } from "./clientAddress";
import { RateLimiter } from "./rateLimiter";
import { rateLimitMiddleware } from "./rateLimitMiddleware";
import type { Services } from "./services";
import { securityHeaders } from "./securityHeaders";
import { staticClient } from "./staticClient";

/** The request-rate gate the configuration describes. */
export function callerGateFor(services: Pick<Services, "config" | "tokens" | "users">): CallerGate {
  const { limits } = services.config;
  return new CallerGate({ tokens: services.tokens, users: services.users, burst: limits.rateBurst, perSecond: limits.ratePerSecond });
}

/**
 * Builds the Koa app serving `routes`, the plugin router (when given) and
 * the client. `gate` charges requests to addresses and users; pass the one
 * the sync endpoint uses, so both share the buckets.
 */
export function createApp(services: Services, routes: readonly Route[], pluginRouter: Router | undefined, gate: CallerGate = callerGateFor(services)): Koa {
  // Behind a trusted proxy, `ctx.request.ip` is the last X-Forwarded-For entry (see clientAddress.ts).
  const app = new Koa({ proxy: services.config.trustProxy, maxIpsCount: TRUSTED_PROXY_HOPS });
  const { limits } = services.config;
  const api = mountRoutes(routes, services);
  app.use(securityHeaders());
  app.use(errorMiddleware(services.logger, services.metrics, (error) => services.health.recordIfCorruption(error)));
  app.use(rateLimitMiddleware(gate, new RateLimiter({ burst: limits.authBurst, perSecond: limits.authPerSecond }), services.browserOrigins));
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: true }));
  if (pluginRouter !== undefined) {
    app.use(pluginRouter.routes());
    app.use(pluginRouter.allowedMethods({ throw: true }));
  }
  app.use(staticClient(services.config.clientDir));
  app.on("error", (error: unknown) => services.logger.error({ err: error }, "unhandled Koa error"));
  return app;
}
