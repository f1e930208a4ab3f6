/**
 * Wires the session event channel into a relay in one expression, and lets
 * the HTTP side find the channel from the relay it already holds
 * (`services.relay`) without another field in its services.
 */
import type { Logger } from "pino";
import type { Relay, RelayExtension } from "../sync/relayTypes";
import { createSessionEvents, type SessionEvents, type SessionEventsOptions } from "./createSessionEvents";

const channels = new WeakMap<Relay, SessionEvents>();

/**
 * Creates the session event channel, builds the relay with it as an
 * extension (`build` receives the extensions to pass to `createRelay`),
 * attaches the channel to that relay and returns the relay.
 */
export function withSessionEvents(
  logger: Logger,
  build: (extensions: RelayExtension[]) => Relay,
  options: Omit<SessionEventsOptions, "logger"> = {},
): Relay {
  const events = createSessionEvents({ ...options, logger });
  const relay = build([events.extension]);
  events.attach(relay);
  channels.set(relay, events);
  return relay;
}

/** The session event channel attached to `relay`, if it has one. */
export function sessionEventsOf(relay: Relay): SessionEvents | undefined {
  return channels.get(relay);
}
