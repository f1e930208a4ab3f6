/**
 * Opening a document that is not in memory: sync is answered from the stored
 * bytes (snapshot plus tail), the relay builds its own copy only when
 * something changes the document, and whatever the client holds or sends
 * merges as usual.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as Y from "yjs";
import { MESSAGE_SYNC, type DocName, type LoadedDoc } from "@taiku/engine";
import { createLevelEventStore, openLevel } from "../store/index";
import { connect, eventually, startRelay, synced, type RelayFixture, type TestClient } from "./relayFixture";

const KV = "sessions/s1/kv/notes" as DocName;
let fixtures: RelayFixture[] = [];
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  for (const f of fixtures) await f.dispose();
  fixtures = [];
});

/** Writes `count` overwrites of 20 keys through a relay, then stops it; returns the data dir and the expected state. */
async function history(count: number): Promise<{ dir: string; expected: unknown; writerState: Uint8Array }> {
  const first = await startRelay({ snapshotEvery: 200 });
  fixtures.push(first);
  const writer = connect(first.url, KV);
  await synced(writer);
  const map = writer.doc.getMap("kv");
  for (let i = 0; i < count; i++) map.set(`key${i % 20}`, { i, text: `value ${i}` });
  const probe = connect(first.url, KV);
  await synced(probe);
  await eventually(() => (probe.doc.getMap("kv").get(`key${(count - 1) % 20}`) as { i: number } | undefined)?.i === count - 1);
  const expected = map.toJSON();
  const writerState = Y.encodeStateAsUpdate(writer.doc);
  writer.destroy();
  probe.destroy();
  await first.stop();
  return { dir: first.dir, expected, writerState };
}

/**
 * Writes `count` overwrites of 7 keys straight into a new store, one event
 * each, with a snapshot after the first `snapshotAt` when given; returns the
 * data dir and the document that made them.
 */
async function storeDirectly(count: number, snapshotAt: number | null): Promise<{ dir: string; source: Y.Doc }> {
  const source = new Y.Doc();
  const updates: Uint8Array[] = [];
  source.on("update", (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) source.getMap("kv").set(`k${i % 7}`, `v${i}`);
  return { dir: await storeUpdates(updates, snapshotAt), source };
}

/**
 * `count` small updates from `writers` replicas with distinct client ids,
 * taking turns, each seeing the others' updates as the relay passes them
 * on; returns the updates in order and one replica's final state.
 */
function manyWriters(count: number, writers: number): { updates: Uint8Array[]; final: Y.Doc } {
  const docs = Array.from({ length: writers }, (_, i) => {
    const doc = new Y.Doc();
    doc.clientID = 1_000 + i;
    return doc;
  });
  const updates: Uint8Array[] = [];
  for (const doc of docs) {
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === "relayed") return;
      updates.push(update);
      for (const other of docs) if (other !== doc) Y.applyUpdate(other, update, "relayed");
    });
  }
  for (let i = 0; i < count; i++) docs[i % writers]!.getMap("kv").set(`w${i % writers}-${i % 11}`, { i, by: i % writers });
  return { updates, final: docs[0]! };
}

/** Stores `updates` straight into a new store, one event each, with a snapshot after the first `snapshotAt` when given; returns the data dir. */
async function storeUpdates(updates: readonly Uint8Array[], snapshotAt: number | null): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "taiku-cold-"));
  const count = updates.length;
  const db = await openLevel(join(dir, "db"));
  const store = createLevelEventStore(db.sublevel("events"));
  const origin = { userId: "tester", connection: "c0" } as never;
  const append = (part: Uint8Array[]) => store.append(KV, part.map((update) => ({ doc: KV, update, origin, ts: 1, kind: "update" as const })));
  const cut = snapshotAt ?? count;
  await append(updates.slice(0, cut));
  if (snapshotAt !== null) {
    const atCut = new Y.Doc();
    for (const update of updates.slice(0, cut)) Y.applyUpdate(atCut, update);
    await store.writeSnapshot(KV, { seq: cut, state: Y.encodeStateAsUpdate(atCut) });
  }
  if (cut < count) await append(updates.slice(cut));
  await store.close();
  await db.close();
  return dir;
}

/** What the store in `dir` (no relay running on it) holds of the document. */
async function loadStored(dir: string): Promise<LoadedDoc> {
  const db = await openLevel(join(dir, "db"));
  const store = createLevelEventStore(db.sublevel("events"));
  try {
    return await store.load(KV);
  } finally {
    await store.close();
    await db.close();
  }
}

async function restart(dir: string): Promise<RelayFixture> {
  const fixture = await startRelay({ dir });
  fixtures.push(fixture);
  return fixture;
}

