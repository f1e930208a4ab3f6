/**
 * The per-address connection cap: a client address may hold at most `max`
 * open connections to the server (HTTP keep-alive and WebSocket alike, since
 * a WebSocket is an upgraded HTTP connection); a connection past that is
 * closed as soon as it is accepted, before anything is read from it, and
 * logged once per burst. So one address cannot take every socket the
 * process has by opening connections it never uses.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";

/** Caps `server`'s open connections per client address at `max`. */
export function capConnectionsPerAddress(server: Server, max: number, logger: Logger): void {
  const open = new Map<string, number>();
  const warned = new Set<string>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "unknown";
    const count = open.get(address) ?? 0;
    if (count >= max) {
      if (!warned.has(address)) {
        warned.add(address);
        logger.warn({ address, max }, "closing connections over the per-address cap");
      }
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) {
        open.delete(address);
        warned.delete(address);
      } else open.set(address, left);
    });
  });
}
