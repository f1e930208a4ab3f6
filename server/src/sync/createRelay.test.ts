import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import { CloseCode, KV_QUOTA_BYTES, createSessionKv, decodeRelayNotice, liveBytes, type DocName, type EventStore } from "@taiku/engine";
import { connect, eventually, startRelay, synced, type RelayFixture, type TestClient } from "./relayFixture";

const KV = "sessions/s1/kv/build-status";
let fixtures: RelayFixture[] = [];
let clients: TestClient[] = [];

async function relay(options: Parameters<typeof startRelay>[0] = {}): Promise<RelayFixture> {
  const fixture = await startRelay(options);
  fixtures.push(fixture);
  return fixture;
}

function client(fixture: RelayFixture, doc = KV, user = "tester"): TestClient {
  const c = connect(fixture.url, doc, user);
  clients.push(c);
  return c;
}

/** Polls `check` until it holds, for up to 10 s. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; !(await check()); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once the store holds seq `seq` of the test document. */
const durable = (fixture: RelayFixture, seq: number): Promise<void> =>
  until(async () => (await fixture.store.lastSeq(KV as DocName)) >= seq, `seq ${seq} to be durable`);

/** Resolves once the test document's latest snapshot covers exactly seq `seq`. */
const snapshotAt = (fixture: RelayFixture, seq: number): Promise<void> =>
  until(async () => (await fixture.store.load(KV as DocName)).snapshot?.seq === seq, `a snapshot at seq ${seq}`);

/** Leaves time for a snapshot that should not come, before checking that it did not. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));

/** Connects a writer to `fixture` and writes a 20 KB entry, then `smalls` small ones (one event each). */
async function heavyWriter(fixture: RelayFixture, smalls: number): Promise<{ writer: TestClient; map: Y.Map<unknown> }> {
  const writer = client(fixture);
  await synced(writer);
  const map = writer.doc.getMap("kv");
  map.set("big", "x".repeat(20_000));
  for (let i = 0; i < smalls; i++) map.set("small", i);
  return { writer, map };
}

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  for (const f of fixtures) await f.dispose();
  fixtures = [];
});

const kvJson = (c: TestClient): unknown => c.doc.getMap("kv").toJSON();

