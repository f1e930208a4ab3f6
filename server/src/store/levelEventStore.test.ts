import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCode, foldEvents } from "@taiku/engine";
import type { DocName } from "@taiku/engine";
import { randomEvents, runEventStoreContract } from "@taiku/engine/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createLevelEventStore } from "./levelEventStore";
import type { LevelDatabase } from "./levelEventStore";
import { openLevel } from "./openLevel";
import type { ServerLevel } from "./openLevel";

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
    await root.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("appends made in one tick are written in one batch", async () => {
    const store = createLevelEventStore(db);
    await Promise.all([store.append(A, randomEvents(A, 1, 1)), store.append(B, randomEvents(B, 2, 1))]);
    const batches: number[] = [];
    // The store writes its batches on the root database, with fully prefixed keys.
    root.on("write", (ops: unknown[]) => batches.push(ops.length));
    const calls = Array.from({ length: 30 }, (_, i) => {
      const doc = i % 2 === 0 ? A : B;
      return store.append(doc, randomEvents(doc, 10 + i, 2));
    });
    await Promise.all(calls);
    expect(batches).toEqual([60]);
    expect(await store.lastSeq(A)).toBe(31);
    expect(await store.lastSeq(B)).toBe(31);
  });

  it("a failed batch rejects every append in it, stores none, and later appends continue densely", async () => {
    const store = createLevelEventStore(db);
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

  it("keeps seq order past one hex digit and loads only the tail after the latest snapshot", async () => {
    const store = createLevelEventStore(db);
    const events = await store.append(A, randomEvents(A, 9, 300));
    expect((await store.read(A, { from: 250, to: 260 })).map((e) => e.seq)).toEqual(
      Array.from({ length: 11 }, (_, i) => 250 + i),
    );
    for (const seq of [100, 290]) {
      const state = Y.encodeStateAsUpdate(foldEvents(null, events.slice(0, seq)));
      await store.writeSnapshot(A, { seq, state });
    }
    const { snapshot, tail } = await store.load(A);
    expect(snapshot?.seq).toBe(290);
    expect(tail.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 291 + i));
    const snapshotKeys = await root.keys({ gte: "!events!!u!", lt: "!events!!u\"" }).all();
    expect(snapshotKeys).toHaveLength(1);
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

  it("refuses document names its key layout cannot hold", async () => {
    const store = createLevelEventStore(db);
    for (const doc of ["", "sessions/a b", "sessions/a!b", "sessions/\u00e9"]) {
      await expect(store.append(doc as DocName, [])).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
      await expect(store.read(doc as DocName)).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    }
    expect(await store.listDocs("sessions/a b")).toEqual([]);
  });

  it("reports a corrupt stored event as an internal error instead of returning garbage", async () => {
    const store = createLevelEventStore(db);
    await store.append(A, randomEvents(A, 11, 2));
    const [key] = await root.keys({ gte: "!events!!e!", lt: "!events!!e\"", limit: 1 }).all();
    await root.put(key!, Uint8Array.of(1, 2, 3));
    await expect(store.read(A)).rejects.toMatchObject({ code: ErrorCode.Internal });
  });
});
