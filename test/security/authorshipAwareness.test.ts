/**
 * Presence is vouched for by the relay (docs/security.md, "Authorship"):
 * whatever user id and name a client puts in its awareness state, the
 * others see the connection's verified user; a state over 8 KiB is refused
 * and reaches nobody; a socket cannot overwrite or remove another user's
 * presence.
 */
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_AWARENESS, sessionDocName, type SessionId } from "@taiku/engine";
import { startShellsServer, until, type ShellsServer } from "../shells/shellsFixture";
import { sharedSession, stockClient, type Member, type StockClient } from "./authorshipFixture";

let server: ShellsServer;
let alice: Member;
let bob: Member;
let carol: Member;
let sessionId: SessionId;
const clients: StockClient[] = [];

async function client(member: Member): Promise<StockClient> {
  const created = await stockClient(server, sessionId, member.token);
  clients.push(created);
  return created;
}

/** The user fields `viewer` sees for client `clientId`. */
function userSeen(viewer: StockClient, clientId: number): { userId?: string; name?: string; colour?: string } | undefined {
  return (viewer.provider.awareness.getStates().get(clientId) as { user?: { userId?: string; name?: string } } | undefined)?.user;
}

/** One awareness frame carrying `state` for `clientId` at `clock`, as the wire has it. */
function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, clientId);
  encoding.writeVarUint(update, clock);
  encoding.writeVarString(update, JSON.stringify(state));
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
  return encoding.toUint8Array(frame);
}

beforeAll(async () => {
  server = await startShellsServer();
  alice = await server.signUp("alice");
  bob = await server.signUp("bob");
  carol = await server.signUp("carol");
  sessionId = await sharedSession(server, alice, [bob, carol]);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

describe("awareness is vouched for by the relay", () => {
  it("bob claiming alice's user id and name in his awareness state is seen by others as bob", async () => {
    const witness = await client(carol);
    const impostor = await client(bob);
    impostor.provider.awareness.setLocalState({ user: { userId: alice.userId, id: alice.userId, name: "alice", colour: "#f87171" }, idle: false });
    const clientId = impostor.doc.clientID;
    await until(() => userSeen(witness, clientId)?.colour === "#f87171", 8000, "carol sees bob's state");
    expect(userSeen(witness, clientId)).toEqual({ userId: bob.userId, id: bob.userId, name: "bob", colour: "#f87171" });
    expect([...witness.provider.awareness.getStates().values()].some((state) => JSON.stringify(state).includes(`"name":"alice"`))).toBe(false);
  });

  it("a 1 MiB awareness state is refused: its socket is closed for good and nobody receives it", async () => {
    const witness = await client(carol);
    let biggest = 0;
    witness.provider.awareness.on("change", () => {
      for (const state of witness.provider.awareness.getStates().values()) biggest = Math.max(biggest, JSON.stringify(state).length);
    });
    const flooder = await client(bob);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => flooder.provider.once("closed", (event) => resolve(event)));
    flooder.provider.awareness.setLocalState({ user: { name: "bob" }, blob: "x".repeat(1024 * 1024) });
    const event = await closed;
    expect(event.code).toBe(4400);
    expect(event.reason).toMatch(/over the limit of 8192/);
    // A small state from another socket arrives after the refused one would have: the big one never did.
    const later = await client(bob);
    later.provider.awareness.setLocalStateField("marker", "after");
    await until(() => (witness.provider.awareness.getStates().get(later.doc.clientID) as { marker?: string } | undefined)?.marker === "after", 8000, "the later state");
    expect(biggest).toBeLessThan(8 * 1024);
  });

  it("a socket cannot overwrite or remove another user's presence", async () => {
    const owner = await client(alice);
    owner.provider.awareness.setLocalState({ user: { name: "alice" }, idle: false });
    const witness = await client(carol);
    const aliceId = owner.doc.clientID;
    await until(() => userSeen(witness, aliceId)?.userId === alice.userId, 8000, "carol sees alice");

    const raw = new WebSocket(`${server.base.replace(/^http/, "ws")}/sync/${sessionDocName(sessionId)}?token=${encodeURIComponent(bob.token)}`);
    await new Promise<void>((resolve, reject) => {
      raw.once("open", () => resolve());
      raw.once("error", reject);
    });
    const clock = (owner.provider.awareness.meta.get(aliceId)?.clock ?? 0) + 10;
    raw.send(awarenessFrame(aliceId, clock, { user: { name: "alice (hijacked)" }, idle: true }));
    raw.send(awarenessFrame(aliceId, clock + 1, null));
    // bob's own state, sent after, arrives: the frames before it were judged by then.
    raw.send(awarenessFrame(424242, 1, { user: { name: "whoever" } }));
    await until(() => userSeen(witness, 424242) !== undefined, 8000, "bob's own state");
    expect(userSeen(witness, 424242)).toEqual({ userId: bob.userId, name: "bob" });
    expect(userSeen(witness, aliceId)).toEqual({ userId: alice.userId, name: "alice" });
    expect((witness.provider.awareness.getStates().get(aliceId) as { idle?: boolean }).idle).toBe(false);
    raw.close();
  });
});
