import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { kvDocName, sessionDocName, type DocName, type PluginId, type SessionId } from "@taiku/engine";
import { startTestServer, type TestServer } from "../../testing/startTestServer";

let t: TestServer;
let owner: { token: string; userId: string };
let guest: { token: string; userId: string };
let stranger: { token: string; userId: string };

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.signUp("owner");
  guest = await t.signUp("guest");
  stranger = await t.signUp("stranger");
});
afterAll(() => t.stop());

async function createSession(title = "pairing"): Promise<SessionId> {
  const created = await t.call("POST", "/api/sessions", { token: owner.token, body: { title } });
  expect(created.status).toBe(201);
  return created.json.sessionId as SessionId;
}

async function invite(sid: SessionId): Promise<string> {
  const answer = await t.call("POST", `/api/sessions/${sid}/invites`, { token: owner.token });
  expect(answer.status).toBe(200);
  return answer.json.code as string;
}

/** A top-level map of the session document, as the relay holds it. */
function sessionMap(sid: SessionId, name: "members" | "plugins" | "lifecycle"): Promise<Record<string, unknown>> {
  return t.relay.read(sessionDocName(sid), (doc) => doc.getMap(name).toJSON());
}

/** Gives the session a KV document with one entry, through the relay. */
async function writeKv(sid: SessionId): Promise<void> {
  await t.relay.transact(kvDocName(sid, "notes" as PluginId), (doc) => doc.getMap("kv").set("k", "v"));
}

/** The session's KV documents that have events in the store. */
function kvDocs(sid: SessionId): Promise<string[]> {
  return t.events.listDocs(`sessions/${sid}/kv/`);
}

