import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { DocName } from "../ids";
import type { DocEvent } from "./docEvent";
import { createMemoryEventStore } from "./memoryEventStore";
import { randomEvents } from "./randomUpdates";
import { foldEvents, replayTo } from "./replay";

const DOC = "sessions/s/kv/p" as DocName;

describe("replay", () => {
  it("folding skips events already inside the snapshot", () => {
    const events: DocEvent[] = randomEvents(DOC, 1, 6).map((e, i) => ({ ...e, seq: i + 1 }));
    const state = Y.encodeStateAsUpdate(foldEvents(null, events.slice(0, 4)));
    const fromSnapshot = foldEvents({ seq: 4, state }, events);
    expect(fromSnapshot.getMap("kv").toJSON()).toEqual(foldEvents(null, events).getMap("kv").toJSON());
  });

  it("replaying an unknown document gives an empty document", async () => {
    const doc = await replayTo(createMemoryEventStore(), DOC, 10);
    expect(doc.getMap("kv").size).toBe(0);
  });

  it("replaying to a seq before the latest snapshot reads the log from the start", async () => {
    const store = createMemoryEventStore();
    const events = await store.append(DOC, randomEvents(DOC, 2, 12));
    await store.writeSnapshot(DOC, { seq: 10, state: Y.encodeStateAsUpdate(foldEvents(null, events.slice(0, 10))) });
    const atThree = await replayTo(store, DOC, 3);
    expect(atThree.getMap("kv").toJSON()).toEqual(foldEvents(null, events.slice(0, 3)).getMap("kv").toJSON());
  });
});
