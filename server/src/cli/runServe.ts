/**
 * `taiku serve`: starts the server from the environment's configuration and
 * shuts it down gracefully on SIGTERM or SIGINT — stop accepting, close the
 * relay (which flushes every pending write), close the database — then
 * resolves so the process exits 0. A second signal during shutdown exits 1
 * at once.
 */
import { loadConfig } from "../config";
import { createTaikuServer } from "../createTaikuServer";
import { createLogger } from "../logger";

/** `taiku serve --help`. */
export const SERVE_USAGE = `usage: taiku serve

Runs the server until SIGTERM or SIGINT. Settings come from the environment:
HOST (127.0.0.1), PORT (7300), TAIKU_DATA_DIR (./.taiku), LOG_LEVEL (info),
TAIKU_PUBLIC_ORIGIN, TAIKU_TRUST_PROXY, TAIKU_METRICS_TOKEN and the limits
in docs/operations.md; docs/deploy.md for running behind a reverse proxy.`;

/** Runs the server until a shutdown signal; resolves with the exit code. */
export async function runServe(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const server = await createTaikuServer({ config, logger });
  let port: number;
  try {
    ({ port } = await server.listen());
  } catch (error) {
    await server.close();
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    process.stderr.write(`${config.host}:${config.port} is already in use: stop what is using it, or set PORT to another port\n`);
    return 1;
  }
  process.stdout.write(`taiku is serving http://${config.host}:${port} (data in ${config.dataDir})\n`);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn({ signal }, "second signal during shutdown: exiting now");
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, "shutting down");
      server.close().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          resolve(1);
        },
      );
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