interface SyncFrame {
  readonly sub: number;
  readonly payload: Uint8Array;
}

/** A raw socket that sends sync step 1 with `stateVector` and records the sync frames it receives, in order. */
async function rawSync(fixture: RelayFixture, stateVector: Uint8Array): Promise<{ ws: WebSocket; frames: SyncFrame[]; closed: Promise<number> }> {
  const ws = new WebSocket(`${fixture.url}/${KV}`);
  const frames: SyncFrame[] = [];
  ws.on("message", (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
    frames.push({ sub: decoding.readVarUint(decoder), payload: decoding.readVarUint8Array(decoder) });
  });
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint8Array(encoder, stateVector);
  ws.send(encoding.toUint8Array(encoder));
  return { ws, frames, closed };
}

describe("the first sync of a document the relay has not loaded", () => {
  it("is answered from the stored bytes, complete, right after the relay's own sync step 1, without building the document", async () => {
    const { dir, expected } = await history(450);
    const r = await restart(dir);
    const { ws, frames } = await rawSync(r, Y.encodeStateVector(new Y.Doc()));
    await eventually(() => frames.length >= 2, 5_000, "step 1 and step 2");
    ws.close();
    // The relay's step 1 comes first, so that a client answers it from its own state before applying the relay's.
    expect(frames.map((f) => f.sub)).toEqual([0, 1]);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, frames[1]!.payload);
    expect(doc.getMap("kv").toJSON()).toEqual(expected);
    expect(Array.from(frames[0]!.payload)).toEqual(Array.from(Y.encodeStateVector(doc)));
    expect(r.relay.metrics().builtDocuments).toBe(0);
  });

  it("keeps the state vector with the snapshot it writes on unload, and sends it as its sync step 1 after a restart", async () => {
    const { dir, expected } = await history(450);
    const { snapshot, tail } = await loadStored(dir);
    expect(tail).toEqual([]);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, snapshot!.state);
    expect(stored.getMap("kv").toJSON()).toEqual(expected);
    expect(Array.from(snapshot!.stateVector ?? [])).toEqual(Array.from(Y.encodeStateVector(stored)));

    const r = await restart(dir);
    const { ws, frames } = await rawSync(r, Y.encodeStateVector(new Y.Doc()));
    await eventually(() => frames.length >= 2, 5_000, "step 1 and step 2");
    ws.close();
    expect(frames[0]!.sub).toBe(0);
    expect(Array.from(frames[0]!.payload)).toEqual(Array.from(snapshot!.stateVector!));
    expect(r.relay.metrics().builtDocuments).toBe(0);
  });

  it("stores the state vector it had to decode, with a snapshot on unload, so the next restart need not decode it", async () => {
    // Written without a state vector, as by a version that did not keep one.
    const { dir, source } = await storeDirectly(30, 30);
    const r = await restart(dir);
    const { ws, frames } = await rawSync(r, Y.encodeStateVector(new Y.Doc()));
    await eventually(() => frames.length >= 2, 5_000, "step 1 and step 2");
    ws.close();
    await r.stop();
    const { snapshot, tail } = await loadStored(dir);
    expect(snapshot?.seq).toBe(30);
    expect(tail).toEqual([]);
    expect(Array.from(snapshot?.stateVector ?? [])).toEqual(Array.from(Y.encodeStateVector(source)));
  });

  it("sends a client that holds part of the state only what it lacks, and takes its offline edits", async () => {
    const first = await startRelay({ snapshotEvery: 50 });
    fixtures.push(first);
    const writer = connect(first.url, KV);
    clients.push(writer);
    await synced(writer);
    const old = new Y.Doc();
    for (let i = 0; i < 120; i++) {
      writer.doc.getMap("kv").set(`key${i % 10}`, i);
      if (i === 59) Y.applyUpdate(old, Y.encodeStateAsUpdate(writer.doc));
    }
    await eventually(() => writer.provider.synced && writer.doc.getMap("kv").get("key9") === 119);
    const probe = connect(first.url, KV);
    clients.push(probe);
    await eventually(() => probe.provider.synced && probe.doc.getMap("kv").get("key9") === 119, 5_000, "all writes durable");
    const expected = writer.doc.getMap("kv").toJSON();
    for (const c of clients) c.destroy();
    clients = [];
    await first.stop();

    const r = await restart(first.dir);
    // Offline since write 59, with an edit of its own.
    old.getMap("kv").set("offline", "kept");
    const { ws, frames } = await rawSync(r, Y.encodeStateVector(old));
    await eventually(() => frames.some((frame) => frame.sub === 1), 5_000, "step 2");
    ws.close();
    const diff = frames.find((frame) => frame.sub === 1)!;
    // A peer holding part of the state is answered from the built document (a diff of the stored bytes would decode the history per peer).
    expect(r.relay.metrics().builtDocuments).toBe(1);
    expect(diff.payload.byteLength).toBeLessThan(Y.encodeStateAsUpdate(writer.doc).byteLength);
    const merged = new Y.Doc();
    Y.applyUpdate(merged, Y.encodeStateAsUpdate(old));
    Y.applyUpdate(merged, diff.payload);
    expect(merged.getMap("kv").toJSON()).toEqual({ ...expected, offline: "kept" });

    const returning = connect(r.url, KV, "tester", old);
    clients.push(returning);
    await synced(returning);
    await eventually(() => JSON.stringify(returning.doc.getMap("kv").toJSON()) === JSON.stringify({ ...expected, offline: "kept" }));
    const reader = connect(r.url, KV);
    clients.push(reader);
    await eventually(() => reader.doc.getMap("kv").get("offline") === "kept", 5_000, "offline edit relayed");
  });

  it("merges a snapshot with the events written after it", async () => {
    const { dir, source } = await storeDirectly(30, 20);

    const r = await restart(dir);
    const { ws, frames } = await rawSync(r, Y.encodeStateVector(new Y.Doc()));
    await eventually(() => frames.some((frame) => frame.sub === 1), 5_000, "step 2");
    ws.close();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, frames.find((frame) => frame.sub === 1)!.payload);
    expect(doc.getMap("kv").toJSON()).toEqual(source.getMap("kv").toJSON());
  });

  it("closes a socket whose state vector is malformed; the next client still syncs", async () => {
    const { dir, expected } = await history(60);
    const r = await restart(dir);
    const { frames, closed } = await rawSync(r, Uint8Array.of(5, 255, 255));
    expect(await closed).toBe(4400);
    expect(frames.filter((f) => f.sub === 1)).toEqual([]);
    const reader = connect(r.url, KV);
    clients.push(reader);
    await synced(reader);
    await eventually(() => JSON.stringify(reader.doc.getMap("kv").toJSON()) === JSON.stringify(expected));
  });

  it("answers readers of a restarted document without building it; the first write builds it and is relayed and kept", async () => {
    const { dir, expected } = await history(450);
    const r = await restart(dir);
    const readers = [await rawSync(r, Y.encodeStateVector(new Y.Doc())), await rawSync(r, Y.encodeStateVector(new Y.Doc()))];
    for (const reader of readers) {
      await eventually(() => reader.frames.length >= 2, 5_000, "step 1 and step 2");
      const doc = new Y.Doc();
      Y.applyUpdate(doc, reader.frames.find((frame) => frame.sub === 1)!.payload);
      expect(doc.getMap("kv").toJSON()).toEqual(expected);
    }
    expect(r.relay.metrics()).toMatchObject({ loadedDocuments: 1, builtDocuments: 0 });

    const writer = connect(r.url, KV);
    clients.push(writer);
    await synced(writer);
    writer.doc.getMap("kv").set("after-restart", "written");
    for (const reader of readers) {
      await eventually(() => reader.frames.length >= 3, 5_000, "the write relayed");
      const doc = new Y.Doc();
      for (const frame of reader.frames) if (frame.sub !== 0) Y.applyUpdate(doc, frame.payload);
      expect(doc.getMap("kv").get("after-restart")).toBe("written");
      reader.ws.close();
    }
    expect(r.relay.metrics()).toMatchObject({ loadedDocuments: 1, builtDocuments: 1 });

    for (const c of clients) c.destroy();
    clients = [];
    await r.stop();
    const again = await restart(dir);
    const reader = connect(again.url, KV);
    clients.push(reader);
    await synced(reader);
    await eventually(() => reader.doc.getMap("kv").get("after-restart") === "written", 5_000, "the write kept");
    expect(reader.doc.getMap("kv").toJSON()).toEqual({ ...(expected as object), "after-restart": "written" });
  });

  it("snapshots a document opened with a long tail, garbage-collected: what later events deleted is not stored again", async () => {
    // One key overwritten 300 times with 1 KB values: the fold of the log carries every value, the state only the last.
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on("update", (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < 300; i++) source.getMap("kv").set("draft", `${i}:${"x".repeat(1_000)}`);
    const dir = await storeUpdates(updates, null);

    const r = await startRelay({ dir, snapshotEvery: 25 });
    fixtures.push(r);
    const { ws, frames } = await rawSync(r, Y.encodeStateVector(new Y.Doc()));
    await eventually(() => frames.length >= 1, 5_000, "step 2");
    ws.close();
    // The snapshot is written behind the open; wait for it to land.
    let loaded = await r.store.load(KV);
    for (let tries = 0; loaded.snapshot === null && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      loaded = await r.store.load(KV);
    }
    expect(loaded.snapshot?.seq).toBe(300);
    expect(loaded.tail).toEqual([]);
    expect(loaded.snapshot!.state.byteLength).toBeLessThan(10_000);
    const fromSnapshot = new Y.Doc();
    Y.applyUpdate(fromSnapshot, loaded.snapshot!.state);
    expect(fromSnapshot.getMap("kv").toJSON()).toEqual(source.getMap("kv").toJSON());
  });
});

