/**
 * Builds the whole taiku server from a configuration: one LevelDB database
 * under `<dataDir>/db` (sublevels per concern), the LevelDB event store
 * (pruned to the configured retention window), the
 * sync relay, plugin discovery, and the HTTP side around them. This file is
 * the one place those parts are wired together.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { withRetention } from "@taiku/engine";
import type { TaikuConfig } from "./config";
import { assembleServer, type TaikuServer } from "./assembleServer";
import { ServerMetrics } from "./http/serverMetrics";
import { checkLevelTables } from "./http/checkLevelTables";
import { createLogger } from "./logger";
import { createPluginRoutes } from "./plugins";
import { createLevelEventStore, openLevel } from "./store";
import { withSessionEvents } from "./shells/withSessionEvents";
import { SessionStore } from "./data/sessionStore";
import { createRelay } from "./sync/createRelay";
import { createInstalledPlugins, createKnownPlugins } from "./sync/knownPlugins";

export type { TaikuServer } from "./assembleServer";

/** Options for {@link createTaikuServer}. */
export interface CreateTaikuServerOptions {
  readonly config: TaikuConfig;
  /** Defaults to a pino logger at `config.logLevel`. */
  readonly logger?: Logger;
}

/** Opens the data directory and builds a server ready to `listen()`. */
export async function createTaikuServer(options: CreateTaikuServerOptions): Promise<TaikuServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  await mkdir(path.join(config.dataDir, "plugins"), { recursive: true });
  // The integrity check reads every table file before LevelDB opens them (and may compact them away).
  const tableDamage = await checkLevelTables(path.join(config.dataDir, "db"));
  for (const damage of tableDamage) logger.error(damage, `the database is damaged: table file ${damage.file} ${damage.reason}`);
  const db = await openLevel(path.join(config.dataDir, "db"));
  // Pruned to the retention window after each snapshot; a failed prune leaves the log longer and is logged.
  const events = withRetention(createLevelEventStore(db.sublevel("events")), config.retention, {
    onError: (error, doc) => logger.error({ err: error, doc }, "pruning the event log to the retention window failed"),
  });
  const metrics = new ServerMetrics();
  const sessions = new SessionStore(db, config.limits.inviteTtlMs);
  const knownPlugins = createKnownPlugins(
    createInstalledPlugins({ bundledDir: config.bundledPluginsDir, dataDir: config.dataDir }),
    async (sessionId) => ((await sessions.get(sessionId))?.plugins ?? []).map((plugin) => plugin.pluginId),
  );
  const relay = withSessionEvents(logger, (extensions) =>
    createRelay({
      store: events,
      logger,
      onPersisted: (ms) => metrics.observePersisted(ms),
      maxKvDocsPerSession: config.limits.maxKvDocsPerSession,
      idleMs: config.limits.idleUnloadSeconds * 1000,
      unbuildAfterMs: config.limits.idleUnbuildSeconds * 1000,
      sessionQuotaBytes: config.limits.sessionDocBytes,
      maxSessionFrameBytes: config.limits.sessionFrameBytes,
      knownPlugins,
      extensions,
    }),
  );
  const pluginRouter = createPluginRoutes({
    bundledDir: config.bundledPluginsDir,
    dataDir: config.dataDir,
    logger,
    clientOrigins: config.allowedOrigins,
  });
  return assembleServer({
    config,
    logger,
    db,
    events,
    relay,
    metrics,
    pluginRouter,
    tableDamage,
    onClose: async () => {
      await events.close();
      await db.close();
    },
  });
}
