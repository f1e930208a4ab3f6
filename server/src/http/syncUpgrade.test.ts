import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { SessionId } from "@taiku/engine";
import { startTestServer, type TestServer } from "../testing/startTestServer";

let t: TestServer;
let owner: { token: string; userId: string };
let stranger: { token: string };
let sid: SessionId;

beforeAll(async () => {
  t = await startTestServer({ allowedOrigins: ["http://localhost:5173"] }, { stubRelay: true });
  owner = await t.signUp("owner");
  stranger = await t.signUp("stranger");
  sid = (await t.call("POST", "/api/sessions", { token: owner.token, body: { title: "s" } })).json.sessionId;
});
afterAll(() => t.stop());

function admitted(): Array<{ doc: string; peer: unknown }> {
  if (t.stub === undefined) throw new Error("started without the stub relay");
  return t.stub.admitted;
}

/** Opens a sync socket; resolves "open" or the HTTP status of the refusal. */
function tryConnect(path: string, headers: Record<string, string> = {}): Promise<"open" | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${t.url.replace("http", "ws")}${path}`, { headers });
    ws.on("open", () => {
      ws.close();
      resolve("open");
    });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on("error", () => resolve(-1));
  });
}

describe("sync admission", () => {
  it("admits a member to the session document and its KV documents, naming the peer to the relay", async () => {
    expect(await tryConnect(`/sync/sessions/${sid}?token=${owner.token}`)).toBe("open");
    expect(await tryConnect(`/sync/sessions/${sid}/kv/notes?token=${owner.token}`)).toBe("open");
    expect(admitted().slice(-2)).toEqual([
      { doc: `sessions/${sid}`, peer: { userId: owner.userId, name: "owner" } },
      { doc: `sessions/${sid}/kv/notes`, peer: { userId: owner.userId, name: "owner" } },
    ]);
  });

  it("refuses a missing or unknown token with 401", async () => {
    expect(await tryConnect(`/sync/sessions/${sid}`)).toBe(401);
    expect(await tryConnect(`/sync/sessions/${sid}?token=forged`)).toBe(401);
  });

  it("refuses a non-member with 403 and an unknown session with 404", async () => {
    const before = admitted().length;
    expect(await tryConnect(`/sync/sessions/${sid}?token=${stranger.token}`)).toBe(403);
    expect(await tryConnect(`/sync/sessions/${sid}/kv/notes?token=${stranger.token}`)).toBe(403);
    expect(await tryConnect(`/sync/sessions/nope?token=${owner.token}`)).toBe(404);
    expect(admitted().length).toBe(before);
  });

  it("refuses names that are not documents with 404", async () => {
    for (const name of ["other/thing", `sessions/${sid}/kv/Bad_Id`, `sessions/${sid}/extra`, `sessions/${sid}/kv/notes/x`, "sessions/..%2Fx"]) {
      expect(await tryConnect(`/sync/${name}?token=${owner.token}`), name).toBe(404);
    }
    expect(await tryConnect(`/elsewhere?token=${owner.token}`)).toBe(404);
  });

  it("refuses a browser upgrade from a foreign Origin with 403, and admits the server's own or an allowed origin", async () => {
    expect(await tryConnect(`/sync/sessions/${sid}?token=${owner.token}`, { origin: "https://evil.example" })).toBe(403);
    expect(await tryConnect(`/sync/sessions/${sid}?token=${owner.token}`, { origin: "null" })).toBe(403);
    expect(await tryConnect(`/sync/sessions/${sid}?token=${owner.token}`, { origin: t.url })).toBe("open");
    expect(await tryConnect(`/sync/sessions/${sid}?token=${owner.token}`, { origin: "http://localhost:5173" })).toBe("open");
  });

  it("closes the KV documents of an ended session to everyone", async () => {
    const ended = (await t.call("POST", "/api/sessions", { token: owner.token, body: { title: "done" } })).json.sessionId;
    await t.call("POST", `/api/sessions/${ended}/end`, { token: owner.token });
    expect(await tryConnect(`/sync/sessions/${ended}/kv/notes?token=${owner.token}`)).toBe(403);
  });
});
