/**
 * Server configuration: where the relay listens, where it keeps its data,
 * and the limits it enforces. Read once from the environment at start-up
 * ({@link loadConfig}); tests build one directly with overrides.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_PLUGIN_FILE_LIMITS, DEFAULT_RETENTION, checkRetentionWindow, type RetentionWindow } from "@taiku/engine";
import { parseOrigin } from "./http/publicOrigins";

/** The server package's folder: `server/` in the repository, the installed `@taiku/server` otherwise (this module is in its `src/` or `dist/`). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Where the built client, the plugin SDK bundle and the bundled plugins
 * are: in a package built by `scripts/pack.mjs` they ship in its
 * `assets/`; in the repository they are built beside the server.
 */
function assetPaths(): Pick<TaikuConfig, "clientDir" | "sdkBundlePath" | "bundledPluginsDir"> {
  const assets = path.join(PACKAGE_ROOT, "assets");
  if (existsSync(assets)) {
    return { clientDir: path.join(assets, "client"), sdkBundlePath: path.join(assets, "sdk", "plugin-sdk.js"), bundledPluginsDir: path.join(assets, "plugins") };
  }
  const repoRoot = path.dirname(PACKAGE_ROOT);
  return {
    clientDir: path.join(repoRoot, "client", "dist"),
    sdkBundlePath: path.join(repoRoot, "sdk", "dist", "plugin-sdk.js"),
    bundledPluginsDir: path.join(repoRoot, "plugins"),
  };
}

/** Limits the HTTP side enforces. */
export interface TaikuLimits {
  /** Largest single plugin file, in bytes. */
  readonly pluginFileBytes: number;
  /** Largest total of one user's files for one plugin, in bytes. */
  readonly pluginTotalBytes: number;
  /** Most files one user may keep for one plugin. */
  readonly pluginFileCount: number;
  /** Largest user KV value (its JSON), in bytes. */
  readonly userKvValueBytes: number;
  /** Largest JSON request body on ordinary routes, in bytes. */
  readonly jsonBodyBytes: number;
  /** Token-bucket size: requests a token (or an anonymous address) may burst. */
  readonly rateBurst: number;
  /** Token-bucket refill: sustained requests per second. */
  readonly ratePerSecond: number;
  /** Sign-up and login attempts (each costs an scrypt hash) one address may burst. */
  readonly authBurst: number;
  /** Sign-up and login attempts per second, sustained, per address. */
  readonly authPerSecond: number;
  /** Failed logins one account may have in a row before its logins are refused with 429. */
  readonly loginBurst: number;
  /** Seconds until a throttled account may try to log in once more. */
  readonly loginRefillSeconds: number;
  /** Most KV documents one session may hold, counting only those of plugins the session knows (passed to the relay). */
  readonly maxKvDocsPerSession: number;
  /** Live data a session document may hold, in bytes; an update that takes it over is compensated (passed to the relay). */
  readonly sessionDocBytes: number;
  /** Largest frame a session document's sync socket may send, in bytes (passed to the relay). */
  readonly sessionFrameBytes: number;
  /** How long a login token stays valid, in milliseconds. */
  readonly tokenTtlMs: number;
  /** How long an invite code stays valid, in milliseconds. */
  readonly inviteTtlMs: number;
  /** How long a document with no socket stays in memory before it is unloaded (reloaded on demand), in seconds. */
  readonly idleUnloadSeconds: number;
  /** How long a loaded document that nothing changes or reads stays built before it goes back to its encoded bytes, in seconds. */
  readonly idleUnbuildSeconds: number;
  /** How long a client may take to send a request's headers, in milliseconds (then 408 and closed). */
  readonly headersTimeoutMs: number;
  /** How long a client may take to send a whole request, in milliseconds (then 408 and closed); at least `headersTimeoutMs`. */
  readonly requestTimeoutMs: number;
  /** Open connections (HTTP and WebSocket) one client address may hold; further ones are closed at once. */
  readonly maxConnectionsPerAddress: number;
}

