import * as prng from "lib0/prng";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { KV_QUOTA_BYTES, liveBytes } from "../kv/liveSize";
import { MalformedUpdateError, createArbiter } from "./createArbiter";
import { TestNetwork, contentOf } from "./testNetwork";

const big = (n: number): string => "x".repeat(n);

function expectConverged(net: TestNetwork): void {
  const expected = contentOf(net.relay);
  for (const replica of net.replicas) {
    expect(contentOf(replica.doc)).toEqual(expected);
    expect(Y.encodeStateVector(replica.doc)).toEqual(Y.encodeStateVector(net.relay));
    expect(liveBytes(replica.doc)).toBeLessThanOrEqual(KV_QUOTA_BYTES);
  }
  expect(liveBytes(net.relay)).toBe(net.arbiter.liveBytes());
}

describe("quota arbiter", () => {
  it("accepts an update within quota and reports what it changed", () => {
    const net = new TestNetwork(2, prng.create(1));
    net.replicas[0]!.kv.set("build_status", "passing");
    net.settle();
    expect(net.replicas[1]!.kv.get("build_status")).toBe("passing");
    expect(net.replicas[0]!.notices).toEqual([]);
    expectConverged(net);
  });

  it("reverts an offline batch that would overflow as a whole and tells the sender which keys", () => {
    const net = new TestNetwork(2, prng.create(2));
    const [alice, bob] = net.replicas as [NonNullable<(typeof net.replicas)[0]>, NonNullable<(typeof net.replicas)[0]>];
    bob.kv.set("shared", big(30_000));
    net.settle();
    net.disconnect(alice);
    alice.kv.delete("shared");
    alice.kv.set("shared", big(10));
    alice.kv.set("a1", big(20_000));
    alice.kv.set("a2", big(20_000));
    // Bob fills the quota while Alice is away.
    bob.kv.set("b", big(30_000));
    net.settle();
    net.reconnect(alice);
    net.settle();
    expect(alice.notices).toEqual([{ revertedKeys: ["a1", "a2", "shared"], revertedTypes: [] }]);
    expect(alice.kv.has("a1")).toBe(false);
    expect(alice.kv.has("a2")).toBe(false);
    expect(alice.kv.get("shared")).toBe(big(30_000));
    expectConverged(net);
  });

  it("two writers each under quota whose merge is over: exactly one is reverted and everyone converges", () => {
    const net = new TestNetwork(3, prng.create(3));
    const [alice, bob] = net.replicas as [NonNullable<(typeof net.replicas)[0]>, NonNullable<(typeof net.replicas)[0]>];
    alice.kv.set("alice", big(40_000));
    bob.kv.set("bob", big(40_000));
    net.settle();
    const reverted = [alice, bob].filter((r) => r.notices.length > 0);
    expect(reverted).toHaveLength(1);
    expect(net.relay.getMap("kv").size).toBe(1);
    expectConverged(net);
  });

  it("a compensated replica that keeps writing still converges", () => {
    const net = new TestNetwork(2, prng.create(4), { reorder: false, duplicate: 0 });
    const [alice, bob] = net.replicas as [NonNullable<(typeof net.replicas)[0]>, NonNullable<(typeof net.replicas)[0]>];
    bob.kv.set("bob", big(50_000));
    alice.kv.set("alice", big(50_000));
    // Alice keeps writing before she hears about the compensation.
    alice.kv.set("alice", big(10));
    alice.kv.set("note", "still here");
    net.settle();
    alice.kv.set("after", 1);
    net.settle();
    expectConverged(net);
    expect(net.relay.getMap("kv").get("after")).toBe(1);
  });

  it("guards every shared type: an oversized text insert is compensated", () => {
    const net = new TestNetwork(2, prng.create(5));
    const [alice] = net.replicas as [NonNullable<(typeof net.replicas)[0]>];
    alice.doc.getText("notes").insert(0, "keep me ");
    net.settle();
    alice.doc.getText("notes").insert(8, big(70_000));
    net.settle();
    expect(alice.notices).toEqual([{ revertedKeys: [], revertedTypes: ["notes"] }]);
    expect(net.relay.getText("notes").toString()).toBe("keep me ");
    expectConverged(net);
  });

  it("a deletion is never refused, even when the document is over quota", () => {
    const relay = new Y.Doc();
    const writer = new Y.Doc();
    writer.getMap("kv").set("a", big(100));
    writer.getMap("kv").set("b", big(100));
    const arbiter = createArbiter(relay, { limit: 50 });
    Y.applyUpdate(relay, Y.encodeStateAsUpdate(writer)); // loaded state, not judged
    const before = Y.encodeStateVector(writer);
    writer.getMap("kv").delete("a");
    const result = arbiter.apply(Y.encodeStateAsUpdate(writer, before), "w");
    expect(result.accepted).toBe(true);
    expect(relay.getMap("kv").has("a")).toBe(false);
  });

  it("compensates a client's change to a protected root", () => {
    const relay = new Y.Doc();
    const arbiter = createArbiter(relay, { limit: null, protectedRoots: ["members"] });
    arbiter.transact((doc) => doc.getMap("members").set("owner", { role: "owner" }));
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(relay));
    const sv = Y.encodeStateVector(client);
    client.getMap("members").set("mallory", { role: "owner" });
    client.getArray("chat").push(["hi"]);
    const result = arbiter.apply(Y.encodeStateAsUpdate(client, sv), "mallory");
    expect(result).toMatchObject({ accepted: false, reason: "protected_root", revertedTypes: ["chat", "members"] });
    expect(relay.getMap("members").toJSON()).toEqual({ owner: { role: "owner" } });
    if (!result.accepted && result.compensation) Y.applyUpdate(client, result.compensation);
    expect(client.getMap("members").toJSON()).toEqual({ owner: { role: "owner" } });
  });

  it("compensates an update its policy's allows rule refuses for that origin, and keeps the same update from another", () => {
    const relay = new Y.Doc();
    // Only "alice" may write the "notes" array; the rule sees the update's origin and the roots it touched.
    const arbiter = createArbiter(relay, { limit: null, allows: (transaction, roots) => !roots.has("notes") || transaction.origin === "alice" });
    const client = new Y.Doc();
    client.getArray("notes").push(["hi"]);
    const update = Y.encodeStateAsUpdate(client);
    const refused = arbiter.apply(update, "mallory");
    expect(refused).toMatchObject({ accepted: false, reason: "not_author", revertedTypes: ["notes"] });
    expect(relay.getArray("notes").toJSON()).toEqual([]);
    if (!refused.accepted && refused.compensation) Y.applyUpdate(client, refused.compensation);
    expect(client.getArray("notes").toJSON()).toEqual([]);

    const other = new Y.Doc();
    other.getArray("notes").push(["mine"]);
    expect(arbiter.apply(Y.encodeStateAsUpdate(other), "alice")).toMatchObject({ accepted: true });
    expect(relay.getArray("notes").toJSON()).toEqual(["mine"]);
  });

  it("throws on bytes that are not an update and leaves the document unchanged", () => {
    const relay = new Y.Doc();
    const arbiter = createArbiter(relay);
    arbiter.transact((doc) => doc.getMap("kv").set("k", "v"));
    const before = Y.encodeStateAsUpdate(relay);
    expect(() => arbiter.apply(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]), "x")).toThrow(MalformedUpdateError);
    expect(Buffer.compare(Y.encodeStateAsUpdate(relay), before)).toBe(0);
  });

  it("says when bytes that break late were partly applied, so the caller can discard the document", () => {
    const arbiter = createArbiter(new Y.Doc());
    const writer = new Y.Doc();
    writer.getMap("kv").set("a", "x".repeat(10));
    const valid = Y.encodeStateAsUpdate(writer);
    const brokenDeleteSet = new Uint8Array([...valid.slice(0, valid.length - 1), 0x05, 0xff]);
    let error: unknown;
    try {
      arbiter.apply(brokenDeleteSet, "x");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MalformedUpdateError);
    expect(error).toMatchObject({ code: "invalid_params", altered: true });
  });

  it("restores a nested value an over-quota update replaced", () => {
    const net = new TestNetwork(2, prng.create(6));
    const [alice] = net.replicas as [NonNullable<(typeof net.replicas)[0]>];
    const nested = new Y.Map<unknown>();
    alice.doc.getMap("kv").set("cfg", nested);
    nested.set("depth", { a: [1, 2, 3] });
    net.settle();
    alice.doc.getMap("kv").set("cfg", big(70_000));
    net.settle();
    expect(net.relay.getMap("kv").toJSON()).toEqual({ cfg: { depth: { a: [1, 2, 3] } } });
    expectConverged(net);
  });

  it("follows kv loaded from the log, where no one named it, and judges the next update against it", () => {
    const writer = new Y.Doc();
    writer.getMap("kv").set("a", big(30_000));
    writer.getText("notes").insert(0, "hello");
    const relay = new Y.Doc();
    Y.applyUpdate(relay, Y.encodeStateAsUpdate(writer)); // the relay rebuilds a document without naming its roots
    const arbiter = createArbiter(relay);
    expect(arbiter.liveBytes()).toBe(liveBytes(relay));
    let sv = Y.encodeStateVector(writer);
    writer.getMap("kv").set("b", big(20_000));
    expect(arbiter.apply(Y.encodeStateAsUpdate(writer, sv), "w")).toMatchObject({ accepted: true });
    expect(arbiter.liveBytes()).toBe(liveBytes(relay));
    sv = Y.encodeStateVector(writer);
    writer.getMap("kv").set("c", big(20_000));
    expect(arbiter.apply(Y.encodeStateAsUpdate(writer, sv), "w")).toMatchObject({ accepted: false, reason: "quota_exceeded", revertedKeys: ["c"] });
    expect(arbiter.liveBytes()).toBe(liveBytes(relay));
    expect(relay.getMap("kv").has("c")).toBe(false);
  });

  it("counts kv that the server named as another type, and judges updates to it", () => {
    const relay = new Y.Doc();
    relay.getArray("kv").insert(0, ["not a map"]);
    const arbiter = createArbiter(relay, { limit: 1_000 });
    expect(arbiter.liveBytes()).toBe(liveBytes(relay));
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(relay));
    const sv = Y.encodeStateVector(client);
    client.getArray("kv").push([big(2_000)]);
    expect(arbiter.apply(Y.encodeStateAsUpdate(client, sv), "c")).toMatchObject({ accepted: false, reason: "quota_exceeded" });
    expect(relay.getArray("kv").toJSON()).toEqual(["not a map"]);
    expect(arbiter.liveBytes()).toBe(liveBytes(relay));
  });

  it("judges each update's own transaction, not one a listener opened while it was applied", () => {
    const relay = new Y.Doc();
    const arbiter = createArbiter(relay, { limit: 1_000, protectedRoots: ["members"] });
    // A listener that writes a protected root itself, in a transaction of its own, while an update is applied.
    relay.on("afterTransaction", (transaction: Y.Transaction) => {
      if (transaction.origin !== "server" && !relay.getMap("members").has("seen")) arbiter.transact((doc) => doc.getMap("members").set("seen", true));
    });
    const client = new Y.Doc();
    client.getMap("kv").set("small", "v");
    const update = Y.encodeStateAsUpdate(client);
    expect(arbiter.apply(update, "client")).toEqual({ accepted: true, update, liveBytes: liveBytes(relay) });
    const sv = Y.encodeStateVector(client);
    client.getMap("kv").set("big", big(2_000));
    const result = arbiter.apply(Y.encodeStateAsUpdate(client, sv), "client");
    expect(result).toMatchObject({ accepted: false, reason: "quota_exceeded", revertedKeys: ["big"], revertedTypes: [] });
    expect(relay.getMap("members").get("seen")).toBe(true);
    expect(relay.getMap("kv").toJSON()).toEqual({ small: "v" });
    expect(arbiter.liveBytes()).toBe(liveBytes(relay));
  });
});
