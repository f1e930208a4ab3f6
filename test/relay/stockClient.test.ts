/**
 * The sync endpoint with the stock `y-websocket` client, unmodified and not
 * opted in to taiku's extension messages: a refused connection is told why
 * in-protocol and never retried, and a client that is admitted sees the
 * standard protocol only, so it logs nothing while quota rejections and
 * session events happen for the taiku clients beside it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { WebsocketProvider } from "y-websocket";
import WebSocket from "ws";
import * as Y from "yjs";
import {
  CloseCode,
  MESSAGE_TAIKU_EVENT,
  MESSAGE_TAIKU_NOTICE,
  encodeSessionEvent,
  extensionParams,
  kvDocName,
  sessionDocName,
  type PluginId,
  type SessionId,
} from "@taiku/engine";
import { startTestServer, type TestServer } from "../../server/src/testing/startTestServer";

let t: TestServer;
let owner: { token: string; userId: string };
let guest: { token: string; userId: string };
let stranger: { token: string };
let sid: SessionId;
let ended: SessionId;
const providers: WebsocketProvider[] = [];

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.signUp("owner");
  guest = await t.signUp("guest");
  stranger = await t.signUp("stranger");
  sid = (await t.call("POST", "/api/sessions", { token: owner.token, body: { title: "live" } })).json.sessionId;
  const { code } = (await t.call("POST", `/api/sessions/${sid}/invites`, { token: owner.token })).json;
  await t.call("POST", `/api/sessions/${sid}/join`, { token: guest.token, body: { code } });
  ended = (await t.call("POST", "/api/sessions", { token: owner.token, body: { title: "over" } })).json.sessionId;
  await t.call("POST", `/api/sessions/${ended}/end`, { token: owner.token });
});
afterEach(() => {
  for (const provider of providers.splice(0)) provider.destroy();
  vi.restoreAllMocks();
});
afterAll(() => t.stop());

function wsBase(): string {
  return `${t.url.replace("http", "ws")}/sync`;
}

async function until(check: () => boolean, what: string, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A stock provider whose sockets are counted; `headers` go on every upgrade request (a browser's Origin). */
function stockProvider(room: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const attempts = { count: 0 };
  class CountedSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
      attempts.count++;
    }
  }
  const provider = new WebsocketProvider(wsBase(), room, new Y.Doc(), { WebSocketPolyfill: CountedSocket as never, params, disableBc: true });
  providers.push(provider);
  const closed: Array<{ code: number; reason: string }> = [];
  provider.on("closed", (event) => closed.push(event));
  return { provider, attempts, closed };
}

describe("a refused stock y-websocket client", () => {
  it("is told why in-protocol and stops: one connection attempt, a permanent close code, no retries", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const cases: Array<{ label: string; room: string; params: Record<string, string>; headers?: Record<string, string>; code: CloseCode }> = [
      { label: "no token", room: sessionDocName(sid), params: {}, code: CloseCode.Unauthenticated },
      { label: "bad token", room: sessionDocName(sid), params: { token: "forged" }, code: CloseCode.Unauthenticated },
      { label: "non-member", room: sessionDocName(sid), params: { token: stranger.token }, code: CloseCode.PermissionDenied },
      { label: "non-member on a plugin document", room: kvDocName(sid, "notes" as PluginId), params: { token: stranger.token }, code: CloseCode.PermissionDenied },
      { label: "foreign Origin", room: sessionDocName(sid), params: { token: owner.token }, headers: { origin: "https://evil.example" }, code: CloseCode.PermissionDenied },
      { label: "ended session", room: kvDocName(ended, "notes" as PluginId), params: { token: owner.token }, code: CloseCode.SessionEnded },
      { label: "unknown session", room: sessionDocName("nope" as SessionId), params: { token: owner.token }, code: CloseCode.DocumentNotFound },
      { label: "not a document", room: `sessions/${sid}/kv/Not_A_Plugin`, params: { token: owner.token }, code: CloseCode.DocumentNotFound },
    ];
    const clients = cases.map((c) => ({ ...c, ...stockProvider(c.room, c.params, c.headers) }));
    await until(() => clients.every((c) => c.provider.wsUnsuccessfulReconnects >= 1), "every first attempt to close");
    // Proving that no retry comes needs a window: a retrying client tries again after 200, 400, 800 and 1,600 ms.
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    for (const c of clients) {
      expect(c.attempts.count, c.label).toBe(1);
      expect(c.closed.map((event) => event.code), c.label).toEqual([c.code]);
      expect(c.provider.shouldConnect, c.label).toBe(false);
    }
    // The stock client shows the reason it was given.
    const shown = warn.mock.calls.map((call) => String(call[0]));
    expect(shown.filter((line) => line.startsWith("Permission denied to access"))).toHaveLength(cases.length);
    expect(shown.some((line) => line.includes("you are not a member of this session"))).toBe(true);
    expect(shown.some((line) => line.includes("this session has ended"))).toBe(true);
  });
});

