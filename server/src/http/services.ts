/**
 * What route handlers work with: the stores, the relay and the event store,
 * configuration and logging. Built once by `createTaikuServer`.
 */
import type { EventStore } from "@taiku/engine";
import type { Logger } from "pino";
import type { HostTokenStore } from "../auth/hostTokenStore";
import type { LoginThrottle } from "../auth/loginThrottle";
import type { TokenStore } from "../auth/tokenStore";
import type { UserStore } from "../auth/userStore";
import type { TaikuConfig } from "../config";
import type { PluginFileStore } from "../data/pluginFileStore";
import type { SessionStore } from "../data/sessionStore";
import type { UserKvStore } from "../data/userKvStore";
import type { Relay } from "../sync/relayTypes";
import type { ServerMetrics } from "./serverMetrics";
import type { StoreHealth } from "./storeHealth";

/** The server's parts, as route handlers see them. */
export interface Services {
  readonly config: TaikuConfig;
  readonly logger: Logger;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  /** Host tokens for `taiku share`, per session. */
  readonly hostTokens: HostTokenStore;
  readonly sessions: SessionStore;
  readonly userKv: UserKvStore;
  readonly files: PluginFileStore;
  readonly relay: Relay;
  readonly events: EventStore;
  readonly metrics: ServerMetrics;
  /** Failed logins per account (`POST /api/login` refuses a throttled account with 429). */
  readonly logins: LoginThrottle;
  /** Whether the database can be read (`/healthz`, `/readyz`). */
  readonly health: StoreHealth;
  /** The origins this server's own pages have (`publicOrigins.ts`) plus `TAIKU_ALLOWED_ORIGINS`: where the session cookie is accepted from. */
  browserOrigins(): readonly string[];
}
