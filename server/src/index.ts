/**
 * `@taiku/server` — the relay: sync endpoint, persistence, REST API, plugin
 * discovery, CLI. Other parts (tests, benchmarks, the host CLI) start a
 * server through these exports.
 */
export type { TaikuConfig, TaikuConfigOverrides, TaikuLimits } from "./config";
export { createConfig, loadConfig, DEFAULT_LIMITS } from "./config";
export type { TaikuServer, CreateTaikuServerOptions } from "./createTaikuServer";
export { createTaikuServer } from "./createTaikuServer";
export type { ServerParts } from "./assembleServer";
export { assembleServer } from "./assembleServer";
export { createLogger } from "./logger";
export type { Relay, RelayMetrics, SyncPeer } from "./sync/relayTypes";
export { runCli } from "./cli";
