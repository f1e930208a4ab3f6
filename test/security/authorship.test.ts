/**
 * The server vouches for who said what (docs/security.md, "Authorship"):
 * a chat entry stands only under its sender's id and name, and only its
 * author or the session owner deletes it; agent activity and the shells
 * list are written by the server only. A member's client that writes
 * otherwise (a forged entry, an edit or delete of someone else's) is
 * compensated, so no other replica ever shows it and the writer's replica
 * converges back; the chat and activity routes record the authenticated
 * caller.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { startShellsServer, until, type ShellsServer } from "../shells/shellsFixture";
import { chatTexts, converged, relayView, sharedSession, stockClient, type Member, type StockClient } from "./authorshipFixture";

let server: ShellsServer;
let alice: Member;
let bob: Member;
let carol: Member;
let stranger: Member;
const clients: StockClient[] = [];
const hosts: ShareHost[] = [];

async function client(sessionId: Parameters<typeof stockClient>[1], member: Member): Promise<StockClient> {
  const created = await stockClient(server, sessionId, member.token);
  clients.push(created);
  return created;
}

beforeAll(async () => {
  server = await startShellsServer();
  alice = await server.signUp("alice");
  bob = await server.signUp("bob");
  carol = await server.signUp("carol");
  stranger = await server.signUp("stranger");
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all(hosts.map((host) => host.close()));
  await server?.stop();
});

describe("chat is written by the server", () => {
  it("a chat message is posted as the caller: its author is the member who sent it", async () => {
    const sessionId = await sharedSession(server, alice, [bob]);
    const watcher = await client(sessionId, bob);
    const posted = await server.call("POST", `/api/sessions/${sessionId}/chat`, alice.token, { text: "  hello from alice  " });
    expect(posted.status).toBe(201);
    expect(posted.json).toMatchObject({ userId: alice.userId, name: "alice", text: "hello from alice" });
    await until(() => chatTexts(watcher.doc).includes("hello from alice"), 8000, "the message reaches bob");
    expect(watcher.doc.getArray("chat").get(0)).toEqual(posted.json);
  });

  it("bob forging a chat entry as alice is reverted: no other replica shows it, and bob's replica converges", async () => {
    const sessionId = await sharedSession(server, alice, [bob, carol]);
    await server.call("POST", `/api/sessions/${sessionId}/chat`, alice.token, { text: "real message" });
    const forger = await client(sessionId, bob);
    const witness = await client(sessionId, carol);
    await until(() => chatTexts(witness.doc).length === 1 && chatTexts(forger.doc).length === 1, 8000, "both hold the real message");

    forger.doc.getArray("chat").push([{ id: "forged-1", userId: alice.userId, name: "alice", text: "FORGED: please send me your token", ts: Date.now() }]);
    await converged(server, sessionId, [forger, witness], "chat");

    expect(chatTexts(forger.doc)).toEqual(["real message"]);
    expect(chatTexts(witness.doc)).toEqual(["real message"]);
    expect((await relayView(server, sessionId)).chat).toHaveLength(1);
    expect([...witness.seen].some((entry) => entry.includes("FORGED"))).toBe(false);
  });

  it("bob's own message written into the document is kept, but not under alice's name", async () => {
    const sessionId = await sharedSession(server, alice, [bob, carol]);
    const writer = await client(sessionId, bob);
    const witness = await client(sessionId, carol);
    writer.doc.getArray("chat").push([{ id: "b1", userId: bob.userId, name: "bob", text: "bob says hi", ts: Date.now() }]);
    await until(() => chatTexts(witness.doc).includes("bob says hi"), 8000, "bob's message reaches carol");
    writer.doc.getArray("chat").push([{ id: "b2", userId: bob.userId, name: "alice", text: "FORGED name", ts: Date.now() }]);
    writer.doc.getArray("chat").push([{ id: "b3", userId: bob.userId, name: "bob", text: "FORGED shape" }]);
    await converged(server, sessionId, [writer, witness], "chat");
    expect(chatTexts(witness.doc)).toEqual(["bob says hi"]);
    expect(chatTexts(writer.doc)).toEqual(["bob says hi"]);
    expect([...witness.seen].some((entry) => entry.includes("FORGED"))).toBe(false);
  });

  it("bob cannot edit or delete alice's message through the document or the route; alice and the owner can delete", async () => {
    const sessionId = await sharedSession(server, carol, [alice, bob]);
    const original = (await server.call("POST", `/api/sessions/${sessionId}/chat`, alice.token, { text: "alice's words" })).json as { id: string };
    const forger = await client(sessionId, bob);
    const witness = await client(sessionId, alice);
    await until(() => chatTexts(forger.doc).length === 1 && chatTexts(witness.doc).length === 1, 8000, "both hold alice's message");

    // An edit: replace alice's entry with one saying something else.
    const chat = forger.doc.getArray("chat");
    forger.doc.transact(() => {
      chat.delete(0, 1);
      chat.insert(0, [{ ...(original as object), text: "alice's words, edited by bob" }]);
    });
    await converged(server, sessionId, [forger, witness], "chat");
    expect(chatTexts(witness.doc)).toEqual(["alice's words"]);
    // A delete.
    forger.doc.getArray("chat").delete(0, 1);
    await converged(server, sessionId, [forger, witness], "chat");
    expect(chatTexts(forger.doc)).toEqual(["alice's words"]);
    expect([...witness.seen].some((entry) => entry.includes("edited by bob"))).toBe(false);

    // The route: bob may not delete alice's message; alice (its author) may, and the owner may delete anyone's.
    const refused = await server.call("DELETE", `/api/sessions/${sessionId}/chat/${original.id}`, bob.token);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/author, or the session owner/);
    expect(chatTexts(witness.doc)).toEqual(["alice's words"]);
    expect((await server.call("DELETE", `/api/sessions/${sessionId}/chat/${original.id}`, alice.token)).status).toBe(200);
    await until(() => chatTexts(witness.doc).length === 0, 8000, "alice's message deleted");
    const bobs = (await server.call("POST", `/api/sessions/${sessionId}/chat`, bob.token, { text: "bob's spam" })).json as { id: string };
    expect((await server.call("DELETE", `/api/sessions/${sessionId}/chat/${bobs.id}`, carol.token)).status).toBe(200);
    await converged(server, sessionId, [forger, witness], "chat");
    expect(chatTexts(forger.doc)).toEqual([]);

    // Through the document: bob may delete his own message, and the owner anyone's.
    await server.call("POST", `/api/sessions/${sessionId}/chat`, bob.token, { text: "bob's second thought" });
    await server.call("POST", `/api/sessions/${sessionId}/chat`, alice.token, { text: "alice again" });
    const moderator = await client(sessionId, carol);
    await until(() => chatTexts(forger.doc).length === 2 && chatTexts(moderator.doc).length === 2, 8000, "two messages everywhere");
    forger.doc.getArray("chat").delete(0, 1);
    await converged(server, sessionId, [forger, witness, moderator], "chat");
    expect(chatTexts(witness.doc)).toEqual(["alice again"]);
    moderator.doc.getArray("chat").delete(0, 1);
    await converged(server, sessionId, [forger, witness, moderator], "chat");
    expect(chatTexts(witness.doc)).toEqual([]);
  });

  it("the chat routes refuse bad input, strangers and anonymous callers, and change nothing", async () => {
    const sessionId = await sharedSession(server, alice, [bob]);
    const route = `/api/sessions/${sessionId}/chat`;
    for (const body of [{}, { text: "" }, { text: "   " }, { text: "x".repeat(8001) }, { text: 5 }, { text: "hi", userId: alice.userId }, { text: "hi", name: "alice" }]) {
      const answer = await server.call("POST", route, bob.token, body);
      expect(answer.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(answer.json.error.code).toBe("invalid_params");
    }
    expect((await server.call("POST", route, stranger.token, { text: "hi" })).status).toBe(403);
    expect((await server.call("POST", route, undefined, { text: "hi" })).status).toBe(401);
    expect((await server.call("DELETE", `${route}/no-such-message`, alice.token)).status).toBe(404);
    expect((await server.call("DELETE", `${route}/whatever`, stranger.token)).status).toBe(403);
    expect((await relayView(server, sessionId)).chat).toEqual([]);
  });
});

describe("agent activity is attributable", () => {
  it("the activity route records the poster beside the actor the poster names", async () => {
    const sessionId = await sharedSession(server, alice, [bob]);
    const posted = await server.call("POST", `/api/sessions/${sessionId}/activity`, bob.token, { actor: "alice", kind: "deploy", text: "deployed to prod" });
    expect(posted.status).toBe(201);
    expect(posted.json).toMatchObject({ actor: "alice", poster: { userId: bob.userId, name: "bob" } });
    expect((await relayView(server, sessionId)).activity).toEqual([posted.json]);
    for (const body of [{ actor: "a", kind: "k", text: "t", poster: { userId: alice.userId, name: "alice" } }]) {
      expect((await server.call("POST", `/api/sessions/${sessionId}/activity`, bob.token, body)).status).toBe(400);
    }
    expect((await relayView(server, sessionId)).activity).toHaveLength(1);
  });

  it("a fake activity entry written into the document by a member is reverted for everyone", async () => {
    const sessionId = await sharedSession(server, alice, [bob, carol]);
    const forger = await client(sessionId, bob);
    const witness = await client(sessionId, carol);
    let witnessSawIt = false;
    witness.doc.getArray("activity").observe(() => {
      if (JSON.stringify(witness.doc.getArray("activity").toJSON()).includes("FAKE")) witnessSawIt = true;
    });
    forger.doc.getArray("activity").push([{ id: "x", actor: "alice", kind: "deploy", text: "FAKE: rotated the prod keys", ts: Date.now(), poster: { userId: alice.userId, name: "alice" } }]);
    await converged(server, sessionId, [forger, witness], "activity");
    expect(forger.doc.getArray("activity").length).toBe(0);
    expect(witnessSawIt).toBe(false);
  });
});

describe("the shells list is written by the server", () => {
  it("a member's fake shell entry never appears, a real shell cannot be relabelled, and the host's shell is listed by the relay", async () => {
    const sessionId = await sharedSession(server, alice, [bob, carol]);
    const host = createShareHost({ server: server.base, token: await server.hostToken(sessionId, alice.token), sessionId, shell: "/bin/sh", hostName: "alice@laptop" });
    hosts.push(host);
    await host.ready;
    const shellId = [...host.shells.keys()][0] as string;
    const forger = await client(sessionId, bob);
    const witness = await client(sessionId, carol);
    await until(() => witness.doc.getMap("shells").has(shellId) && forger.doc.getMap("shells").has(shellId), 8000, "the real shell listed");
    expect(witness.doc.getMap("shells").get(shellId)).toMatchObject({ id: shellId, host: "alice@laptop", status: "running" });

    const real = forger.doc.getMap("shells").get(shellId) as Record<string, unknown>;
    forger.doc.getMap("shells").set("sh-fake", { id: "sh-fake", title: "prod root shell", cwd: "/", host: "root@prod", status: "running" });
    forger.doc.getMap("shells").set(shellId, { ...real, title: "prod root shell", host: "root@prod" });
    await converged(server, sessionId, [forger, witness], "shells");

    expect([...witness.doc.getMap("shells").keys()]).toEqual([shellId]);
    expect(witness.doc.getMap("shells").get(shellId)).toEqual(real);
    expect([...witness.seen].some((entry) => entry.includes("prod root shell"))).toBe(false);
  });
});
