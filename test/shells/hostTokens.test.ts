/**
 * Hosts need a host token (docs/security.md, "Hosts"): a member's own
 * socket that announces itself as a host is refused and is sent nothing
 * meant for hosts; a host token admits only its own session's document; a
 * revoked token's host is cut off and cannot come back; after a relay
 * restart no other host can claim a host's shell ids; the token routes
 * refuse bad input, strangers and members who may not revoke.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, type SessionEvent, type SessionId } from "@taiku/engine";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { openViewer, startShellsServer, until, type EventViewer, type ShellsServer } from "./shellsFixture";

let server: ShellsServer;
let ada: { token: string; userId: string };
let bob: { token: string; userId: string };
let carol: { token: string; userId: string };
let mallory: { token: string; userId: string };
const hosts: ShareHost[] = [];
/** What the server logged, one parsed JSON line each. */
const logged: { level: number; msg: string; user?: string; type?: string }[] = [];

/** A session owned by ada that bob and carol have joined. */
async function sharedSession(): Promise<SessionId> {
  const sessionId = await server.createSession(ada.token);
  for (const member of [bob, carol]) {
    const { code } = (await server.call("POST", `/api/sessions/${sessionId}/invites`, ada.token)).json as { code: string };
    expect((await server.call("POST", `/api/sessions/${sessionId}/join`, member.token, { code })).status).toBe(200);
  }
  return sessionId;
}

/** Sends a custom event from `from` and waits until `to` has it: everything the relay sent `to` before is in by then. */
async function flush(from: EventViewer, to: EventViewer): Promise<void> {
  const mark = `m${Math.random().toString(36).slice(2)}`;
  from.send({ type: "plugin:test.flush:mark", data: { mark }, ts: Date.now() });
  await to.waitFor((event) => event.type === "plugin:test.flush:mark" && (event.data as { mark?: string }).mark === mark);
}

const HOST_ONLY = new Set(["shell:open-request", "fs:request", "shell:input", "shell:resize", "shell:close-request", "host:welcome"]);

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line.trim() !== "") logged.push(JSON.parse(line));
      done();
    },
  });
  server = await startShellsServer(pino({ level: "info" }, sink));
  ada = await server.signUp("ada");
  bob = await server.signUp("bob");
  carol = await server.signUp("carol");
  mallory = await server.signUp("mallory");
});

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.close()));
  await server?.stop();
});

