/**
 * Admission to the sync endpoint, `ws /sync/<docName>?token=`. Before the
 * relay sees a socket, this checks, in order: the path names a document
 * (`parseDocName`), the extension opt-in (`?taiku=`) names a version this
 * relay speaks, a browser's `Origin` (when sent) is one of the server's
 * configured public origins or an allowed one (never compared with the
 * request's `Host`, which a DNS-rebinding page controls), the token is
 * valid (charged to the caller's address or user, see `callerGate.ts`),
 * and the user is a member of the document's session (KV documents of an
 * ended session are closed).
 *
 * A host token (`taiku-host.…`, see `hostTokenStore.ts`) admits a socket to
 * its own session's document only, as the member who issued it, marked as
 * a host (`hostGrant.ts`); an expired, revoked or foreign one is refused
 * with a reason that says so.
 *
 * A refused sync connection is answered in-protocol (`syncRefusal.ts`):
 * upgraded, sent y-protocols' auth `permission-denied` with the reason, and
 * closed with a permanent `CloseCode`, so a stock y-websocket client stops
 * retrying. Only a request outside `/sync/` gets a plain HTTP 404.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { CloseCode, ErrorCode, extensionOptIn, kvDocName, parseDocName, sessionDocName } from "@taiku/engine";
import { looksLikeHostToken, type HostTokenStore } from "../auth/hostTokenStore";
import type { TokenStore } from "../auth/tokenStore";
import type { UserStore } from "../auth/userStore";
import { memberOf, type SessionStore } from "../data/sessionStore";
import { grantHost } from "../shells/hostGrant";
import type { Relay } from "../sync/relayTypes";
import { SyncRefusal } from "../sync/syncRefusal";
import type { User } from "../auth/userStore";
import { authenticate } from "./authenticate";
import type { CallerGate } from "./callerGate";
import { clientAddress } from "./clientAddress";

/** What admission needs. */
export interface SyncUpgradeDeps {
  readonly tokens: TokenStore;
  readonly hostTokens: HostTokenStore;
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly relay: Relay;
  readonly logger: Logger;
  /** Browser origins allowed besides the server's own. */
  readonly allowedOrigins: readonly string[];
  /** The server's own public origins, now (see `publicOrigins.ts`). */
  readonly publicOrigins: () => readonly string[];
  /** Charges each upgrade to its address until its token verifies, then to its user (the API's gate); without it, tokens are verified unlimited. */
  readonly gate?: CallerGate;
  /** Whether `X-Forwarded-For` names the client (`TAIKU_TRUST_PROXY`; see `clientAddress.ts`). */
  readonly trustProxy?: boolean;
}

