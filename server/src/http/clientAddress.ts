/**
 * The client address a request is charged to (rate limits, logs). Without
 * a trusted proxy it is the socket's peer. Behind one (`TAIKU_TRUST_PROXY`)
 * it is the last entry of `X-Forwarded-For` — the one the proxy itself
 * appended; earlier entries come from the client and are not believed —
 * which is what Koa's `proxy` with `maxIpsCount: 1` gives `ctx.request.ip`.
 */
import type { IncomingMessage } from "node:http";

/** How many `X-Forwarded-For` entries, counted from the end, are believed (one proxy hop). */
export const TRUSTED_PROXY_HOPS = 1;

/** The address `req` is charged to; the socket peer unless `trustProxy` and the proxy named one. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (!trustProxy) return peer;
  const header = req.headers["x-forwarded-for"];
  const entries = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
  return entries.at(-TRUSTED_PROXY_HOPS) ?? peer;
}
