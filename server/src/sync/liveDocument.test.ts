/**
 * A loaded document's awareness is made when a peer first announces
 * itself, and then works as always: later peers get every state at once,
 * and changes reach the others.
 */
import { afterEach, describe, expect, it } from "vitest";
import { connect, eventually, startRelay, synced, type RelayFixture, type TestClient } from "./relayFixture";

const KV = "sessions/s1/kv/presence";
let fixtures: RelayFixture[] = [];
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  for (const f of fixtures) await f.dispose();
  fixtures = [];
});

function client(fixture: RelayFixture, user: string): TestClient {
  const c = connect(fixture.url, KV, user);
  // A stock client announces an empty state on connect; these start silent, so the first announcement below makes the awareness.
  c.provider.awareness.setLocalState(null);
  clients.push(c);
  return c;
}

describe("a document's awareness", () => {
  it("reaches the peers already there when one announces itself after they synced, and a later peer gets it on joining", async () => {
    const r = await startRelay();
    fixtures.push(r);
    const [alice, bob] = [client(r, "alice"), client(r, "bob")];
    await Promise.all([synced(alice), synced(bob)]);
    alice.provider.awareness.setLocalState({ user: { name: "alice" } });
    await eventually(() => (bob.provider.awareness.getStates().get(alice.doc.clientID) as { user?: { name: string } } | undefined)?.user?.name === "alice", 5_000, "bob sees alice");

    const carol = client(r, "carol");
    await synced(carol);
    await eventually(() => carol.provider.awareness.getStates().has(alice.doc.clientID), 5_000, "carol sees alice");
    carol.provider.awareness.setLocalState({ user: { name: "carol" } });
    await eventually(() => alice.provider.awareness.getStates().has(carol.doc.clientID), 5_000, "alice sees carol");
    await eventually(() => bob.provider.awareness.getStates().has(carol.doc.clientID), 5_000, "bob sees carol");
    expect(carol.provider.awareness.getStates().get(alice.doc.clientID)).toEqual({ user: { userId: "alice", name: "alice" } });
  });
});
