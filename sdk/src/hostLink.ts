/**
 * Catches the host's `taiku:init` and its `MessagePort`. The listener is
 * installed when this module is first imported, so a plugin that creates its
 * `TaikuPlugin` late (after the frame's `load`, when the host posts init)
 * still finds the port. A plugin that imports the SDK itself late (a dynamic
 * `import()` that finishes after `load`) has missed that init: the first
 * wait without a connection asks the parent window for it again with
 * `taiku:connect`, and the host answers with a fresh init and port. A later
 * init replaces the current connection, and everyone watching moves to it.
 * Only messages from the parent window (or from the window itself, when the
 * plugin runs top-level as under `MockHost`) count; anything that does not
 * decode as `taiku:init` with exactly one port is ignored.
 */
import { createConnect, decodeBridgeMessage, type InitMessage } from "@taiku/engine";

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
/** Called with every connection after the current one. */
const watchers = new Set<Waiter>();
let asked = false;

/**
 * Asks the host for `taiku:init` (once per page), when this window is a
 * frame: a top-level page has no host to ask (`MockHost` sends its init
 * itself). The host ignores the ask if its init is still on the way.
 */
function askForInit(): void {
  if (asked || typeof window === "undefined" || window.parent === window || window.parent == null) return;
  asked = true;
  window.parent.postMessage(createConnect(), "*");
}

function onWindowMessage(event: MessageEvent): void {
  const from = event.source;
  if (from !== window.parent && from !== window) return;
  const decoded = decodeBridgeMessage(event.data);
  if (decoded.error !== undefined || decoded.message.type !== "taiku:init") return;
  const port = event.ports[0];
  if (event.ports.length !== 1 || port === undefined) return;
  // Only a real host (the parent of this frame) replaces a connection; a top-level page's
  // inits come from successive MockHosts, each of which starts its plugins afresh.
  offerHostLink({ init: decoded.message, port }, window.parent !== window);
}

if (typeof window !== "undefined" && typeof window.addEventListener === "function") {
  window.addEventListener("message", onWindowMessage);
}

/**
 * Makes `link` the current host connection and hands it to everyone waiting;
 * with `replaces`, clients bound to an earlier connection of the same plugin
 * instance move to it too.
 */
export function offerHostLink(link: HostLink, replaces = false): void {
  const previous = current;
  current = link;
  const waiting = [...waiters];
  waiters.clear();
  for (const waiter of waiting) waiter(link);
  const same = previous !== null && previous.init.pluginId === link.init.pluginId && previous.init.instanceId === link.init.instanceId;
  if (replaces && same) for (const watcher of [...watchers]) watcher(link);
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
  askForInit();
  return () => waiters.delete(waiter);
}

/**
 * Calls `watcher` with each connection that replaces the current one (the
 * host answered `taiku:connect` after all); returns a stop function.
 */
export function watchHostLinks(watcher: Waiter): () => void {
  watchers.add(watcher);
  return () => watchers.delete(watcher);
}
