import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createArbiter, type DocName } from "@taiku/engine";
import { withAuthorship } from "./sessionAuthorship";

/** A relay replica of a session document with members alice (owner) and bob, and a client that synced it. */
function session() {
  const relay = new Y.Doc();
  const arbiter = createArbiter(relay, withAuthorship("sessions/s1" as DocName, { limit: null, protectedRoots: ["members", "plugins"] }));
  arbiter.transact((doc) => {
    doc.getMap("members").set("alice", { name: "alice", role: "owner" });
    doc.getMap("members").set("bob", { name: "bob", role: "member" });
  });
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(relay));
  /** Applies what `change` does on the client as an update from `userId`; returns whether the relay kept it. */
  function write(userId: string, change: (doc: Y.Doc) => void): boolean {
    const before = Y.encodeStateVector(client);
    change(client);
    const result = arbiter.apply(Y.encodeStateAsUpdate(client, before), { userId, connection: "c1" });
    if (!result.accepted && result.compensation !== null) Y.applyUpdate(client, result.compensation);
    return result.accepted;
  }
  return { relay, write };
}

const entry = (userId: string, name: string, text: string) => ({ id: text, userId, name, text, ts: 1 });

describe("chat authorship on the relay", () => {
  it("keeps a member's own entry and refuses one under another id or name, a malformed one, or one from a non-member", () => {
    const { relay, write } = session();
    expect(write("bob", (doc) => doc.getArray("chat").push([entry("bob", "bob", "mine")]))).toBe(true);
    expect(write("bob", (doc) => doc.getArray("chat").push([entry("alice", "alice", "as alice")]))).toBe(false);
    expect(write("bob", (doc) => doc.getArray("chat").push([entry("bob", "alice", "named alice")]))).toBe(false);
    expect(write("bob", (doc) => doc.getArray("chat").push(["just a string"]))).toBe(false);
    expect(write("bob", (doc) => doc.getArray("chat").push([new Y.Map()]))).toBe(false);
    expect(write("mallory", (doc) => doc.getArray("chat").push([entry("mallory", "mallory", "stranger")]))).toBe(false);
    expect(relay.getArray("chat").toJSON()).toEqual([entry("bob", "bob", "mine")]);
  });

  it("lets the author and the owner delete an entry, nobody else", () => {
    const { relay, write } = session();
    write("alice", (doc) => doc.getArray("chat").push([entry("alice", "alice", "a1"), entry("alice", "alice", "a2")]));
    write("bob", (doc) => doc.getArray("chat").push([entry("bob", "bob", "b1")]));
    expect(write("bob", (doc) => doc.getArray("chat").delete(0, 1))).toBe(false);
    expect(write("bob", (doc) => doc.getArray("chat").delete(2, 1))).toBe(true);
    expect(write("alice", (doc) => doc.getArray("chat").delete(1, 1))).toBe(true);
    expect(relay.getArray("chat").toJSON()).toEqual([entry("alice", "alice", "a1")]);
  });

  it("refuses keyed items under chat and any client write to activity or shells", () => {
    const { relay, write } = session();
    expect(write("bob", (doc) => doc.getMap("chat").set("k", entry("bob", "bob", "keyed")))).toBe(false);
    expect(write("alice", (doc) => doc.getArray("activity").push([{ actor: "a" }]))).toBe(false);
    expect(write("alice", (doc) => doc.getMap("shells").set("sh", { title: "t" }))).toBe(false);
    expect(relay.getArray("activity").length).toBe(0);
  });
});
