/**
 * Catches the host's `taiku:init` and its `MessagePort`. The listener is
 * installed when this module is first imported, so a plugin that creates its
 * `TaikuPlugin` late (after the frame's `load`, when the host posts init)
 * still finds the port. Only messages from the parent window (or from the
 * window itself, when the plugin runs top-level as under `MockHost`) count;
 * anything that does not decode as `taiku:init` with exactly one port is
 * ignored.
 */
import { decodeBridgeMessage, type InitMessage } from "@taiku/engine";

/** The host connection a `TaikuPlugin` binds to. */
export interface HostLink {
  /** The decoded `taiku:init`. */
  readonly init: InitMessage;
  /** The port all later traffic uses. */
  readonly port: MessagePort;
}

/** Messages a plugin sent and received on one port, so a test host can tell when traffic has stopped. */
export interface PortTraffic {
  sent: number;
  received: number;
}

const traffic = new WeakMap<MessagePort, PortTraffic>();

/** The traffic counters of a plugin-side port. */
export function trafficOf(port: MessagePort): PortTraffic {
  let counts = traffic.get(port);
  if (counts === undefined) {
    counts = { sent: 0, received: 0 };
    traffic.set(port, counts);
  }
  return counts;
}

type Waiter = (link: HostLink) => void;

let current: HostLink | null = null;
const waiters = new Set<Waiter>();

function onWindowMessage(event: MessageEvent): void {
  const from = event.source;
  if (from !== window.parent && from !== window) return;
  const decoded = decodeBridgeMessage(event.data);
  if (decoded.error !== undefined || decoded.message.type !== "taiku:init") return;
  const port = event.ports[0];
  if (event.ports.length !== 1 || port === undefined) return;
  offerHostLink({ init: decoded.message, port });
}

if (typeof window !== "undefined" && typeof window.addEventListener === "function") {
  window.addEventListener("message", onWindowMessage);
}

/** Makes `link` the current host connection and hands it to everyone waiting. */
export function offerHostLink(link: HostLink): void {
  current = link;
  const waiting = [...waiters];
  waiters.clear();
  for (const waiter of waiting) waiter(link);
}

/** Forgets the current connection (a disposed `MockHost`); later plugins wait for the next one. */
export function forgetHostLink(port: MessagePort): void {
  if (current?.port === port) current = null;
}

/** Calls `waiter` with the current connection, or with the next one; returns a cancel function. */
export function awaitHostLink(waiter: Waiter): () => void {
  if (current !== null) {
    waiter(current);
    return () => {};
  }
  waiters.add(waiter);
  return () => waiters.delete(waiter);
}