describe("an admitted stock y-websocket client", () => {
  it("on a plugin document of a session that ends, is closed with 4410 and does not come back", async () => {
    const closing = (await t.call("POST", "/api/sessions", { token: owner.token, body: { title: "closing" } })).json.sessionId as SessionId;
    const client = stockProvider(kvDocName(closing, "notes" as PluginId), { token: owner.token });
    await until(() => client.provider.synced, "first sync");
    expect((await t.call("POST", `/api/sessions/${closing}/end`, { token: owner.token })).status).toBe(200);
    await until(() => client.closed.length > 0, "the close");
    // As above: only a window shows that no retry comes.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(client.closed.map((event) => event.code)).toEqual([CloseCode.SessionEnded]);
    expect(client.attempts.count).toBe(1);
  });

  it("sees the standard protocol only: no 'Unable to compute message' while taiku clients get quota notices and session events", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    const kv = kvDocName(sid, "notes" as PluginId);
    const session = sessionDocName(sid);
    const stockKv = stockProvider(kv, { token: owner.token });
    const stockSession = stockProvider(session, { token: owner.token });

    // taiku clients beside it, opted in.
    const taiku = (room: string, token: string) => {
      const provider = new WebsocketProvider(wsBase(), room, new Y.Doc(), {
        WebSocketPolyfill: WebSocket as never,
        params: { token, ...extensionParams() },
        disableBc: true,
      });
      providers.push(provider);
      const received = { notices: 0, events: 0 };
      provider.messageHandlers[MESSAGE_TAIKU_NOTICE] = () => void received.notices++;
      provider.messageHandlers[MESSAGE_TAIKU_EVENT] = () => void received.events++;
      return { provider, received };
    };
    const writer = taiku(kv, owner.token);
    const ownerViewer = taiku(session, owner.token);
    await until(() => [stockKv, stockSession, writer, ownerViewer].every((c) => c.provider.synced), "first sync");
    // The guest's first opted-in socket announces user:join to the owner; its plugin event goes to the others.
    const guestViewer = taiku(session, guest.token);
    await until(() => guestViewer.provider.synced, "guest sync");
    guestViewer.provider.ws!.send(encodeSessionEvent({ type: "plugin:notes:ping", data: { n: 1 }, ts: Date.now() }) as Uint8Array<ArrayBuffer>);
    await until(() => ownerViewer.received.events >= 2, "user:join and the plugin event at the owner");

    // Over the quota: the relay reverts it and tells the writer.
    const notes = writer.provider.doc.getMap("kv");
    notes.set("small", "kept");
    notes.set("huge", "x".repeat(70_000));
    await until(() => writer.received.notices >= 1, "the quota notice");
    await until(() => !notes.has("huge") && stockKv.provider.doc.getMap("kv").get("small") === "kept", "the compensation everywhere");
    expect(stockKv.provider.doc.getMap("kv").has("huge")).toBe(false);
    // Awareness still reaches the stock client: the standard protocol is unchanged for it.
    ownerViewer.provider.awareness.setLocalStateField("user", { name: "owner" });
    await until(() => stockSession.provider.awareness.getStates().has(ownerViewer.provider.doc.clientID), "awareness at the stock client");

    expect(logged.filter((line) => line.includes("Unable to compute message"))).toEqual([]);
    expect(logged).toEqual([]);
    expect(stockKv.attempts.count + stockSession.attempts.count).toBe(2);
  });
});