describe("the first sync of a document stored with a long tail from many writers", () => {
  it("gives a stock client the whole state in its first reply, and snapshots the replayed tail with its state vector", async () => {
    const { updates, final } = manyWriters(3_000, 16);
    const dir = await storeUpdates(updates, 400);
    const r = await restart(dir);
    const reader = connect(r.url, KV);
    clients.push(reader);
    // The provider is synced once the relay's sync step 2 arrived: what it holds then is the first reply.
    await synced(reader);
    expect(reader.doc.getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());

    // Behind the reply, the replayed tail becomes a snapshot: a kill now would leave nothing to replay.
    let loaded = await r.store.load(KV);
    for (let tries = 0; loaded.snapshot?.seq !== 3_000 && tries < 250; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      loaded = await r.store.load(KV);
    }
    expect(loaded.snapshot?.seq).toBe(3_000);
    expect(loaded.tail).toEqual([]);
    const fromSnapshot = new Y.Doc();
    Y.applyUpdate(fromSnapshot, loaded.snapshot!.state);
    expect(fromSnapshot.getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
    expect(Array.from(loaded.snapshot?.stateVector ?? [])).toEqual(Array.from(Y.encodeStateVector(final)));
  });

  it("gives a stock client the whole state of a tail with no snapshot at all", async () => {
    const { updates, final } = manyWriters(1_200, 16);
    const r = await restart(await storeUpdates(updates, null));
    const reader = connect(r.url, KV);
    clients.push(reader);
    await synced(reader);
    expect(reader.doc.getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
  });

  it("merges a short tail from many writers into the first reply, and a write after it is kept", async () => {
    const { updates, final } = manyWriters(500, 16);
    const r = await restart(await storeUpdates(updates, 470));
    const reader = connect(r.url, KV);
    clients.push(reader);
    await synced(reader);
    expect(reader.doc.getMap("kv").toJSON()).toEqual(final.getMap("kv").toJSON());
    reader.doc.getMap("kv").set("after", "written");
    const other = connect(r.url, KV);
    clients.push(other);
    await synced(other);
    await eventually(() => other.doc.getMap("kv").get("after") === "written", 5_000, "the write relayed");
    expect(other.doc.getMap("kv").toJSON()).toEqual({ ...final.getMap("kv").toJSON(), after: "written" });
  });
});

describe("a document that went quiet after a burst", () => {
  it("is snapshotted while its writer stays connected, so a kill then leaves no tail", async () => {
    const r = await startRelay({ snapshots: { quietMs: 100 } });
    fixtures.push(r);
    const writer = connect(r.url, KV);
    clients.push(writer);
    await synced(writer);
    for (let i = 0; i < 200; i++) writer.doc.getMap("kv").set(`k${i % 13}`, i);
    let loaded = await r.store.load(KV);
    for (let tries = 0; loaded.snapshot?.seq !== 200 && tries < 250; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      loaded = await r.store.load(KV);
    }
    expect(loaded.snapshot?.seq).toBe(200);
    expect(loaded.tail).toEqual([]);
    const fromSnapshot = new Y.Doc();
    Y.applyUpdate(fromSnapshot, loaded.snapshot!.state);
    expect(fromSnapshot.getMap("kv").toJSON()).toEqual(writer.doc.getMap("kv").toJSON());
    expect(writer.provider.wsconnected).toBe(true);
  });

  it("is not snapshotted for a tail shorter than the quiet minimum", async () => {
    const r = await startRelay({ snapshots: { quietMs: 50, quietMinEvents: 50 } });
    fixtures.push(r);
    const writer = connect(r.url, KV);
    clients.push(writer);
    await synced(writer);
    for (let i = 0; i < 49; i++) writer.doc.getMap("kv").set(`k${i % 13}`, i);
    for (let tries = 0; (await r.store.lastSeq(KV)) < 49 && tries < 250; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    // Several quiet times pass: the tail of 49 stays a tail.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await r.store.load(KV)).snapshot).toBeNull();
    writer.doc.getMap("kv").set("one-more", true);
    let loaded = await r.store.load(KV);
    for (let tries = 0; loaded.snapshot?.seq !== 50 && tries < 250; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      loaded = await r.store.load(KV);
    }
    expect(loaded.snapshot?.seq).toBe(50);
  });
});
