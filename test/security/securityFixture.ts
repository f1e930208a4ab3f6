/**
 * What the security suite's tests share: a real server (`startTestServer`:
 * real LevelDB, real sockets) with an owner, a member and a session; raw
 * sync sockets that report whether they were admitted; stock y-websocket
 * clients.
 */
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { MESSAGE_SYNC, messageTypeOf, type SessionId } from "@taiku/engine";
import type { TaikuConfigOverrides } from "../../server/src/config";
import { startTestServer, type TestServer } from "../../server/src/testing/startTestServer";

/** A signed-in user. */
export interface Account {
  readonly token: string;
  readonly userId: string;
}

/** A server with a session owned by `owner` that `member` joined. */
export interface SecurityFixture {
  readonly t: TestServer;
  readonly owner: Account;
  readonly member: Account;
  readonly sid: SessionId;
  /** The sync endpoint, `ws://127.0.0.1:<port>/sync`. */
  readonly wsBase: string;
}

/** Starts a server and sets up the owner, the member and their session. */
export async function startSecurityFixture(overrides: TaikuConfigOverrides = {}): Promise<SecurityFixture> {
  const t = await startTestServer(overrides);
  const owner = await t.signUp("owner");
  const member = await t.signUp("mallory");
  const sid = (await t.call("POST", "/api/sessions", { token: owner.token, body: { title: "review" } })).json.sessionId as SessionId;
  const { code } = (await t.call("POST", `/api/sessions/${sid}/invites`, { token: owner.token })).json;
  const joined = await t.call("POST", `/api/sessions/${sid}/join`, { token: member.token, body: { code } });
  if (joined.status !== 200) throw new Error(`join failed: ${joined.status}`);
  return { t, owner, member, sid, wsBase: `${t.url.replace("http", "ws")}/sync` };
}

/** How a raw sync socket ended up: admitted (the relay sent it a sync message), or closed with a code. */
export type SocketOutcome = { readonly admitted: true; readonly ws: WebSocket } | { readonly admitted: false; readonly code: number; readonly reason: string };

/** Opens a raw sync socket on `doc` and reports whether the relay admitted it. */
export function openRaw(wsBase: string, doc: string, token: string, headers: Record<string, string> = {}): Promise<SocketOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsBase}/${doc}?token=${encodeURIComponent(token)}`, { headers });
    ws.binaryType = "nodebuffer";
    ws.on("message", (data: Buffer) => {
      if (messageTypeOf(new Uint8Array(data)) === MESSAGE_SYNC) resolve({ admitted: true, ws });
    });
    ws.on("close", (code, reason) => resolve({ admitted: false, code, reason: reason.toString() }));
    ws.on("error", reject);
  });
}

/** Waits until `check` holds (polling), or fails naming `what`. */
export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A stock y-websocket client (not opted in to taiku's extensions) on `room`. */
export function stockClient(wsBase: string, room: string, token: string): WebsocketProvider {
  return new WebsocketProvider(wsBase, room, new Y.Doc(), { WebSocketPolyfill: WebSocket as never, params: { token }, disableBc: true });
}
