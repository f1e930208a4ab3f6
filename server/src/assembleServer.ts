/**
 * Puts the server together from already-built parts: the database, the
 * event store, the relay and the plugin router. `createTaikuServer` builds
 * those parts and calls this; tests may call it with parts of their own.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type Router from "@koa/router";
import type { EventStore } from "@taiku/engine";
import type { Logger } from "pino";
import { HostTokenStore } from "./auth/hostTokenStore";
import { TokenStore } from "./auth/tokenStore";
import { UserStore } from "./auth/userStore";
import type { TaikuConfig } from "./config";
import type { TaikuDatabase } from "./data/database";
import { PluginFileStore } from "./data/pluginFileStore";
import { SessionStore } from "./data/sessionStore";
import { UserKvStore } from "./data/userKvStore";
import { LoginThrottle } from "./auth/loginThrottle";
import { callerGateFor, createApp } from "./http/createApp";
import { allRoutes } from "./http/routes/allRoutes";
import type { TableDamage } from "./http/checkLevelTables";
import { ServerMetrics } from "./http/serverMetrics";
import { StoreHealth } from "./http/storeHealth";
import type { Services } from "./http/services";
import { capConnectionsPerAddress } from "./http/connectionCap";
import { listeningOrigins, needsPublicOrigin } from "./http/publicOrigins";
import { createSyncUpgrade } from "./http/syncUpgrade";
import type { Relay } from "./sync/relayTypes";

/** A running (or ready to run) taiku server. */
export interface TaikuServer {
  /** The one HTTP server (API, plugins, client, sync upgrades). */
  readonly httpServer: http.Server;
  /** What route handlers use; exposed for tests and the CLI. */
  readonly services: Services;
  /** Starts listening on the configured host and port; resolves with the bound port. */
  listen(): Promise<{ port: number }>;
  /** Stops accepting, flushes and closes the relay, then releases `onClose` resources. */
  close(): Promise<void>;
}

/** The parts {@link assembleServer} needs. */
export interface ServerParts {
  readonly config: TaikuConfig;
  readonly logger: Logger;
  readonly db: TaikuDatabase;
  readonly events: EventStore;
  readonly relay: Relay;
  readonly pluginRouter?: Router;
  /** The metrics `/metrics` renders (a fresh set when absent); the relay's persist durations go into it. */
  readonly metrics?: ServerMetrics;
  /** Damaged table files the start-up check found in the database folder (see `checkLevelTables`). */
  readonly tableDamage?: readonly TableDamage[];
  /** Called last by `close()`, after the relay is closed (closes the store and the database). */
  readonly onClose?: () => Promise<void>;
}

/** Builds the HTTP server around the given parts. */
export function assembleServer(parts: ServerParts): TaikuServer {
  const { config, logger, db, events, relay } = parts;
  const users = new UserStore(db);
  const tokens = new TokenStore(db, config.limits.tokenTtlMs);
  const sessions = new SessionStore(db, config.limits.inviteTtlMs);
  const hostTokens = new HostTokenStore(db);
  let bound: http.Server | undefined;
  // Browser origins are judged against the configured public origins, or the address actually bound; never the request's Host.
  const publicOrigins = (): readonly string[] => {
    if (config.publicOrigins.length > 0) return config.publicOrigins;
    const address = bound?.address();
    return address === undefined || address === null || typeof address === "string" ? [] : listeningOrigins(config.host, address.port);
  };
  const services: Services = {
    config,
    logger,
    users,
    tokens,
    hostTokens,
    sessions,
    userKv: new UserKvStore(db),
    files: new PluginFileStore(config.dataDir, config.limits),
    relay,
    events,
    metrics: parts.metrics ?? new ServerMetrics(),
    logins: new LoginThrottle({ burst: config.limits.loginBurst, refillSeconds: config.limits.loginRefillSeconds }),
    health: new StoreHealth("db", () => db.keys({ limit: 1 }).all(), parts.tableDamage),
    browserOrigins: () => [...publicOrigins(), ...config.allowedOrigins],
  };
  // One gate for the API and the sync endpoint: both charge the same address and user buckets.
  const gate = callerGateFor(services);
  const app = createApp(services, allRoutes, parts.pluginRouter, gate);
  const { limits } = config;
  const httpServer = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often the timeouts above are checked (Node's default, 30 s, would let a slow client linger long past them).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, limits.headersTimeoutMs)),
    },
    app.callback(),
  );
  bound = httpServer;
  capConnectionsPerAddress(httpServer, limits.maxConnectionsPerAddress, logger);
  httpServer.on(
    "upgrade",
    createSyncUpgrade({ tokens, hostTokens, users, sessions, relay, logger, allowedOrigins: config.allowedOrigins, publicOrigins, gate }),
  );
  httpServer.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    logger.debug({ err: error }, "malformed HTTP request");
    const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    services,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off("error", reject);
          const { port } = httpServer.address() as AddressInfo;
          logger.info({ host: config.host, port }, "taiku is listening");
          if (config.publicOrigins.length === 0 && needsPublicOrigin(config.host)) {
            logger.warn({ host: config.host }, "listening on every interface without TAIKU_PUBLIC_ORIGIN: browsers are admitted to sync only from loopback origins");
          }
          resolve({ port });
        });
      }),
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => {
          if (!httpServer.listening) resolve();
          else httpServer.close(() => resolve());
        });
        httpServer.closeIdleConnections();
        await relay.close();
        httpServer.closeAllConnections();
        await stopped;
        await parts.onClose?.();
        logger.info("taiku stopped");
      })();
      return closing;
    },
  };
}