describe("hosts need a host token", () => {
  it("a member's socket announcing itself as a host is refused and receives no open requests, file requests or keystrokes", async () => {
    const sessionId = await sharedSession();
    const owner = openViewer(server.base, sessionId, ada.token);
    const rogue = openViewer(server.base, sessionId, bob.token);
    await Promise.all([owner.opened, rogue.opened]);

    rogue.send({ type: "host:hello", data: { fs: true, host: "root@trusted-laptop" }, ts: Date.now() });
    const refused = await rogue.waitFor((event) => event.type === "host:refused");
    expect(refused.data).toEqual({ type: "host:hello", message: expect.stringMatching(/host token/) });
    rogue.send({ type: "shell:open", data: { shellId: "sh-fake", title: "prod root shell", cwd: "/", host: "root@trusted-laptop", cols: 80, rows: 24 }, ts: Date.now() });
    await rogue.waitFor((event) => event.type === "host:refused" && event.data.type === "shell:open");

    owner.send({ type: "shell:open-request", data: {}, ts: Date.now() });
    owner.send({ type: "fs:request", data: { id: "w1", op: "write", path: "notes.txt", data: "the owner's secret notes" }, ts: Date.now() });
    owner.send({ type: "shell:input", data: { shellId: "sh-fake", data: "sudo password: hunter2\r" }, ts: Date.now() });
    const answer = await owner.waitFor((event) => event.type === "fs:response" && event.data.id === "w1");
    expect(answer.data).toMatchObject({ error: { code: "unavailable" } });
    await flush(owner, rogue);

    expect(rogue.events.filter((event) => HOST_ONLY.has(event.type))).toEqual([]);
    expect(JSON.stringify(rogue.events)).not.toMatch(/hunter2|secret notes/);
    expect(owner.events.some((event) => event.type === "shell:open")).toBe(false);
    expect(logged).toContainEqual(expect.objectContaining({ level: 40, user: bob.userId, type: "host:hello", msg: expect.stringMatching(/^refused a host message/) }));
    expect(logged).toContainEqual(expect.objectContaining({ level: 40, user: bob.userId, type: "shell:open" }));
    owner.close();
    rogue.close();
  });

  it("a host token admits only its own session's document, and a made-up one nothing", async () => {
    const sessionId = await sharedSession();
    const other = await sharedSession();
    const token = await server.hostToken(sessionId, bob.token);
    expect(await openViewer(server.base, other, token).closed).toBe(CloseCode.Unauthenticated);
    const kv = openViewer(server.base, `${sessionId}/kv/notes` as SessionId, token);
    expect(await kv.closed).toBe(CloseCode.PermissionDenied);
    const forged = `${token.slice(0, -4)}AAAA`;
    expect(await openViewer(server.base, sessionId, forged).closed).toBe(CloseCode.Unauthenticated);
    expect(await openViewer(server.base, sessionId, "taiku-host.nonsense").closed).toBe(CloseCode.Unauthenticated);

    const host = openViewer(server.base, sessionId, token);
    await host.opened;
    host.send({ type: "host:hello", data: { fs: false, host: "bob@laptop" }, ts: Date.now() });
    expect((await host.waitFor((event) => event.type === "host:welcome")).data).toEqual({ userId: bob.userId, name: "bob" });
    host.close();
  });

  it("revoking a host token disconnects its host, ends its shells, and the token no longer connects", async () => {
    const sessionId = await sharedSession();
    const token = await server.hostToken(sessionId, bob.token, { label: "bob's laptop" });
    const viewer = openViewer(server.base, sessionId, ada.token);
    await viewer.opened;
    const host = createShareHost({ server: server.base, token, sessionId, shell: "/bin/sh", hostName: "bob@laptop" });
    hosts.push(host);
    await host.ready;
    const shellId = [...host.shells.keys()][0] as string;
    await viewer.waitFor((event) => event.type === "shell:open" && event.data.shellId === shellId);

    const listed = await server.call("GET", `/api/sessions/${sessionId}/host-tokens`, carol.token);
    expect(listed.status).toBe(200);
    expect(listed.json.tokens).toEqual([
      expect.objectContaining({ label: "bob's laptop", createdBy: { userId: bob.userId, name: "bob" }, expired: false, hosts: [{ host: "bob@laptop", fs: false, shells: [shellId] }] }),
    ]);
    expect(JSON.stringify(listed.json)).not.toContain(token.split(".")[2]);
    const { tokenId } = listed.json.tokens[0] as { tokenId: string };
    expect(shellId.startsWith(`${tokenId}.`)).toBe(true);
    expect((await server.call("GET", `/api/sessions/${sessionId}/host-tokens`, mallory.token)).status).toBe(403);
    expect((await server.call("DELETE", `/api/sessions/${sessionId}/host-tokens/${tokenId}`, carol.token)).status).toBe(403);

    const closed = new Promise<{ code: number; reason: string }>((resolve) => host.provider.once("closed", resolve));
    const revoked = await server.call("DELETE", `/api/sessions/${sessionId}/host-tokens/${tokenId}`, ada.token);
    expect(revoked).toEqual({ status: 200, json: { revoked: true, disconnected: 1 } });
    expect(await closed).toEqual({ code: CloseCode.PermissionDenied, reason: "this host token was revoked" });
    await viewer.waitFor((event) => event.type === "shell:exit" && event.data.shellId === shellId);
    viewer.send({ type: "shell:input", data: { shellId, data: "echo still-here\r" }, ts: Date.now() });

    expect(await openViewer(server.base, sessionId, token).closed).toBe(CloseCode.Unauthenticated);
    const check = await server.call("POST", `/api/sessions/${sessionId}/host-tokens/check`, undefined, { token });
    expect(check.status).toBe(401);
    expect(check.json.error.message).toMatch(/revoked/);
    expect((await server.call("GET", `/api/sessions/${sessionId}/host-tokens`, ada.token)).json.tokens).toEqual([]);
    let status: string | undefined;
    await until(() => {
      void server.server.services.relay
        .read(`sessions/${sessionId}` as never, (doc) => (doc.getMap("shells").get(shellId) as { status?: string } | undefined)?.status)
        .then((value) => (status = value));
      return status === "closed";
    }, 5000, "the revoked host's shell closed");
    viewer.close();
  }, 20_000);

  it("after a relay restart another host cannot claim the first host's shell ids", async () => {
    const sessionId = await sharedSession();
    const first = createShareHost({ server: server.base, token: await server.hostToken(sessionId, ada.token), sessionId, shell: "/bin/sh", hostName: "ada@desk" });
    await first.ready;
    const shellId = [...first.shells.keys()][0] as string;
    await until(() => first.provider.synced, 5000, "first host synced");
    await server.restart(() => first.close());

    const viewer = openViewer(server.base, sessionId, ada.token);
    const second = openViewer(server.base, sessionId, await server.hostToken(sessionId, bob.token));
    await Promise.all([viewer.opened, second.opened]);
    second.send({ type: "host:hello", data: { fs: false, host: "bob@elsewhere" }, ts: Date.now() });
    await second.waitFor((event) => event.type === "host:welcome");
    second.send({ type: "shell:open", data: { shellId, title: "sh", cwd: "/", host: "ada@desk", cols: 80, rows: 24 }, ts: Date.now() });
    const refused = await second.waitFor((event) => event.type === "host:refused");
    expect(refused.data).toEqual({ type: "shell:open", message: expect.stringMatching(/shell ids start with [0-9a-f]{16}\./) });

    viewer.send({ type: "shell:input", data: { shellId, data: "sudo password: hunter2\r" }, ts: Date.now() });
    await flush(viewer, second);
    expect(second.events.some((event: SessionEvent) => event.type === "shell:input")).toBe(false);
    expect(viewer.events.some((event) => event.type === "shell:open")).toBe(false);
    viewer.close();
    second.close();
  }, 20_000);

  it("the token routes refuse bad input, strangers and anonymous callers, and a token is shown only when created", async () => {
    const sessionId = await sharedSession();
    const route = `/api/sessions/${sessionId}/host-tokens`;
    for (const bad of [{ label: 5 }, { ttlHours: 0 }, { ttlHours: 169 }, { ttlHours: 1.5 }, { label: "x".repeat(81) }, { label: "a\u0007b" }, { extra: true }]) {
      expect((await server.call("POST", route, bob.token, bad)).status).toBe(400);
    }
    expect((await server.call("POST", route, undefined, {})).status).toBe(401);
    expect((await server.call("POST", route, mallory.token, {})).status).toBe(403);
    expect((await server.call("GET", route, ada.token)).json.tokens).toEqual([]);

    const created = await server.call("POST", route, bob.token, {});
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ label: "taiku share", createdBy: { userId: bob.userId, name: "bob" }, token: expect.stringMatching(/^taiku-host\.[0-9a-f]{16}\./) });
    expect(created.json.expiresAt - created.json.createdAt).toBe(24 * 60 * 60 * 1000);
    expect((await server.call("GET", route, ada.token)).json.tokens[0]).not.toHaveProperty("token");
    expect((await server.call("DELETE", `${route}/0123456789abcdef`, ada.token)).status).toBe(404);
    expect((await server.call("DELETE", `${route}/not-an-id`, ada.token)).status).toBe(400);
    expect((await server.call("POST", `${route}/check`, undefined, { token: "a-login-token" })).status).toBe(401);
    expect((await server.call("POST", `${route}/check`, undefined, { token: created.json.token })).json).toMatchObject({ tokenId: created.json.tokenId });
    // A host token is no login: the API refuses it.
    expect((await server.call("GET", `/api/sessions/${sessionId}`, created.json.token)).status).toBe(401);
    expect((await server.call("POST", route, created.json.token, {})).status).toBe(401);
    // Bob, who created it, may revoke it himself.
    expect((await server.call("DELETE", `${route}/${created.json.tokenId}`, bob.token)).status).toBe(200);
  });
});
