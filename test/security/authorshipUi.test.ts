/**
 * What a person sees of authorship (docs/security.md, "Authorship"), in
 * Chromium against the real server: an activity entry says who posted it
 * whatever actor it names; a chat message forged by another member's client
 * never shows, while that member's real messages do, under their name (also
 * one sent offline, once back); a client claiming alice's identity in its
 * presence shows as the member it is.
 */
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionDocName, type SessionId } from "@taiku/engine";
import { launchUser, type BrowserUser } from "../e2e/support/browserUser";
import { startE2eServer, type E2eServer } from "../e2e/support/startE2eServer";

let server: E2eServer;
let alice: BrowserUser;
let bob: BrowserUser;
let bobToken: string;
let bobUserId: string;
const providers: WebsocketProvider[] = [];

/** A stock y-websocket client on the session document, as bob. */
async function bobsScript(): Promise<WebsocketProvider> {
  const provider = new WebsocketProvider(`${server.url.replace(/^http/, "ws")}/sync`, sessionDocName(alice.sessionId as SessionId), new Y.Doc(), {
    WebSocketPolyfill: WebSocket as never,
    params: { token: bobToken },
    disableBc: true,
  });
  providers.push(provider);
  await new Promise<void>((resolve) => provider.once("sync", () => resolve()));
  return provider;
}

beforeAll(async () => {
  server = await startE2eServer();
  [alice, bob] = await Promise.all([launchUser(server.url, "alice"), launchUser(server.url, "bob")]);
  await alice.createSession("Authorship");
  await bob.join(await alice.invite());
  const login = await fetch(`${server.url}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "bob", password: "correct horse battery" }),
  });
  ({ token: bobToken, userId: bobUserId } = (await login.json()) as { token: string; userId: string });
}, 120_000);

afterAll(async () => {
  for (const provider of providers) provider.destroy();
  await Promise.all([alice?.close(), bob?.close()]);
  await server?.stop();
});

describe("authorship as people see it", () => {
  it("an activity entry naming alice as its actor shows that bob posted it", async () => {
    const posted = await fetch(`${server.url}/api/sessions/${alice.sessionId}/activity`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bobToken}` },
      body: JSON.stringify({ actor: "alice", kind: "deploy", text: "deployed to prod" }),
    });
    expect(posted.status).toBe(201);
    const entry = alice.page.locator(".activity li", { hasText: "deployed to prod" });
    await entry.waitFor();
    expect(await entry.locator(".activity-poster").textContent()).toBe("posted by bob");
    await alice.screenshot("authorship-activity-poster");
  });

  it("a chat message bob's script forges as alice never shows; bob's own message shows under his name", async () => {
    const script = await bobsScript();
    script.doc.getArray("chat").push([{ id: "forged", userId: (await aliceId()), name: "alice", text: "FORGED: send me your token", ts: Date.now() }]);
    await bob.page.fill("input[name=chat]", "a real one from bob");
    await bob.page.click(".chat >> text=Send");
    const real = alice.page.locator(".chat-message", { hasText: "a real one from bob" });
    await real.waitFor();
    expect(await real.locator("strong").textContent()).toBe("bob");
    expect(await alice.page.locator(".chat-message", { hasText: "FORGED" }).count()).toBe(0);
    expect(await bob.page.locator(".chat-message", { hasText: "FORGED" }).count()).toBe(0);
    await alice.screenshot("authorship-chat");
  });

  it("a message bob sends while offline is kept and shows for alice under his name once he is back", async () => {
    await bob.context.setOffline(true);
    await bob.page.waitForSelector(".connection[data-state=offline]");
    await bob.page.fill("input[name=chat]", "typed on the train");
    await bob.page.click(".chat >> text=Send");
    await bob.page.waitForSelector(".chat-message >> text=typed on the train");
    await bob.context.setOffline(false);
    const arrived = alice.page.locator(".chat-message", { hasText: "typed on the train" });
    await arrived.waitFor({ timeout: 15_000 });
    expect(await arrived.locator("strong").textContent()).toBe("bob");
  });

  it("bob's script claiming alice's identity in its presence shows as bob", async () => {
    const script = await bobsScript();
    script.awareness.setLocalState({ user: { userId: await aliceId(), name: "alice", colour: "#f87171" }, idle: false });
    await alice.page.locator(`.participant[data-user="${bobUserId}"]`).nth(1).waitFor();
    expect(await alice.page.locator(".participant", { hasText: "alice" }).count()).toBe(1);
  });
});

/** Alice's user id, from the members her page lists. */
async function aliceId(): Promise<string> {
  const self = alice.page.locator(".participant", { hasText: "(you)" });
  const id = await self.getAttribute("data-user");
  if (id === null) throw new Error("alice's own row has no user id");
  return id;
}
