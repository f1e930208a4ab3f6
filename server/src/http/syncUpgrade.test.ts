import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CloseCode, decodePermissionDenied, type SessionId } from "@taiku/engine";
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

/**
 * Opens a sync socket. Resolves "open" when the relay was handed it; for a
 * refusal, the close code, after checking the refusal came in-protocol
 * first (y-protocols' auth permission-denied); an HTTP refusal resolves
 * `http <status>`.
 */
function tryConnect(path: string, headers: Record<string, string> = {}): Promise<"open" | number | string> {
  const before = admitted().length;
  return new Promise((resolve) => {
    const ws = new WebSocket(`${t.url.replace("http", "ws")}${path}`, { headers });
    const frames: Uint8Array[] = [];
    ws.on("open", () => {
      if (admitted().length === before) return;
      ws.close();
      resolve("open");
    });
    ws.on("message", (data: Buffer) => frames.push(new Uint8Array(data)));
    ws.on("close", (code, reason) => {
      if (admitted().length > before) return;
      const denied = frames.length === 1 ? decodePermissionDenied(frames[0]!) : { error: `${frames.length} frames` };
      resolve("reason" in denied && denied.reason === reason.toString() ? code : `no permission-denied before ${code}: ${JSON.stringify(denied)}`);
    });
    ws.on("unexpected-response", (_req, res) => {
      resolve(`http ${res.statusCode ?? 0}`);
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

  it("refuses a missing or unknown token in-protocol, closing with 4401", async () => {
    expect(await tryConnect(`/sync/sessions/${sid}`)).toBe(CloseCode.Unauthenticated);
    expect(await tryConnect(`/sync/sessions/${sid}?token=forged`)).toBe(CloseCode.Unauthenticated);
  });

  it("refuses a non-member with 4403 and an unknown session with 4404, in-protocol", async () => {
    const before = admitted().length;
    expect(await tryConnect(`/sync/sessions/${sid}?token=${stranger.token}`)).toBe(CloseCode.PermissionDenied);
    expect(await tryConnect(`/sync/sessions/${sid}/kv/notes?token=${stranger.token}`)).toBe(CloseCode.PermissionDenied);
    expect(await tryConnect(`/sync/sessions/nope?token=${owner.token}`)).toBe(CloseCode.DocumentNotFound);
    expect(admitted().length).toBe(before);
  });

  it("refuses names that are not documents in-protocol with 4404, and anything outside /sync/ with HTTP 404", async () => {
    for (const name of ["other/thing", `sessions/${sid}/kv/Bad_Id`, `sessions/${sid}/extra`, `sessions/${sid}/kv/notes/x`, "sessions/..%2Fx"]) {
      expect(await tryConnect(`/sync/${name}?token=${owner.token}`), name).toBe(CloseCode.DocumentNotFound);
    }
    expect(await tryConnect(`/elsewhere?token=${owner.token}`)).toBe("http 404");
  });

  it("refuses a browser upgrade from a foreign Origin with 4403, and admits the server's own or an allowed origin", async () => {
    expect(await tryConnect(`/sync/sessions/${sid}?token=${owner.token}`, { origin: "https://evil.example" })).toBe(CloseCode.PermissionDenied);
    expect(await tryConnect(`/sync/sessions/${sid}?token=${owner.token}`, { origin: "null" })).toBe(CloseCode.PermissionDenied);
    expect(await tryConnect(`/sync/sessions/${sid}?token=${owner.token}`, { origin: t.url })).toBe("open");
    expect(await tryConnect(`/sync/sessions/${sid}?token=${owner.token}`, { origin: "http://localhost:5173" })).toBe("open");
  });

  it("refuses the KV documents of an ended session to everyone with 4410", async () => {
    const ended = (await t.call("POST", "/api/sessions", { token: owner.token, body: { title: "done" } })).json.sessionId;
    await t.call("POST", `/api/sessions/${ended}/end`, { token: owner.token });
    expect(await tryConnect(`/sync/sessions/${ended}/kv/notes?token=${owner.token}`)).toBe(CloseCode.SessionEnded);
  });

  it("refuses an extension version it does not speak with 4400, and admits the current one", async () => {
    expect(await tryConnect(`/sync/sessions/${sid}?token=${owner.token}&taiku=99`)).toBe(CloseCode.ProtocolViolation);
    expect(await tryConnect(`/sync/sessions/${sid}?token=${owner.token}&taiku=1`)).toBe("open");
  });
});
