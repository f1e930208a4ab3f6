import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { CloseCode, MESSAGE_AUTH } from "@taiku/engine";
import { createConfig, type TaikuConfig } from "./config";
import { createTaikuServer, type TaikuServer } from "./createTaikuServer";

let dataDir: string;
let config: TaikuConfig;
let server: TaikuServer;
let base: string;

async function start(): Promise<void> {
  server = await createTaikuServer({ config });
  const { port } = await server.listen();
  base = `http://127.0.0.1:${port}`;
}

async function call(method: string, route: string, token?: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(base + route, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function signUp(name: string): Promise<{ token: string; userId: string }> {
  await call("POST", "/api/users", undefined, { name, password: "long password" });
  return (await call("POST", "/api/login", undefined, { name, password: "long password" })).json;
}

function connect(room: string, token: string): { doc: Y.Doc; provider: WebsocketProvider; synced: Promise<void> } {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${base.replace("http", "ws")}/sync`, room, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
  });
  const synced = new Promise<void>((resolve) => provider.once("sync", () => resolve()));
  return { doc, provider, synced };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Calls `read` until `done` holds for its answer (5 s at most). */
async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "taiku-server-"));
  config = createConfig({ host: "127.0.0.1", port: 0, dataDir, logLevel: "silent", clientDir: path.join(dataDir, "no-client") });
  await start();
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the whole server, with the real relay and LevelDB", () => {
  it("a member syncs the session document, whose members map the server wrote; KV history shows their writes", async () => {
    const owner = await signUp("owner");
    const sid = (await call("POST", "/api/sessions", owner.token, { title: "live" })).json.sessionId;
    const session = connect(`sessions/${sid}`, owner.token);
    await session.synced;
    expect(session.doc.getMap("members").toJSON()).toEqual({ [owner.userId]: { name: "owner", role: "owner" } });

    const kv = connect(`sessions/${sid}/kv/notes`, owner.token);
    await kv.synced;
    kv.doc.getMap("kv").set("title", "first");
    kv.doc.getMap("kv").set("title", "second");
    const history = await poll(
      () => call("GET", `/api/sessions/${sid}/kv/notes/history?key=title`, owner.token),
      (h) => h.json.changes.length === 2,
    );
    expect(history.json.changes.map((c: { from?: unknown; to?: unknown; userName: string }) => [c.from, c.to, c.userName])).toEqual([
      [undefined, "first", "owner"],
      ["first", "second", "owner"],
    ]);

    const guest = await signUp("guest");
    const code = (await call("POST", `/api/sessions/${sid}/invites`, owner.token)).json.code;
    await call("POST", `/api/sessions/${sid}/join`, guest.token, { code });
    await until(() => session.doc.getMap("members").has(guest.userId));
    expect(session.doc.getMap("members").get(guest.userId)).toEqual({ name: "guest", role: "member" });

    session.provider.destroy();
    kv.provider.destroy();
  });

  it("keeps users, sessions and KV data across a graceful restart", async () => {
    const keeper = await signUp("keeper");
    const sid = (await call("POST", "/api/sessions", keeper.token, { title: "durable" })).json.sessionId;
    await call("PUT", "/api/user-kv/notes/pref", keeper.token, { value: 42 });
    const kv = connect(`sessions/${sid}/kv/notes`, keeper.token);
    await kv.synced;
    kv.doc.getMap("kv").set("saved", "yes");
    await new Promise((r) => setTimeout(r, 200));
    kv.provider.destroy();

    await server.close();
    await start();

    const info = await call("GET", `/api/sessions/${sid}`, keeper.token);
    expect(info.json.title).toBe("durable");
    expect((await call("GET", "/api/user-kv/notes/pref", keeper.token)).json.value).toBe(42);
    const again = connect(`sessions/${sid}/kv/notes`, keeper.token);
    await again.synced;
    expect(again.doc.getMap("kv").get("saved")).toBe("yes");
    again.provider.destroy();
  });

  it("refuses a non-member's and an anonymous sync socket before the relay sees it", async () => {
    const owner = await signUp("owner2");
    const outsider = await signUp("outsider");
    const sid = (await call("POST", "/api/sessions", owner.token, { title: "private" })).json.sessionId;
    // A refusal is in-protocol: an auth message, then a permanent close code; an admitted socket is sent sync.
    const outcomeOf = (url: string): Promise<number | "synced"> =>
      new Promise((resolve) => {
        const ws = new WebSocket(url);
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("message", (data: Buffer) => {
          if (data[0] !== MESSAGE_AUTH) {
            ws.close();
            resolve("synced");
          }
        });
        ws.on("close", (code) => resolve(code));
      });
    const wsBase = `${base.replace("http", "ws")}/sync/sessions/${sid}`;
    expect(await outcomeOf(`${wsBase}?token=${outsider.token}`)).toBe(CloseCode.PermissionDenied);
    expect(await outcomeOf(`${wsBase}/kv/notes?token=${outsider.token}`)).toBe(CloseCode.PermissionDenied);
    expect(await outcomeOf(wsBase)).toBe(CloseCode.Unauthenticated);
    expect(await outcomeOf(`${wsBase}?token=${owner.token}`)).toBe("synced");
  });

  it("serves the plugin manifest publicly", async () => {
    const response = await fetch(`${base}/plugins/manifest.json`);
    expect(response.status).toBe(200);
    const manifest = (await response.json()) as { plugins: unknown[] };
    expect(Array.isArray(manifest.plugins)).toBe(true);
  });
});
