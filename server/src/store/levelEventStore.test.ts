import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode, foldEvents } from "@taiku/engine";
import type { DocName } from "@taiku/engine";
import { randomEvents, runEventStoreContract } from "@taiku/engine/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { createLevelEventStore } from "./levelEventStore";
import type { LevelDatabase } from "./levelEventStore";
import { openLevel } from "./openLevel";
import type { ServerLevel } from "./openLevel";

runEventStoreContract("LevelDB without a journal", async () => {
  const dir = await mkdtemp(join(tmpdir(), "taiku-events-"));
  let db: ServerLevel = await openLevel(dir);
  return {
    store: createLevelEventStore(db.sublevel("events"), { journal: null }),
    reopen: async () => {
      await db.close();
      db = await openLevel(dir);
      return createLevelEventStore(db.sublevel("events"), { journal: null });
    },
    teardown: async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

runEventStoreContract("LevelDB", async () => {
  const dir = await mkdtemp(join(tmpdir(), "taiku-events-"));
  let db: ServerLevel = await openLevel(dir);
  return {
    store: createLevelEventStore(db.sublevel("events")),
    reopen: async () => {
      await db.close();
      db = await openLevel(dir);
      return createLevelEventStore(db.sublevel("events"));
    },
    teardown: async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe("LevelDB event store", () => {
  let dir: string;
  let root: ServerLevel;
  let db: LevelDatabase;
  const A = "sessions/a" as DocName;
  const B = "sessions/b/kv/notes" as DocName;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "taiku-events-"));
    root = await openLevel(dir);
    db = root.sublevel("events");
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    if (root.status === "open") await root.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `killAfterAppend.ts` on this test's database (closed meanwhile) and reopens it once that process was killed. */
  async function killedWhile(scenario: string): Promise<void> {
    await root.close();
    const script = fileURLToPath(new URL("./killAfterAppend.ts", import.meta.url));
    const child = spawnSync(process.execPath, ["--import", "tsx", script, dir, scenario], { encoding: "utf8", timeout: 30_000 });
    expect(child.stderr).toBe("");
    expect(child.signal).toBe("SIGKILL");
    root = await openLevel(dir);
    db = root.sublevel("events");
  }

  it.each([
    ["through the journal", undefined],
    ["without a journal", null],
  ] as const)("appends made in one tick are written in one batch (%s)", async (_, journal) => {
    const store = createLevelEventStore(db, { journal });
    await Promise.all([store.append(A, randomEvents(A, 1, 1)), store.append(B, randomEvents(B, 2, 1))]);
    await store.lastSeq(A);
    const batches: number[] = [];
    // The store writes its batches on the root database, with fully prefixed keys.
    root.on("write", (ops: unknown[]) => batches.push(ops.length));
    const calls = Array.from({ length: 30 }, (_, i) => {
      const doc = i % 2 === 0 ? A : B;
      return store.append(doc, randomEvents(doc, 10 + i, 2));
    });
    await Promise.all(calls);
    expect(await store.lastSeq(A)).toBe(31);
    expect(await store.lastSeq(B)).toBe(31);
    expect(batches).toEqual([60]);
    await store.close();
  });

  it("an append is confirmed from the journal before LevelDB holds it, and LevelDB gets it shortly after", async () => {
    const store = createLevelEventStore(db, { flushDelayMs: 30 });
    const written: number[] = [];
    root.on("write", (ops: unknown[]) => written.push(ops.length));
    await store.append(A, randomEvents(A, 1, 2));
    expect(written).toEqual([]);
    expect(fs.statSync(join(dir, "journal-events.0")).size).toBeGreaterThan(0);
    await vi.waitFor(() => expect(written).toEqual([2]), { timeout: 2_000, interval: 5 });
    expect(fs.statSync(join(dir, "journal-events.0")).size).toBe(0);
    await store.close();
  });

  it("appends confirmed before the process was killed are there after reopening", async () => {
    await killedWhile("append");
    const store = createLevelEventStore(db);
    expect((await store.read(A)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await store.lastSeq(A)).toBe(5);
    expect(fs.statSync(join(dir, "journal-events.0")).size + fs.statSync(join(dir, "journal-events.1")).size).toBe(0);
    const [next] = await store.append(A, randomEvents(A, 9, 1));
    expect(next?.seq).toBe(6);
    await store.close();
  });

  it("events removed by a delete do not come back when the journal is recovered", async () => {
    await killedWhile("delete-then-append");
    const store = createLevelEventStore(db);
    const events = await store.read(A);
    expect(events.map((e) => e.seq)).toEqual([1]);
    expect(events[0]?.ts).toBe(42);
    await store.close();
  });

  it("a snapshot being written does not hold up appends, and is written only once the events it covers are", async () => {
    const store = createLevelEventStore(db);
    await store.append(A, randomEvents(A, 1, 3));
    const order: string[] = [];
    // The events up to seq 5 are still queued when the snapshot is asked for.
    const covered = store.append(A, randomEvents(A, 4, 2)).then(() => order.push("covered append"));
    const snapshot = store.writeSnapshot(A, { seq: 5, state: new Uint8Array([0, 0]) }).then(() => order.push("snapshot"));
    const later = store.append(A, randomEvents(A, 6, 1)).then(() => order.push("later append"));
    await Promise.all([covered, snapshot, later]);
    expect(order.indexOf("covered append")).toBeLessThan(order.indexOf("snapshot"));
    expect(order.indexOf("later append")).toBeLessThan(order.indexOf("snapshot"));
    const loaded = await store.load(A);
    expect(loaded.snapshot?.seq).toBe(5);
    expect(loaded.tail.map((e) => e.seq)).toEqual([6]);
    await store.close();
  });

  it("a snapshot asked for before a delete is gone after it", async () => {
    const store = createLevelEventStore(db);
    await store.append(A, randomEvents(A, 1, 3));
    // A slow disk: the snapshot's put is still under way when the delete comes.
    const put = root.put.bind(root);
    vi.spyOn(root, "put").mockImplementation(async (key: unknown, value: unknown, options?: unknown) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return put(key as never, value as never, options as never);
    });
    const snapshot = store.writeSnapshot(A, { seq: 3, state: new Uint8Array([0, 0]) });
    const deleted = store.deleteDoc(A);
    await Promise.all([snapshot, deleted]);
    expect(await store.load(A)).toEqual({ snapshot: null, tail: [] });
    expect(await store.lastSeq(A)).toBe(0);
    await store.close();
  });

  it.each([
    ["a delete of another document, then a snapshot", ["append A", "append B", "delete B", "snapshot A"], { snapshot: 1, tail: [2, 3] }],
    ["a delete, an append and a snapshot of the same document", ["delete A", "append A", "snapshot A"], { snapshot: 1, tail: [] }],
    ["a snapshot, then a delete of the same document", ["snapshot A", "delete A", "append A"], { snapshot: null, tail: [1] }],
  ] as const)("deletes and snapshots asked for in one tick all finish, in order (%s)", async (_, steps, expected) => {
    const store = createLevelEventStore(db);
    await store.append(A, randomEvents(A, 1, 2));
    await store.append(B, randomEvents(B, 1, 2));
    const calls = steps.map((step) => {
      const doc = step.endsWith("A") ? A : B;
      if (step.startsWith("append")) return store.append(doc, randomEvents(doc, 10, 1));
      if (step.startsWith("delete")) return store.deleteDoc(doc);
      return store.writeSnapshot(doc, { seq: 1, state: new Uint8Array([0, 0]) });
    });
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("the store stopped writing")), 5_000)));
    await Promise.race([Promise.all(calls), stuck]).finally(() => clearTimeout(timer));
    const loaded = await store.load(A);
    expect(loaded.snapshot?.seq ?? null).toBe(expected.snapshot);
    expect(loaded.tail.map((e) => e.seq)).toEqual(expected.tail);
    // Still writing afterwards.
    await store.append(B, randomEvents(B, 20, 1));
    await store.close();
  });

  it("a snapshot waiting for a write that fails is not written", async () => {
    const store = createLevelEventStore(db);
    await store.append(A, randomEvents(A, 1, 2));
    vi.spyOn(fs, "writeSync").mockImplementationOnce(() => {
      throw new Error("disk full");
    });
    const failed = store.append(A, randomEvents(A, 3, 1));
    const snapshot = store.writeSnapshot(A, { seq: 3, state: new Uint8Array([0, 0]) });
    await expect(failed).rejects.toThrow("disk full");
    await expect(snapshot).rejects.toThrow(/disk full/);
    expect((await store.load(A)).snapshot).toBeNull();
    await store.close();
  });

  it("a failed journal write rejects every append in it, stores none, and later appends continue densely", async () => {
    const store = createLevelEventStore(db);
    await store.append(A, randomEvents(A, 3, 2));
    const failing = vi.spyOn(fs, "writeSync").mockImplementation(() => {
      throw Object.assign(new Error("injected journal failure"), { code: "EIO" });
    });
    const results = await Promise.allSettled([
      store.append(A, randomEvents(A, 4, 1)),
      store.append(A, randomEvents(A, 5, 2)),
      store.append(B, randomEvents(B, 6, 1)),
    ]);
    failing.mockRestore();
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(await store.lastSeq(A)).toBe(2);
    expect(await store.lastSeq(B)).toBe(0);
    const [next] = await store.append(A, randomEvents(A, 7, 1));
    expect(next?.seq).toBe(3);
    expect((await store.read(A)).map((e) => e.seq)).toEqual([1, 2, 3]);
    await store.close();
  });

  it("a failed LevelDB write behind the journal fails the store, and reopening recovers every confirmed append", async () => {
    const store = createLevelEventStore(db, { flushDelayMs: 60_000 });
    await store.append(A, randomEvents(A, 3, 2));
    await store.append(B, randomEvents(B, 2, 1));
    await store.lastSeq(A);
    let failing = true;
    root.hooks.prewrite.add(() => {
      if (failing) throw new Error("injected write failure");
    });
    await store.append(A, randomEvents(A, 4, 1));
    await store.append(B, randomEvents(B, 6, 1));
    await expect(store.read(A)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    await expect(store.append(A, randomEvents(A, 5, 1))).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    await expect(store.close()).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    failing = false;
    const reopened = createLevelEventStore(db);
    expect((await reopened.read(A)).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await reopened.read(B)).map((e) => e.seq)).toEqual([1, 2]);
    await reopened.close();
  });

  it("without a journal, a failed batch rejects every append in it, stores none, and later appends continue densely", async () => {
    const store = createLevelEventStore(db, { journal: null });
    await store.append(A, randomEvents(A, 3, 2));
    let failing = true;
    root.hooks.prewrite.add(() => {
      if (failing) throw new Error("injected write failure");
    });
    const results = await Promise.allSettled([
      store.append(A, randomEvents(A, 4, 1)),
      store.append(A, randomEvents(A, 5, 2)),
      store.append(B, randomEvents(B, 6, 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(await store.lastSeq(A)).toBe(2);
    expect(await store.lastSeq(B)).toBe(0);
    failing = false;
    const [next] = await store.append(A, randomEvents(A, 7, 1));
    expect(next?.seq).toBe(3);
    expect((await store.read(A)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("close waits for appends still in the queue", async () => {
    const store = createLevelEventStore(db);
    const pending = store.append(A, randomEvents(A, 8, 3));
    await store.close();
    await expect(pending).resolves.toHaveLength(3);
    expect(await createLevelEventStore(db).lastSeq(A)).toBe(3);
  });

  it("keeps seq order past one hex digit, loads only the tail after the latest snapshot, and keeps one snapshot and its state vector", async () => {
    const store = createLevelEventStore(db);
    const events = await store.append(A, randomEvents(A, 9, 300));
    expect((await store.read(A, { from: 250, to: 260 })).map((e) => e.seq)).toEqual(
      Array.from({ length: 11 }, (_, i) => 250 + i),
    );
    for (const seq of [100, 290]) {
      const doc = foldEvents(null, events.slice(0, seq));
      await store.writeSnapshot(A, { seq, state: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) });
    }
    const { snapshot, tail } = await store.load(A);
    expect(snapshot?.seq).toBe(290);
    expect(tail.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 291 + i));
    const keysOf = (sublevel: string) => root.keys({ gte: `!events!!${sublevel}!`, lt: `!events!!${sublevel}"` }).all();
    expect(await keysOf("u")).toHaveLength(1);
    expect(await keysOf("v")).toEqual((await keysOf("u")).map((key) => key.replace("!u!", "!v!")));
    await store.deleteDoc(A);
    expect(await keysOf("u")).toEqual([]);
    expect(await keysOf("v")).toEqual([]);
  });

  it("ignores a snapshot in the former v2 format, loads from the log, and removes it with the next snapshot", async () => {
    const store = createLevelEventStore(db);
    const events = await store.append(A, randomEvents(A, 12, 20));
    const expected = Y.encodeStateAsUpdate(foldEvents(null, events));
    // What an earlier version wrote: a v2 update under the old sublevel.
    await root.put(`!events!!s!${A}!${(10).toString(16).padStart(14, "0")}`, Y.encodeStateAsUpdateV2(foldEvents(null, events.slice(0, 10))));
    const { snapshot, tail } = await store.load(A);
    expect(snapshot).toBeNull();
    expect(tail).toHaveLength(20);
    expect(Y.encodeStateAsUpdate(foldEvents(snapshot, tail))).toEqual(expected);
    await store.writeSnapshot(A, { seq: 20, state: expected });
    expect(await root.keys({ gte: "!events!!s!", lt: "!events!!s\"" }).all()).toEqual([]);
    expect((await store.load(A)).snapshot?.seq).toBe(20);
  });

  it("never returns a state vector stored for other state bytes under the same key", async () => {
    const store = createLevelEventStore(db);
    const events = await store.append(A, randomEvents(A, 13, 20));
    const at = (seq: number) => foldEvents(null, events.slice(0, seq));
    await store.writeSnapshot(A, { seq: 20, state: Y.encodeStateAsUpdate(at(20)), stateVector: Y.encodeStateVector(at(20)) });
    expect(Array.from((await store.load(A)).snapshot?.stateVector ?? [])).toEqual(Array.from(Y.encodeStateVector(at(20))));
    // What a writer that knows neither state vectors nor seals leaves: other state under the same key, the old vector beside it.
    const [key] = await root.keys({ gte: "!events!!u!", lt: "!events!!u\"" }).all();
    await root.put(key!, Y.encodeStateAsUpdate(at(5)));
    await root.del(key!.replace("!u!", "!c!"));
    const { snapshot } = await store.load(A);
    expect(snapshot?.seq).toBe(20);
    expect(snapshot?.stateVector).toBeUndefined();
  });

  it("refuses document names its key layout cannot hold", async () => {
    const store = createLevelEventStore(db);
    for (const doc of ["", "sessions/a b", "sessions/a!b", "sessions/\u00e9"]) {
      await expect(store.append(doc as DocName, [])).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
      await expect(store.read(doc as DocName)).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    }
    expect(await store.listDocs("sessions/a b")).toEqual([]);
  });

  it("a corrupt stored event is a CorruptRecordError naming the document and the key, on read and on load", async () => {
    const store = createLevelEventStore(db);
    await store.append(A, randomEvents(A, 11, 2));
    expect(await store.read(A)).toHaveLength(2);
    const [key] = await root.keys({ gte: "!events!!e!", lt: "!events!!e\"", limit: 1 }).all();
    await root.put(key!, Uint8Array.of(1, 2, 3));
    const named = { name: "CorruptRecordError", code: ErrorCode.Unavailable, doc: A, record: `e!${A}!00000000000001`, seq: 1 };
    await expect(store.read(A)).rejects.toMatchObject(named);
    await expect(store.load(A)).rejects.toMatchObject(named);
  });

  it("an event stored under another event's key is refused as corrupt", async () => {
    const store = createLevelEventStore(db);
    await store.append(A, randomEvents(A, 14, 2));
    expect(await store.read(A)).toHaveLength(2);
    const [first, second] = await root.iterator({ gte: "!events!!e!", lt: "!events!!e\"" }).all();
    await root.put(first![0], second![1]);
    await expect(store.load(A)).rejects.toMatchObject({ name: "CorruptRecordError", record: `e!${A}!00000000000001`, seq: 1 });
  });

  it("a load with an acknowledged event missing from the log is refused, never a shorter document", async () => {
    const store = createLevelEventStore(db);
    await store.append(A, randomEvents(A, 15, 3));
    expect(await store.read(A)).toHaveLength(3);
    await root.del(`!events!!e!${A}!00000000000002`);
    await expect(store.load(A)).rejects.toMatchObject({ name: "CorruptRecordError", doc: A, seq: 2, record: `e!${A}!00000000000002` });
  });

  it("a missing event hidden by another's record under its key is refused, never a shorter document", async () => {
    const store = createLevelEventStore(db);
    await store.append(A, randomEvents(A, 15, 3));
    expect(await store.read(A)).toHaveLength(3);
    const [, second, third] = await root.iterator({ gte: "!events!!e!", lt: "!events!!e\"" }).all();
    await root.del(second![0]);
    // The values still run 1, 2 in order; only the keys show that 2 is gone and 3 holds event 2.
    await root.put(third![0], second![1]);
    await expect(store.load(A)).rejects.toMatchObject({ name: "CorruptRecordError", doc: A, record: `e!${A}!00000000000003` });
  });

  it("a snapshot cut short or overwritten is refused as corrupt; one without a seal (an older writer) loads", async () => {
    const store = createLevelEventStore(db);
    const events = await store.append(A, randomEvents(A, 16, 10));
    const state = Y.encodeStateAsUpdate(foldEvents(null, events));
    await store.writeSnapshot(A, { seq: 10, state });
    const key = `!events!!u!${A}!0000000000000a`;
    await root.put(key, state.subarray(0, state.byteLength - 3));
    await expect(store.load(A)).rejects.toMatchObject({ name: "CorruptRecordError", doc: A, seq: 10, record: `u!${A}!0000000000000a` });
    const flipped = state.slice();
    flipped[flipped.byteLength - 1]! ^= 0xff;
    await root.put(key, flipped);
    await expect(store.load(A)).rejects.toMatchObject({ reason: "does not match its checksum" });
    await root.put(key, state);
    await root.del(key.replace("!u!", "!c!"));
    expect((await store.load(A)).snapshot?.seq).toBe(10);
  });
});