describe("relay sync with stock y-websocket clients", () => {
  it("two clients converge and a late joiner receives the state", async () => {
    const r = await relay();
    const alice = client(r);
    const bob = client(r);
    await Promise.all([synced(alice), synced(bob)]);
    alice.doc.getMap("kv").set("build_status", "passing");
    bob.doc.getMap("kv").set("owner", "bob");
    await eventually(() => alice.doc.getMap("kv").size === 2 && bob.doc.getMap("kv").size === 2);
    expect(kvJson(alice)).toEqual(kvJson(bob));
    const late = client(r);
    await synced(late);
    await eventually(() => late.doc.getMap("kv").get("build_status") === "passing" && late.doc.getMap("kv").get("owner") === "bob");
  });

  it("compensates a write past 65,536 bytes: replicas converge within quota and the sender gets the notice", async () => {
    const r = await relay();
    const alice = client(r);
    const bob = client(r);
    await Promise.all([synced(alice), synced(bob)]);
    createSessionKv(alice.doc).set("keep", "x".repeat(40_000));
    await eventually(() => bob.doc.getMap("kv").has("keep"));
    // Bob's client skips the local check, as a careless or hostile client would.
    bob.doc.getMap("kv").set("huge", "y".repeat(30_000));
    await eventually(() => bob.notices.length === 1, 5_000, "quota notice");
    const decoded = decodeRelayNotice(bob.notices[0]!);
    expect(decoded).toMatchObject({ notice: { type: "quota_rejected", doc: KV, revertedKeys: ["huge"], limit: KV_QUOTA_BYTES } });
    await eventually(() => !bob.doc.getMap("kv").has("huge"));
    expect(alice.doc.getMap("kv").has("huge")).toBe(false);
    expect(kvJson(alice)).toEqual(kvJson(bob));
    expect(liveBytes(bob.doc)).toBeLessThanOrEqual(KV_QUOTA_BYTES);
  });

  it("two concurrent writes that only together exceed the quota: exactly one stands", async () => {
    const r = await relay();
    const alice = client(r);
    const bob = client(r);
    await Promise.all([synced(alice), synced(bob)]);
    createSessionKv(alice.doc).set("alice", "a".repeat(40_000));
    createSessionKv(bob.doc).set("bob", "b".repeat(40_000));
    await eventually(() => alice.notices.length + bob.notices.length === 1, 5_000, "one notice");
    await eventually(() => alice.doc.getMap("kv").size === 1 && bob.doc.getMap("kv").size === 1, 5_000, "one key");
    expect(kvJson(alice)).toEqual(kvJson(bob));
  });

  it("never sends an update to a peer before the store has made it durable", async () => {
    let release: () => void = () => {};
    let gate = Promise.resolve();
    const wrapStore = (store: EventStore): EventStore => ({
      ...store,
      append: async (doc, events) => {
        await gate;
        return store.append(doc, events);
      },
    });
    const r = await relay({ wrapStore });
    const alice = client(r);
    const bob = client(r);
    await Promise.all([synced(alice), synced(bob)]);
    gate = new Promise((resolve) => (release = resolve));
    alice.doc.getMap("kv").set("k", "v");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bob.doc.getMap("kv").has("k")).toBe(false);
    expect(await r.store.lastSeq(KV as DocName)).toBe(0);
    release();
    await eventually(() => bob.doc.getMap("kv").get("k") === "v");
    expect(await r.store.lastSeq(KV as DocName)).toBe(1);
  });

  it("snapshots a large document once its tail weighs half the last snapshot, not every few events", async () => {
    const snapshots: number[] = [];
    const r = await relay({
      snapshotEvery: 10,
      wrapStore: (store) => ({ ...store, writeSnapshot: (doc, snapshot) => (snapshots.push(snapshot.state.byteLength), store.writeSnapshot(doc, snapshot)) }),
    });
    const { map } = await heavyWriter(r, 9);
    await snapshotAt(r, 10);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toBeGreaterThan(20_000);
    // 60 more events, far past the count, but a few hundred bytes against a 20 KB snapshot: no new one.
    for (let i = 0; i < 60; i++) map.set("small", i);
    await durable(r, 70);
    await settle();
    expect(snapshots).toHaveLength(1);
    // A tail as heavy as half the state: the next snapshot is due.
    map.set("big", "y".repeat(20_000));
    await snapshotAt(r, 71);
    expect((await r.store.load(KV as DocName)).tail).toEqual([]);
  });

  it("retries a failed snapshot only after as many events again, then writes it", async () => {
    let failures = 1;
    const attempts: number[] = [];
    const r = await relay({
      snapshotEvery: 10,
      wrapStore: (store) => ({
        ...store,
        writeSnapshot: (doc, snapshot) => {
          attempts.push(snapshot.seq);
          if (failures-- > 0) return Promise.reject(new Error("injected snapshot failure"));
          return store.writeSnapshot(doc, snapshot);
        },
      }),
    });
    const writer = client(r);
    await synced(writer);
    const map = writer.doc.getMap("kv");
    const write = (count: number): void => {
      for (let i = 0; i < count; i++) map.set(`k${i % 3}`, `v${attempts.length}-${i}`);
    };
    write(10);
    await durable(r, 10);
    await eventually(() => attempts.length === 1);
    // Not with every commit after the failure: only once ten more events are durable.
    write(9);
    await durable(r, 19);
    await settle();
    expect(attempts).toEqual([10]);
    write(1);
    await snapshotAt(r, 20);
    expect(attempts).toEqual([10, 20]);
  });

  it("on open, snapshots a tail of snapshotEvery events even when it is light", async () => {
    // A first relay keeps only its first snapshot (20 KB, at seq 5) and drops the rest, its unload's included.
    let kept = 0;
    const first = await relay({
      snapshotEvery: 5,
      wrapStore: (store) => ({ ...store, writeSnapshot: async (doc, snapshot) => (kept++ === 0 ? store.writeSnapshot(doc, snapshot) : undefined) }),
    });
    const { writer } = await heavyWriter(first, 10);
    await durable(first, 11);
    await snapshotAt(first, 5);
    writer.destroy();
    clients = [];
    await first.stop();
    // Six light events after a 20 KB snapshot: not due by weight, but a reopened document snapshots them anyway.
    const second = await (await import("./relayFixture")).startRelay({ dir: first.dir, snapshotEvery: 5 });
    fixtures.push(second);
    const reader = client(second);
    await synced(reader);
    await snapshotAt(second, 11);
    expect(reader.doc.getMap("kv").get("small")).toBe(9);
  });

  it("snapshots a tail of light events once it is ten times snapshotEvery", async () => {
    const r = await relay({ snapshotEvery: 5 });
    const { map } = await heavyWriter(r, 4);
    await snapshotAt(r, 5);
    // Light events against a 20 KB snapshot: none due by weight, one due by count at 10 × 5 = 50.
    for (let i = 0; i < 49; i++) map.set("small", 100 + i);
    await durable(r, 54);
    await settle();
    expect((await r.store.load(KV as DocName)).snapshot?.seq).toBe(5);
    map.set("small", 200);
    await snapshotAt(r, 55);
  });

  it("restarts with a long history: equal state, loaded from a snapshot plus a short tail", async () => {
    const first = await relay({ snapshotEvery: 100 });
    const writer = client(first);
    await synced(writer);
    const map = writer.doc.getMap("kv");
    for (let i = 0; i < 450; i++) map.set(`key${i % 20}`, { i, text: `value ${i}` });
    await eventually(() => writer.provider.wsconnected && writer.doc.getMap("kv").get("key9") !== undefined);
    // All 450 updates are durable once the relay has forwarded something written after them.
    const probe = client(first);
    await synced(probe);
    await eventually(() => (probe.doc.getMap("kv").get("key9") as { i: number } | undefined)?.i === 449);
    const expected = map.toJSON();
    writer.destroy();
    probe.destroy();
    clients = [];
    await first.stop();
    const loaded = await (await import("./relayFixture")).startRelay({ dir: first.dir });
    fixtures.push(loaded);
    const { snapshot, tail } = await loaded.store.load(KV as DocName);
    expect(snapshot).not.toBeNull();
    expect(tail.length).toBeLessThan(100);
    const reader = client(loaded);
    await synced(reader);
    await eventually(() => JSON.stringify(reader.doc.getMap("kv").toJSON()) === JSON.stringify(expected), 5_000, "restored state");
  });

  it("refuses a client's change to a session's members and reverts it for everyone", async () => {
    const r = await relay();
    await r.relay.transact("sessions/s1" as DocName, (doc) => doc.getMap("members").set("owner", { role: "owner" }));
    const mallory = client(r, "sessions/s1", "mallory");
    const alice = client(r, "sessions/s1", "alice");
    await Promise.all([synced(mallory), synced(alice)]);
    mallory.doc.getMap("members").set("mallory", { role: "owner" });
    mallory.doc.getMap("layout").set("pane", "left");
    await eventually(() => mallory.notices.length === 1, 5_000, "notice");
    expect(decodeRelayNotice(mallory.notices[0]!)).toMatchObject({ notice: { type: "error", code: "permission_denied" } });
    await eventually(() => !mallory.doc.getMap("members").has("mallory"));
    expect(alice.doc.getMap("members").toJSON()).toEqual({ owner: { role: "owner" } });
    // The layout change was a separate update and stands.
    await eventually(() => alice.doc.getMap("layout").get("pane") === "left");
  });

  it("refuses a member's forged end of the session (the lifecycle map): nobody else sees the session as ended", async () => {
    const r = await relay();
    const mallory = client(r, "sessions/s2", "mallory");
    const alice = client(r, "sessions/s2", "alice");
    await Promise.all([synced(mallory), synced(alice)]);
    mallory.doc.getMap("lifecycle").set("ended", { at: 1, by: "owner" });
    await eventually(() => mallory.notices.length === 1, 5_000, "notice");
    expect(decodeRelayNotice(mallory.notices[0]!)).toMatchObject({ notice: { type: "error", code: "permission_denied" } });
    await eventually(() => !mallory.doc.getMap("lifecycle").has("ended"));
    alice.doc.getMap("layout").set("after", true);
    await eventually(() => mallory.doc.getMap("layout").get("after") === true);
    expect(alice.doc.getMap("lifecycle").toJSON()).toEqual({});
  });
});