/** Answers a request outside `/sync/` with a plain 404 on the raw socket and destroys it. */
function refuseUpgrade(socket: Duplex, message: string): void {
  const body = JSON.stringify({ error: { code: ErrorCode.NotFound, message } });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** True when a browser `Origin` header is one of this server's public origins or an allowed one (never judged by `Host`). */
function originAllowed(origin: string, publicOrigins: readonly string[], allowed: readonly string[]): boolean {
  return publicOrigins.includes(origin) || allowed.includes(origin);
}

type Admission =
  | { readonly notSync: string }
  | { readonly close: CloseCode; readonly message: string }
  | { readonly admit: () => void };

async function admit(req: IncomingMessage, socket: Duplex, head: Buffer, deps: SyncUpgradeDeps): Promise<Admission> {
  const url = new URL(req.url ?? "/", "http://relay.invalid");
  if (!url.pathname.startsWith("/sync/")) return { notSync: "no WebSocket endpoint here; sync is at /sync/<docName>" };
  let name: string;
  try {
    name = decodeURIComponent(url.pathname.slice("/sync/".length));
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    return { close: CloseCode.DocumentNotFound, message: "malformed document name" };
  }
  const parsed = parseDocName(name);
  if (parsed === undefined) return { close: CloseCode.DocumentNotFound, message: "not a document name: expected sessions/<sid> or sessions/<sid>/kv/<pluginId>" };
  const optIn = extensionOptIn(url.searchParams);
  if ("error" in optIn) return { close: CloseCode.ProtocolViolation, message: optIn.error };
  const doc = parsed.kind === "session" ? sessionDocName(parsed.sessionId) : kvDocName(parsed.sessionId, parsed.pluginId);
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(origin, deps.publicOrigins(), deps.allowedOrigins)) {
    return { close: CloseCode.PermissionDenied, message: `sync from origin ${origin} is not allowed` };
  }
  const token = url.searchParams.get("token") ?? undefined;
  if (token !== undefined && looksLikeHostToken(token)) {
    // Made-up host tokens run out their address like any other made-up token, before any store lookup.
    const waitSeconds = deps.gate?.chargeAddress(clientAddress(req, deps.trustProxy === true)) ?? 0;
    if (waitSeconds > 0) return { close: CloseCode.Unavailable, message: `too many connection attempts: try again in ${waitSeconds} s` };
    return admitHost(req, socket, head, deps, parsed, token);
  }
  let user: User | undefined;
  if (deps.gate === undefined) user = await authenticate(token, deps.tokens, deps.users);
  else {
    const admission = await deps.gate.admit(clientAddress(req, deps.trustProxy === true), token);
    if ("waitSeconds" in admission) return { close: CloseCode.Unavailable, message: `too many connection attempts: try again in ${admission.waitSeconds} s` };
    user = admission.user;
  }
  if (user === undefined) return { close: CloseCode.Unauthenticated, message: "sign in first: add ?token=<token> to the sync URL" };
  const session = await deps.sessions.get(parsed.sessionId);
  if (session === undefined) return { close: CloseCode.DocumentNotFound, message: "no such session" };
  if (memberOf(session, user.userId) === undefined) return { close: CloseCode.PermissionDenied, message: "you are not a member of this session" };
  if (session.ended && parsed.kind === "kv") return { close: CloseCode.SessionEnded, message: "this session has ended" };
  return {
    admit: () => deps.relay.handleUpgrade(req, socket, head, doc, { userId: user.userId, name: user.name }),
  };
}

/** Admission with a host token: its own session's document only, as the member who issued it. */
async function admitHost(req: IncomingMessage, socket: Duplex, head: Buffer, deps: SyncUpgradeDeps, parsed: NonNullable<ReturnType<typeof parseDocName>>, token: string): Promise<Admission> {
  if (parsed.kind !== "session") return { close: CloseCode.PermissionDenied, message: "a host token opens only its session's document" };
  const record = await deps.hostTokens.resolve(parsed.sessionId, token);
  if ("refused" in record) return { close: CloseCode.Unauthenticated, message: record.message };
  const user = await deps.users.get(record.createdBy);
  const session = await deps.sessions.get(parsed.sessionId);
  if (user === undefined || session === undefined || memberOf(session, user.userId) === undefined) {
    return { close: CloseCode.PermissionDenied, message: "the member who created this host token is no longer in the session" };
  }
  if (session.ended) return { close: CloseCode.SessionEnded, message: "this session has ended" };
  const peer = grantHost({ userId: user.userId, name: user.name }, { tokenId: record.tokenId, sessionId: parsed.sessionId });
  return { admit: () => deps.relay.handleUpgrade(req, socket, head, sessionDocName(parsed.sessionId), peer) };
}

/** The `upgrade` listener for the HTTP server. */
export function createSyncUpgrade(deps: SyncUpgradeDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const refusal = new SyncRefusal(deps.logger);
  return (req, socket, head) => {
    const onEarlyError = (error: Error): void => deps.logger.debug({ err: error }, "sync socket failed before admission");
    socket.on("error", onEarlyError);
    admit(req, socket, head, deps).then(
      (result) => {
        if ("admit" in result) {
          socket.off("error", onEarlyError);
          result.admit();
        } else if ("close" in result) {
          deps.logger.info({ url: req.url?.replace(/token=[^&]*/, "token=…"), code: result.close }, "sync connection refused");
          refusal.refuse(req, socket, head, result.close, result.message);
        } else {
          refuseUpgrade(socket, result.notSync);
        }
      },
      (error: unknown) => {
        deps.logger.error({ err: error }, "sync upgrade failed");
        refusal.refuse(req, socket, head, CloseCode.DocumentFailed, "internal error; reconnect");
      },
    );
  };
}
