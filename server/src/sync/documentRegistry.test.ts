/**
 * The document registry keeps one instance per name: a late call for an
 * instance that was dropped or unloaded (a socket of a dropped document
 * closing late, a server read finishing after an idle unload) never touches
 * the instance that replaced it.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createMemoryEventStore, type DocName, type EventOrigin, type EventStore, type UserId } from "@taiku/engine";
import { DocumentRegistry } from "./documentRegistry";
import type { LiveDocument } from "./liveDocument";
import { SnapshotPolicy } from "./snapshotPolicy";

const NAME = "sessions/s1/kv/notes" as DocName;
const IDLE_MS = 20;
let registry: DocumentRegistry<object> | null = null;

afterEach(async () => {
  await registry?.close();
  registry = null;
});

function createRegistry(store: EventStore): DocumentRegistry<object> {
  registry = new DocumentRegistry<object>({
    store,
    logger: pino({ level: "silent" }),
    quotaBytes: 65_536,
    snapshots: new SnapshotPolicy({ everyEvents: 1 }),
    idleMs: IDLE_MS,
    onAwareness: () => undefined,
    onDropped: () => undefined,
    onPersisted: () => undefined,
  });
  return registry;
}

const ORIGIN: EventOrigin = { userId: "u1" as UserId, connection: "c1" };

/** Writes `key = value` through `live` as a client would, and waits until it is durable. */
async function write(live: LiveDocument<object>, key: string, value: string): Promise<void> {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(live.doc));
  let update: Uint8Array | null = null;
  client.on("update", (u: Uint8Array) => (update = u));
  client.getMap("kv").set(key, value);
  const result = live.arbiter.apply(update as unknown as Uint8Array, ORIGIN);
  expect(result.accepted).toBe(true);
  const durable = await live.commit([{ doc: live.name, update: update as unknown as Uint8Array, origin: ORIGIN, ts: Date.now(), kind: "update" }], () => undefined);
  expect(durable).toBe(true);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("document registry", () => {
  it("a late release of a dropped document never unloads the instance that replaced it", async () => {
    const store = createMemoryEventStore();
    const docs = createRegistry(store);
    const first = await docs.open(NAME);
    docs.drop(first, "a write failed");
    const second = await docs.open(NAME);
    expect(second).not.toBe(first);
    const peer = {};
    second.peers.add(peer);
    docs.retain(second);
    // A socket of the dropped instance closes late: its release must not arm an idle unload under the name.
    docs.release(first);
    await sleep(IDLE_MS * 5);
    expect(await docs.loaded(NAME)).toBe(second);
    await write(second, "k", "acknowledged");
    // A later opener shares the live instance, so a snapshot never covers events it lacks.
    expect(await docs.open(NAME)).toBe(second);
    second.peers.delete(peer);
    docs.release(second);
    await sleep(IDLE_MS * 5);
    const reloaded = await docs.open(NAME);
    expect(reloaded.doc.getMap("kv").get("k")).toBe("acknowledged");
  });

  it("unloading an instance that was already replaced leaves the replacement loaded", async () => {
    const docs = createRegistry(createMemoryEventStore());
    const first = await docs.open(NAME);
    await docs.unload(first);
    const second = await docs.open(NAME);
    second.peers.add({});
    await docs.unload(first);
    docs.drop(first, "late");
    expect(await docs.loaded(NAME)).toBe(second);
    expect(second.failed).toBe(false);
  });
});