describe("relay under bad input", () => {
  function rawSocket(fixture: RelayFixture, doc: string): Promise<WebSocket> {
    const ws = new WebSocket(`${fixture.url}/${doc}`);
    return new Promise((resolve, reject) => {
      ws.on("open", () => resolve(ws));
      ws.on("error", reject);
    });
  }

  function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  it("closes only the offending socket, with a code and a reason, and other rooms keep syncing", async () => {
    const r = await relay({ maxPayload: 64 * 1024 });
    const alice = client(r, "sessions/s2/kv/notes");
    const bob = client(r, "sessions/s2/kv/notes");
    await Promise.all([synced(alice), synced(bob)]);

    const cases: Array<[string, (ws: WebSocket) => void, number]> = [
      ["garbage", (ws) => ws.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])), 4400],
      ["truncated update", (ws) => ws.send(Buffer.from([0, 2, 50, 1, 2, 3])), 4400],
      ["bad update bytes", (ws) => ws.send(Buffer.from([0, 2, 5, 9, 9, 9, 9, 9])), 4400],
      ["text frame", (ws) => ws.send("hello"), 4400],
      ["unknown type", (ws) => ws.send(Buffer.from([42])), 4400],
      ["oversized frame", (ws) => ws.send(Buffer.alloc(100 * 1024)), 1009],
    ];
    for (const [label, act, code] of cases) {
      const ws = await rawSocket(r, KV);
      const done = closed(ws);
      act(ws);
      const outcome = await done;
      expect(outcome.code, label).toBe(code);
      if (code !== 1009) expect(outcome.reason.length, label).toBeGreaterThan(0);
    }

    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 1);
    const flood = encoding.createEncoder();
    encoding.writeVarUint(flood, 50);
    for (let id = 1; id <= 50; id++) {
      encoding.writeVarUint(flood, 1_000_000 + id);
      encoding.writeVarUint(flood, 1);
      encoding.writeVarString(flood, JSON.stringify({ user: { name: `bot${id}` } }));
    }
    encoding.writeVarUint8Array(encoder, encoding.toUint8Array(flood));
    const flooder = await rawSocket(r, KV);
    const floodClosed = closed(flooder);
    flooder.send(encoding.toUint8Array(encoder));
    expect((await floodClosed).code).toBe(4400);

    alice.doc.getMap("kv").set("still", "alive");
    await eventually(() => bob.doc.getMap("kv").get("still") === "alive");
  });

  it("refuses a session's plugin document past its cap, stored or loaded, and still opens the ones it holds", async () => {
    const first = await relay({ maxKvDocsPerSession: 2 });
    for (const doc of ["sessions/s3/kv/a", "sessions/s3/kv/b"]) {
      const writer = client(first, doc);
      await synced(writer);
      writer.doc.getMap("kv").set("note", doc);
      const reader = client(first, doc);
      await eventually(() => reader.doc.getMap("kv").get("note") === doc, 5_000, `${doc} durable`);
    }
    // Loaded: both documents are in memory.
    const loaded = await rawSocket(first, "sessions/s3/kv/c");
    const refusedLoaded = await closed(loaded);
    expect(refusedLoaded.reason).toMatch(/already holds 2 plugin documents/);
    expect(refusedLoaded.code).toBe(CloseCode.DocumentCapReached);
    for (const c of clients) c.destroy();
    clients = [];
    await first.stop();

    // Stored: after a restart, nothing is in memory.
    const second = await relay({ dir: first.dir, maxKvDocsPerSession: 2 });
    const stored = await rawSocket(second, "sessions/s3/kv/c");
    const refusedStored = await closed(stored);
    expect(refusedStored.code).toBe(refusedLoaded.code);
    expect(refusedStored.reason).toMatch(/already holds 2 plugin documents/);
    const reopened = client(second, "sessions/s3/kv/b");
    await synced(reopened);
    expect(reopened.doc.getMap("kv").get("note")).toBe("sessions/s3/kv/b");
    const elsewhere = client(second, "sessions/s4/kv/c");
    await synced(elsewhere);
  });

  it("discards a document a malformed update altered in part; everyone reloads the durable state and keeps syncing", async () => {
    const r = await relay();
    const alice = client(r);
    const bob = client(r);
    await Promise.all([synced(alice), synced(bob)]);
    alice.doc.getMap("kv").set("before", 1);
    await eventually(() => bob.doc.getMap("kv").get("before") === 1);
    // Valid structs followed by a broken delete set: Yjs applies the structs, then throws.
    const writer = new Y.Doc();
    writer.getMap("kv").set("smuggled", "x".repeat(10));
    const valid = Y.encodeStateAsUpdate(writer);
    const update = new Uint8Array([...valid.slice(0, valid.length - 1), 0x05, 0xff]);
    const frame = encoding.createEncoder();
    encoding.writeVarUint(frame, 0);
    encoding.writeVarUint(frame, 2);
    encoding.writeVarUint8Array(frame, update);
    const ws = await rawSocket(r, KV);
    const done = closed(ws);
    ws.send(encoding.toUint8Array(frame));
    expect((await done).code).toBe(4400);
    // The stock providers reconnect on their own and resync from the log.
    await eventually(() => alice.provider.wsconnected && bob.provider.wsconnected && alice.provider.synced && bob.provider.synced, 10_000, "reconnect");
    alice.doc.getMap("kv").set("after", 2);
    await eventually(() => bob.doc.getMap("kv").get("after") === 2, 10_000, "sync after reload");
    const late = client(r);
    await synced(late);
    await eventually(() => late.doc.getMap("kv").get("after") === 2);
    expect(late.doc.getMap("kv").has("smuggled")).toBe(false);
    expect(bob.doc.getMap("kv").has("smuggled")).toBe(false);
  });

  it("closes a socket sending more frames per second than allowed with 4503 (reconnect later), and only that one", async () => {
    const r = await relay({ framesPerSecond: 5 });
    const alice = client(r);
    const bob = client(r);
    await Promise.all([synced(alice), synced(bob)]);
    const flooder = await rawSocket(r, KV);
    const done = closed(flooder);
    // Query-awareness frames (type 3) are valid: only their number is wrong. A full bucket holds twice the rate.
    for (let i = 0; i < 11; i++) flooder.send(Buffer.from([3]));
    const outcome = await done;
    expect(outcome.code).toBe(CloseCode.Unavailable);
    expect(outcome.reason).toMatch(/more than 5 frames per second/);
    alice.doc.getMap("kv").set("calm", true);
    await eventually(() => bob.doc.getMap("kv").get("calm") === true);
  });

  it("removes a client's awareness state when its socket closes", async () => {
    const r = await relay();
    const alice = client(r);
    const bob = client(r);
    await Promise.all([synced(alice), synced(bob)]);
    alice.provider.awareness.setLocalStateField("user", { name: "alice" });
    await eventually(() => bob.provider.awareness.getStates().has(alice.doc.clientID));
    alice.provider.disconnect();
    await eventually(() => !bob.provider.awareness.getStates().has(alice.doc.clientID));
  });
});
