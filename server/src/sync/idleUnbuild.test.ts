/**
 * A loaded document that nothing uses goes back to its encoded bytes while
 * its sockets stay open, and the next use builds it again: nobody sees the
 * difference — writes still reach every peer, a new client gets the whole
 * state, the quota still counts what is stored.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { DocName } from "@taiku/engine";
import { connect, eventually, startRelay, synced, type RelayFixture, type TestClient } from "./relayFixture";

const KV = "sessions/s1/kv/notes" as DocName;
let fixture: RelayFixture | null = null;
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await fixture?.dispose();
  fixture = null;
});

function join(url: string, user: string): TestClient {
  const client = connect(url, KV, user);
  clients.push(client);
  return client;
}

describe("idle documents go back to their bytes", () => {
  it("an idle document is unbuilt with its sockets open; the next write rebuilds it and reaches everyone, and a newcomer gets the whole state", async () => {
    fixture = await startRelay({ unbuildAfterMs: 100 });
    const alice = join(fixture.url, "alice");
    const bob = join(fixture.url, "bob");
    await Promise.all([synced(alice), synced(bob)]);
    alice.doc.getMap("kv").set("title", "draft");
    await eventually(() => bob.doc.getMap("kv").get("title") === "draft", 5_000, "alice's write at bob");
    expect(fixture.relay.metrics().builtDocuments).toBe(1);

    await eventually(() => fixture?.relay.metrics().builtDocuments === 0, 5_000, "the idle document unbuilt");
    expect(fixture.relay.metrics().loadedDocuments).toBe(1);

    bob.doc.getMap("kv").set("owner", "bob");
    await eventually(() => alice.doc.getMap("kv").get("owner") === "bob", 5_000, "bob's write at alice");
    expect(fixture.relay.metrics().builtDocuments).toBe(1);

    await eventually(() => fixture?.relay.metrics().builtDocuments === 0, 5_000, "unbuilt again");
    const newcomer = join(fixture.url, "carol");
    await synced(newcomer);
    expect(newcomer.doc.getMap("kv").toJSON()).toEqual({ title: "draft", owner: "bob" });
  });

  it("the quota still counts what is stored once the document is rebuilt: an update past it is compensated", async () => {
    fixture = await startRelay({ unbuildAfterMs: 100, quotaBytes: 4_000 });
    const alice = join(fixture.url, "alice");
    await synced(alice);
    alice.doc.getMap("kv").set("big", "x".repeat(3_000));
    await eventually(() => fixture?.relay.metrics().builtDocuments === 1, 5_000, "the write judged");
    await eventually(() => fixture?.relay.metrics().builtDocuments === 0, 5_000, "the idle document unbuilt");

    // 3,000 + 2,000 bytes is past 4,000 only if the rebuilt arbiter counts the stored 3,000.
    alice.doc.getMap("kv").set("more", "y".repeat(2_000));
    await eventually(() => alice.doc.getMap("kv").get("more") === undefined, 5_000, "the over-quota write compensated at the writer");
    const observer = join(fixture.url, "observer");
    await synced(observer);
    expect(Object.keys(observer.doc.getMap("kv").toJSON())).toEqual(["big"]);
  });
});