/** Everything the server needs to start. */
export interface TaikuConfig {
  /** Interface to listen on. */
  readonly host: string;
  /** Port to listen on; `0` picks a free one. */
  readonly port: number;
  /** Folder for the database, plugin files and installed plugins. */
  readonly dataDir: string;
  /** The built client (`client/dist`), served at `/` when present. */
  readonly clientDir: string;
  /** The plugin SDK bundle, served at `/sdk/plugin-sdk.js`. */
  readonly sdkBundlePath: string;
  /** The bundled plugins folder (`plugins/`). */
  readonly bundledPluginsDir: string;
  /** Extra browser origins allowed to open sync sockets (besides the server's own). */
  readonly allowedOrigins: readonly string[];
  /**
   * The origins browsers reach this server at (`TAIKU_PUBLIC_ORIGIN`); the
   * sync endpoint admits a browser `Origin` only if it is one of them (or
   * of `allowedOrigins`). Empty: the origins of the listening address and
   * bound port (see `http/publicOrigins.ts`).
   */
  readonly publicOrigins: readonly string[];
  /** pino level: `silent`, `error`, `warn`, `info`, `debug`, … */
  readonly logLevel: string;
  /** Limits enforced on requests. */
  readonly limits: TaikuLimits;
  /**
   * Whether a reverse proxy in front of the server is trusted
   * (`TAIKU_TRUST_PROXY`): requests are then charged to the address the
   * proxy puts last in `X-Forwarded-For` (Koa's `proxy`), and the
   * per-address connection cap, which would count only the proxy, is not
   * applied. Only for a server that nothing but the proxy can reach.
   */
  readonly trustProxy: boolean;
  /** The token an operator's scraper sends for `/metrics` (`null`: only requests made on this machine). */
  readonly metricsToken: string | null;
  /**
   * How much of each document's event log to keep once a snapshot covers
   * it: the last `keepEvents` events and every event younger than
   * `keepAgeMs`; older ones are folded into the history base. Default
   * {@link DEFAULT_RETENTION} (10,000 events, 7 days).
   */
  readonly retention: RetentionWindow;
}

const MIB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The default limits. */
export const DEFAULT_LIMITS: TaikuLimits = {
  pluginFileBytes: DEFAULT_PLUGIN_FILE_LIMITS.maxFileBytes,
  pluginTotalBytes: DEFAULT_PLUGIN_FILE_LIMITS.maxTotalBytes,
  pluginFileCount: DEFAULT_PLUGIN_FILE_LIMITS.maxFiles,
  userKvValueBytes: 1 * MIB,
  jsonBodyBytes: 64 * 1024,
  rateBurst: 120,
  ratePerSecond: 30,
  authBurst: 20,
  authPerSecond: 2,
  loginBurst: 5,
  loginRefillSeconds: 60,
  maxKvDocsPerSession: 64,
  sessionDocBytes: 2 * MIB,
  sessionFrameBytes: 4 * MIB,
  tokenTtlMs: 30 * DAY_MS,
  inviteTtlMs: 7 * DAY_MS,
  idleUnloadSeconds: 30,
  idleUnbuildSeconds: 10,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  maxConnectionsPerAddress: 256,
};

/** Overrides accepted by {@link createConfig}. */
export type TaikuConfigOverrides = Partial<Omit<TaikuConfig, "limits" | "retention">> & {
  readonly limits?: Partial<TaikuLimits>;
  readonly retention?: Partial<RetentionWindow>;
};

/** Builds a configuration from defaults plus `overrides`. */
export function createConfig(overrides: TaikuConfigOverrides = {}): TaikuConfig {
  const { limits, retention: retentionOverrides, ...rest } = overrides;
  const retention = { ...DEFAULT_RETENTION, ...retentionOverrides };
  checkRetentionWindow(retention);
  return {
    host: "127.0.0.1",
    port: 7300,
    dataDir: path.resolve(".taiku"),
    ...assetPaths(),
    allowedOrigins: [],
    publicOrigins: [],
    logLevel: "info",
    metricsToken: null,
    trustProxy: false,
    ...rest,
    limits: checkLimits({ ...DEFAULT_LIMITS, ...limits }),
    retention,
  };
}

/** `limits`, when they are consistent; throws naming the problem otherwise. */
function checkLimits(limits: TaikuLimits): TaikuLimits {
  if (limits.requestTimeoutMs !== 0 && limits.requestTimeoutMs < limits.headersTimeoutMs) {
    throw new Error(`the request timeout (${limits.requestTimeoutMs} ms) must be at least the headers timeout (${limits.headersTimeoutMs} ms)`);
  }
  return limits;
}

/** The origins in a comma-separated list; throws naming one that is not a bare http(s) origin. */
function originList(name: string, raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o !== "")
    .map((value) => {
      const parsed = parseOrigin(value);
      if ("error" in parsed) throw new Error(`${name}: ${parsed.error}`);
      return parsed.origin;
    });
}

/** Reads a non-negative integer from the environment, or `undefined` when unset. */
function envInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads a yes/no setting from the environment (`1`/`true`/`yes`, `0`/`false`/`no`; unset: `false`). */
function envFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? "").trim().toLowerCase();
  if (raw === "" || raw === "0" || raw === "false" || raw === "no") return false;
  if (raw === "1" || raw === "true" || raw === "yes") return true;
  throw new Error(`${name} must be 1, true, yes, 0, false or no, got ${JSON.stringify(env[name])}`);
}

