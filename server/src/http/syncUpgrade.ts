/**
 * Admission to the sync endpoint, `ws /sync/<docName>?token=`. Before the
 * relay sees a socket, this checks, in order: the path names a document
 * (`parseDocName`), a browser's `Origin` (when sent) is the server's own or
 * an allowed one, the token is valid, and the user is a member of the
 * document's session (KV documents of an ended session are closed). Any
 * refusal is a plain HTTP answer (401/403/404) written on the raw socket,
 * which is then destroyed.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { ErrorCode, kvDocName, parseDocName, sessionDocName } from "@taiku/engine";
import type { TokenStore } from "../auth/tokenStore";
import type { UserStore } from "../auth/userStore";
import { memberOf, type SessionStore } from "../data/sessionStore";
import type { Relay } from "../sync/relayTypes";
import { authenticate } from "./authenticate";

/** What admission needs. */
export interface SyncUpgradeDeps {
  readonly tokens: TokenStore;
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly relay: Relay;
  readonly logger: Logger;
  /** Browser origins allowed besides the server's own. */
  readonly allowedOrigins: readonly string[];
}

const REASONS: Readonly<Record<number, readonly [string, ErrorCode]>> = {
  400: ["Bad Request", ErrorCode.InvalidParams],
  401: ["Unauthorized", ErrorCode.PermissionDenied],
  403: ["Forbidden", ErrorCode.PermissionDenied],
  404: ["Not Found", ErrorCode.NotFound],
  500: ["Internal Server Error", ErrorCode.Internal],
};

/** Answers `status` on a raw socket and destroys it. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const [reason, code] = REASONS[status] ?? ["Error", ErrorCode.Internal];
  const body = JSON.stringify({ error: { code, message } });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** True when a browser `Origin` header names this server (by its Host header) or an allowed origin. */
function originAllowed(origin: string, host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) return true;
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}

type Admission = { readonly status: number; readonly message: string } | { readonly admit: () => void };

async function admit(req: IncomingMessage, socket: Duplex, head: Buffer, deps: SyncUpgradeDeps): Promise<Admission> {
  const url = new URL(req.url ?? "/", "http://relay.invalid");
  if (!url.pathname.startsWith("/sync/")) return { status: 404, message: "no WebSocket endpoint here; sync is at /sync/<docName>" };
  let name: string;
  try {
    name = decodeURIComponent(url.pathname.slice("/sync/".length));
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    return { status: 400, message: "malformed document name" };
  }
  const parsed = parseDocName(name);
  if (parsed === undefined) return { status: 404, message: "not a document name: expected sessions/<sid> or sessions/<sid>/kv/<pluginId>" };
  const doc = parsed.kind === "session" ? sessionDocName(parsed.sessionId) : kvDocName(parsed.sessionId, parsed.pluginId);
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(origin, req.headers.host, deps.allowedOrigins)) {
    return { status: 403, message: `sync from origin ${origin} is not allowed` };
  }
  const user = await authenticate(url.searchParams.get("token") ?? undefined, deps.tokens, deps.users);
  if (user === undefined) return { status: 401, message: "sign in first: add ?token=<token> to the sync URL" };
  const session = await deps.sessions.get(parsed.sessionId);
  if (session === undefined) return { status: 404, message: "no such session" };
  if (memberOf(session, user.userId) === undefined) return { status: 403, message: "you are not a member of this session" };
  if (session.ended && parsed.kind === "kv") return { status: 403, message: "this session has ended" };
  return {
    admit: () => deps.relay.handleUpgrade(req, socket, head, doc, { userId: user.userId, name: user.name }),
  };
}

/** The `upgrade` listener for the HTTP server. */
export function createSyncUpgrade(deps: SyncUpgradeDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const onEarlyError = (error: Error): void => deps.logger.debug({ err: error }, "sync socket failed before admission");
    socket.on("error", onEarlyError);
    admit(req, socket, head, deps).then(
      (result) => {
        if ("admit" in result) {
          socket.off("error", onEarlyError);
          result.admit();
        } else {
          deps.logger.info({ url: req.url?.replace(/token=[^&]*/, "token=…"), status: result.status }, "sync upgrade refused");
          refuseUpgrade(socket, result.status, result.message);
        }
      },
      (error: unknown) => {
        deps.logger.error({ err: error }, "sync upgrade failed");
        refuseUpgrade(socket, 500, "internal error");
      },
    );
  };
}