describe("sessions", () => {
  it("creates a session owned by the caller, lists it, and shows its info with member names", async () => {
    const sid = await createSession("design review");
    const list = await t.call("GET", "/api/sessions", { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.json.sessions).toContainEqual(expect.objectContaining({ sessionId: sid, title: "design review", ownerId: owner.userId, ended: false }));
    const info = await t.call("GET", `/api/sessions/${sid}`, { token: owner.token });
    expect(info.status).toBe(200);
    expect(info.json).toEqual({
      sessionId: sid,
      title: "design review",
      ownerId: owner.userId,
      createdAt: expect.any(String),
      ended: false,
      members: [{ userId: owner.userId, name: "owner", role: "owner" }],
      plugins: [],
    });
  });

  it("writes the owner into the session document's members map", async () => {
    const sid = await createSession();
    expect(await sessionMap(sid, "members")).toEqual({ [owner.userId]: { name: "owner", role: "owner" } });
  });

  it("lets an invited user join, after which they see the session and appear in the members map", async () => {
    const sid = await createSession();
    const code = await invite(sid);
    const joined = await t.call("POST", `/api/sessions/${sid}/join`, { token: guest.token, body: { code } });
    expect(joined.status).toBe(200);
    expect(joined.json.members).toContainEqual({ userId: guest.userId, name: "guest", role: "member" });
    const list = await t.call("GET", "/api/sessions", { token: guest.token });
    expect(list.json.sessions.map((s: { sessionId: string }) => s.sessionId)).toContain(sid);
    expect((await sessionMap(sid, "members"))[guest.userId]).toEqual({ name: "guest", role: "member" });
  });

  it("refuses a wrong invite code, and a code for another session, with 404", async () => {
    const sid = await createSession();
    const other = await createSession();
    const otherCode = await invite(other);
    for (const code of ["nonsense", otherCode]) {
      const answer = await t.call("POST", `/api/sessions/${sid}/join`, { token: stranger.token, body: { code } });
      expect(answer.status).toBe(404);
    }
    const info = await t.call("GET", `/api/sessions/${sid}`, { token: stranger.token });
    expect(info.status).toBe(403);
  });

  it("keeps a session from non-members and anonymous callers on every session route", async () => {
    const sid = await createSession();
    await writeKv(sid);
    const routes: Array<[string, string, unknown?]> = [
      ["GET", `/api/sessions/${sid}`],
      ["POST", `/api/sessions/${sid}/invites`],
      ["POST", `/api/sessions/${sid}/end`],
      ["GET", `/api/sessions/${sid}/plugins/notes`],
      ["PUT", `/api/sessions/${sid}/plugins/notes`],
      ["DELETE", `/api/sessions/${sid}/plugins/notes`],
      ["GET", `/api/sessions/${sid}/kv/notes/history?key=title`],
    ];
    for (const [method, route] of routes) {
      const anonymous = await t.call(method, route);
      expect(anonymous.status, `${method} ${route} anonymous`).toBe(401);
      const outsider = await t.call(method, route, { token: stranger.token });
      expect(outsider.status, `${method} ${route} outsider`).toBe(403);
      expect(outsider.json.error.code).toBe("permission_denied");
    }
    const list = await t.call("GET", "/api/sessions", { token: stranger.token });
    expect(list.json.sessions.map((s: { sessionId: string }) => s.sessionId)).not.toContain(sid);
    expect(await kvDocs(sid)).toEqual([`sessions/${sid}/kv/notes`]);
  });

  it("answers 404 for a session that does not exist and 400 for a malformed session id", async () => {
    const missing = await t.call("GET", "/api/sessions/doesNotExist", { token: owner.token });
    expect(missing.status).toBe(404);
    const malformed = await t.call("GET", `/api/sessions/${encodeURIComponent("bad id!")}`, { token: owner.token });
    expect(malformed.status).toBe(400);
  });

  it("lets only the owner invite, end the session and change its plugins", async () => {
    const sid = await createSession();
    await writeKv(sid);
    await t.call("POST", `/api/sessions/${sid}/join`, { token: guest.token, body: { code: await invite(sid) } });
    for (const [method, route] of [
      ["POST", `/api/sessions/${sid}/invites`],
      ["POST", `/api/sessions/${sid}/end`],
      ["PUT", `/api/sessions/${sid}/plugins/notes`],
      ["DELETE", `/api/sessions/${sid}/plugins/notes`],
    ] as const) {
      const answer = await t.call(method, route, { token: guest.token });
      expect(answer.status, `${method} ${route}`).toBe(403);
    }
    expect(await kvDocs(sid)).toHaveLength(1);
    expect(await sessionMap(sid, "plugins")).toEqual({});
    expect(await sessionMap(sid, "lifecycle")).toEqual({});
  });

  it("ends a session: the relay deletes its KV documents, info shows it ended, joining is refused", async () => {
    const sid = await createSession();
    const code = await invite(sid);
    await writeKv(sid);
    expect(await kvDocs(sid)).toHaveLength(1);
    const ended = await t.call("POST", `/api/sessions/${sid}/end`, { token: owner.token });
    expect(ended.status).toBe(200);
    expect(ended.json.ended).toBe(true);
    expect(await kvDocs(sid)).toEqual([]);
    expect(await sessionMap(sid, "lifecycle")).toEqual({ ended: { at: expect.any(Number), by: owner.userId } });
    const info = await t.call("GET", `/api/sessions/${sid}`, { token: owner.token });
    expect(info.json.ended).toBe(true);
    const join = await t.call("POST", `/api/sessions/${sid}/join`, { token: guest.token, body: { code } });
    expect(join.status).toBe(403);
  });

  it("rejects a create with a missing or empty title with 400 and creates nothing", async () => {
    const before = await t.call("GET", "/api/sessions", { token: stranger.token });
    for (const body of [{}, { title: "" }, { title: 7 }]) {
      const answer = await t.call("POST", "/api/sessions", { token: stranger.token, body });
      expect(answer.status).toBe(400);
    }
    const after = await t.call("GET", "/api/sessions", { token: stranger.token });
    expect(after.json.sessions).toEqual(before.json.sessions);
  });
});

describe("session-managed plugins", () => {
  it("the owner enables and disables a plugin; members read it; the session document mirrors it", async () => {
    const sid = await createSession();
    await t.call("POST", `/api/sessions/${sid}/join`, { token: guest.token, body: { code: await invite(sid) } });
    const off = await t.call("GET", `/api/sessions/${sid}/plugins/notes`, { token: guest.token });
    expect(off.json).toEqual({ pluginId: "notes", enabled: false });
    const on = await t.call("PUT", `/api/sessions/${sid}/plugins/notes`, { token: owner.token });
    expect(on.status).toBe(200);
    expect(on.json).toEqual({ pluginId: "notes", enabled: true, enabledBy: owner.userId, enabledAt: expect.any(String) });
    const seen = await t.call("GET", `/api/sessions/${sid}/plugins/notes`, { token: guest.token });
    expect(seen.json.enabled).toBe(true);
    expect((await t.call("GET", `/api/sessions/${sid}`, { token: guest.token })).json.plugins).toEqual(["notes"]);
    expect((await sessionMap(sid, "plugins")).notes).toEqual({ enabledBy: owner.userId, enabledAt: on.json.enabledAt });
    const removed = await t.call("DELETE", `/api/sessions/${sid}/plugins/notes`, { token: owner.token });
    expect(removed.json.enabled).toBe(false);
    expect(await sessionMap(sid, "plugins")).toEqual({});
  });

  it("refuses a malformed plugin id with 400", async () => {
    const sid = await createSession();
    const answer = await t.call("PUT", `/api/sessions/${sid}/plugins/Not_A_Plugin`, { token: owner.token });
    expect(answer.status).toBe(400);
    expect(await sessionMap(sid, "plugins")).toEqual({});
  });
});

describe("KV history", () => {
  it("lists who set a key, when, and from what to what, from the event log", async () => {
    const sid = await createSession();
    const doc = kvDocName(sid, "notes" as PluginId) as DocName;
    const replica = new Y.Doc();
    const updates: Uint8Array[] = [];
    replica.on("update", (update: Uint8Array) => updates.push(update));
    replica.getMap("kv").set("title", "draft");
    replica.getMap("kv").set("other", 1);
    replica.getMap("kv").set("title", "final");
    await t.events.append(
      doc,
      updates.map((update, i) => ({ doc, update, origin: { userId: owner.userId as never, connection: "c1" }, ts: 1000 + i, kind: "update" as const })),
    );
    const answer = await t.call("GET", `/api/sessions/${sid}/kv/notes/history?key=title`, { token: owner.token });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      key: "title",
      historyStartsAt: 1,
      changes: [
        { seq: 1, ts: 1000, kind: "update", userId: owner.userId, userName: "owner", to: "draft", superseded: false, supersededBy: null },
        { seq: 3, ts: 1002, kind: "update", userId: owner.userId, userName: "owner", from: "draft", to: "final", superseded: false, supersededBy: null },
      ],
    });
  });

  it("requires the key parameter", async () => {
    const sid = await createSession();
    const answer = await t.call("GET", `/api/sessions/${sid}/kv/notes/history`, { token: owner.token });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(/key/);
  });
});
