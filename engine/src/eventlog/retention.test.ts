import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { ErrorCode } from "../errors";
import type { DocName } from "../ids";
import type { DocEvent } from "./docEvent";
import type { EventStore } from "./eventStore";
import { createMemoryEventStore } from "./memoryEventStore";
import { randomEvents } from "./randomUpdates";
import { foldEvents, replayTo } from "./replay";
import { DEFAULT_RETENTION, withRetention } from "./retention";

const DOC = "sessions/s/kv/p" as DocName;

function stateAt(events: readonly DocEvent[], seq: number): Uint8Array {
  return Y.encodeStateAsUpdate(foldEvents(null, events.slice(0, seq)));
}

describe("retention", () => {
  it("a snapshot written through the store prunes the log to the window, and replay to the end is unchanged", async () => {
    const errors: unknown[] = [];
    const store = withRetention(createMemoryEventStore(), { keepEvents: 10, keepAgeMs: 0 }, { now: () => 2e12, onError: (e) => errors.push(e) });
    const events = await store.append(DOC, randomEvents(DOC, 1, 50));
    await store.writeSnapshot(DOC, { seq: 45, state: stateAt(events, 45) });
    await store.pruned(DOC);
    expect((await store.historyBase(DOC))?.seq).toBe(40);
    expect((await store.read(DOC))[0]?.seq).toBe(41);
    expect((await replayTo(store, DOC, 50)).getMap("kv").toJSON()).toEqual(foldEvents(null, events).getMap("kv").toJSON());
    expect(errors).toEqual([]);
  });

  it("the default window keeps a week of events: a fresh log is not pruned", async () => {
    const store = withRetention(createMemoryEventStore(), DEFAULT_RETENTION, { onError: () => undefined });
    const events = await store.append(DOC, randomEvents(DOC, 2, 30).map((e) => ({ ...e, ts: Date.now() })));
    await store.writeSnapshot(DOC, { seq: 30, state: stateAt(events, 30) });
    await store.pruned(DOC);
    expect(await store.historyBase(DOC)).toBeNull();
    expect(await store.read(DOC)).toHaveLength(30);
  });

  it("a prune that fails is reported and leaves the snapshot and every event stored", async () => {
    const inner = createMemoryEventStore();
    const failing: EventStore = { ...inner, prune: () => Promise.reject(new Error("disk full")) };
    const errors: Array<[unknown, DocName]> = [];
    const store = withRetention(failing, { keepEvents: 1, keepAgeMs: 0 }, { now: () => 2e12, onError: (e, doc) => errors.push([e, doc]) });
    const events = await store.append(DOC, randomEvents(DOC, 3, 8));
    await store.writeSnapshot(DOC, { seq: 8, state: stateAt(events, 8) });
    await store.pruned(DOC);
    expect(errors.map(([e, doc]) => [(e as Error).message, doc])).toEqual([["disk full", DOC]]);
    expect((await store.load(DOC)).snapshot?.seq).toBe(8);
    expect(await store.read(DOC)).toHaveLength(8);
  });

  it("a snapshot written while a prune runs is not held up by it, and the next prune reaches the latest snapshot", async () => {
    const inner = createMemoryEventStore();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let prunes = 0;
    const slow: EventStore = { ...inner, prune: async (doc, base) => { prunes++; await gate; return inner.prune(doc, base); } };
    const store = withRetention(slow, { keepEvents: 5, keepAgeMs: 0 }, { now: () => 2e12, onError: (e) => { throw e; } });
    const events = await store.append(DOC, randomEvents(DOC, 4, 40));
    await store.writeSnapshot(DOC, { seq: 10, state: stateAt(events, 10) });
    // Both resolve while the first prune is still held.
    await store.writeSnapshot(DOC, { seq: 20, state: stateAt(events, 20) });
    await store.writeSnapshot(DOC, { seq: 30, state: stateAt(events, 30) });
    expect(prunes).toBe(1);
    release();
    await store.pruned(DOC);
    expect(prunes).toBe(2);
    expect((await store.historyBase(DOC))?.seq).toBe(30);
  });

  it("a long prune lets other work run between its slices: a timer set as it starts fires before it ends", async () => {
    const store = withRetention(createMemoryEventStore(), { keepEvents: 10, keepAgeMs: 0 }, { now: () => 2e12, onError: (e) => { throw e; } });
    const events = await store.append(DOC, randomEvents(DOC, 5, 3_000));
    let timerFired = false;
    await store.writeSnapshot(DOC, { seq: 3_000, state: stateAt(events, 3_000) });
    setTimeout(() => (timerFired = true), 0);
    await store.pruned(DOC);
    expect(timerFired).toBe(true);
    expect((await store.historyBase(DOC))?.seq).toBe(2_990);
    expect((await replayTo(store, DOC, 3_000)).getMap("kv").toJSON()).toEqual(foldEvents(null, events).getMap("kv").toJSON());
  });

  it("a malformed window is refused when the store is made", () => {
    for (const keep of [{ keepEvents: 0, keepAgeMs: 0 }, { keepEvents: 1.5, keepAgeMs: 0 }, { keepEvents: 5, keepAgeMs: -1 }, { keepEvents: 5, keepAgeMs: Number.NaN }]) {
      expect(() => withRetention(createMemoryEventStore(), keep, { onError: () => undefined })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidParams }));
    }
  });
});