/**
 * Reads the configuration from environment variables: `HOST`, `PORT`,
 * `TAIKU_DATA_DIR`, `LOG_LEVEL`, `TAIKU_ALLOWED_ORIGINS` (comma-separated),
 * `TAIKU_MAX_FILE_BYTES`, `TAIKU_MAX_PLUGIN_BYTES`, `TAIKU_MAX_PLUGIN_FILES`,
 * `TAIKU_RATE_BURST`, `TAIKU_RATE_PER_SECOND`, `TAIKU_AUTH_BURST`,
 * `TAIKU_AUTH_PER_SECOND`, `TAIKU_LOGIN_BURST`, `TAIKU_LOGIN_REFILL_SECONDS`,
 * `TAIKU_MAX_KV_DOCS_PER_SESSION`,
 * `TAIKU_SESSION_DOC_BYTES`, `TAIKU_MAX_SESSION_FRAME_BYTES`,
 * `TAIKU_PUBLIC_ORIGIN` (comma-separated origins), `TAIKU_TRUST_PROXY` (`1`
 * behind a reverse proxy), `TAIKU_HEADERS_TIMEOUT_MS`,
 * `TAIKU_REQUEST_TIMEOUT_MS`, `TAIKU_MAX_CONNECTIONS_PER_ADDRESS`,
 * `TAIKU_IDLE_UNLOAD_SECONDS` (default 30), `TAIKU_IDLE_UNBUILD_SECONDS`
 * (default 10), `TAIKU_METRICS_TOKEN` (what a scraper of `/metrics` sends;
 * unset, `/metrics` answers only on this machine), and the
 * retention window `TAIKU_RETENTION_EVENTS` (≥ 1, default 10000) and
 * `TAIKU_RETENTION_HOURS` (default 168).
 * Throws on a malformed number: a bad configuration should stop start-up.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TaikuConfig {
  const limits: Partial<Record<keyof TaikuLimits, number>> = {};
  const numeric: ReadonlyArray<readonly [keyof TaikuLimits, string]> = [
    ["pluginFileBytes", "TAIKU_MAX_FILE_BYTES"],
    ["pluginTotalBytes", "TAIKU_MAX_PLUGIN_BYTES"],
    ["pluginFileCount", "TAIKU_MAX_PLUGIN_FILES"],
    ["rateBurst", "TAIKU_RATE_BURST"],
    ["ratePerSecond", "TAIKU_RATE_PER_SECOND"],
    ["authBurst", "TAIKU_AUTH_BURST"],
    ["authPerSecond", "TAIKU_AUTH_PER_SECOND"],
    ["loginBurst", "TAIKU_LOGIN_BURST"],
    ["loginRefillSeconds", "TAIKU_LOGIN_REFILL_SECONDS"],
    ["maxKvDocsPerSession", "TAIKU_MAX_KV_DOCS_PER_SESSION"],
    ["idleUnloadSeconds", "TAIKU_IDLE_UNLOAD_SECONDS"],
    ["idleUnbuildSeconds", "TAIKU_IDLE_UNBUILD_SECONDS"],
    ["sessionDocBytes", "TAIKU_SESSION_DOC_BYTES"],
    ["sessionFrameBytes", "TAIKU_MAX_SESSION_FRAME_BYTES"],
    ["headersTimeoutMs", "TAIKU_HEADERS_TIMEOUT_MS"],
    ["requestTimeoutMs", "TAIKU_REQUEST_TIMEOUT_MS"],
    ["maxConnectionsPerAddress", "TAIKU_MAX_CONNECTIONS_PER_ADDRESS"],
  ];
  for (const [key, name] of numeric) {
    const value = envInt(env, name);
    if (value !== undefined) limits[key] = value;
  }
  const port = envInt(env, "PORT");
  const keepEvents = envInt(env, "TAIKU_RETENTION_EVENTS");
  const keepHours = envInt(env, "TAIKU_RETENTION_HOURS");
  return createConfig({
    host: env.HOST || "127.0.0.1",
    port: port ?? 7300,
    dataDir: path.resolve(env.TAIKU_DATA_DIR || ".taiku"),
    logLevel: env.LOG_LEVEL || "info",
    allowedOrigins: (env.TAIKU_ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter((o) => o !== ""),
    metricsToken: env.TAIKU_METRICS_TOKEN ? env.TAIKU_METRICS_TOKEN : null,
    trustProxy: envFlag(env, "TAIKU_TRUST_PROXY"),
    publicOrigins: originList("TAIKU_PUBLIC_ORIGIN", env.TAIKU_PUBLIC_ORIGIN),
    limits,
    retention: {
      ...(keepEvents === undefined ? {} : { keepEvents }),
      ...(keepHours === undefined ? {} : { keepAgeMs: keepHours * 60 * 60 * 1000 }),
    },
  });
}
