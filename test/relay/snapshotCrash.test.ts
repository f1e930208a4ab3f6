/**
 * A crash during a snapshot write loses no event and leaves no torn
 * snapshot: a real server process (`snapshotKillServer.ts`) is killed with
 * SIGKILL at each step of the LevelDB writes of one snapshot while stock
 * y-websocket clients write; what it left on disk is checked, then the real
 * `taiku serve` restarts over it and a stock client must hold every update
 * any client had received from the relay.
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WebsocketProvider } from "y-websocket";
import WebSocket from "ws";
import * as Y from "yjs";
import type { DocName, LoadedDoc, DocEvent } from "@taiku/engine";
import { createLevelEventStore, openLevel } from "../../server/src/store/index";
import { createSession, signUp, startServerProcess, type ServerProcess } from "../support/serverProcess";

const HELPER = fileURLToPath(new URL("./snapshotKillServer.ts", import.meta.url));
const WRITERS = 4;

interface Writer {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** Keys this client saw arrive from the relay: each was durable before the relay sent it. */
  readonly received: Set<string>;
}

function connectWriter(base: string, room: string, token: string): Writer {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(base.replace("http", "ws") + "/sync", room, doc, {
    WebSocketPolyfill: WebSocket as never,
    params: { token },
    disableBc: true,
    maxBackoffTime: 200,
  });
  const received = new Set<string>();
  doc.getMap("kv").observe((event, transaction) => {
    if (transaction.origin !== provider) return;
    for (const key of event.keysChanged) received.add(key);
  });
  return { doc, provider, received };
}

function synced(writer: Writer): Promise<void> {
  return new Promise((resolve) => (writer.provider.synced ? resolve() : writer.provider.once("sync", () => resolve())));
}

/** What the data directory holds of `room`, read with the real store (which first writes what its journal kept). */
async function readStored(dataDir: string, room: DocName): Promise<{ loaded: LoadedDoc; events: DocEvent[] }> {
  const db = await openLevel(join(dataDir, "db"));
  const store = createLevelEventStore(db.sublevel("events"));
  try {
    return { loaded: await store.load(room), events: await store.read(room) };
  } finally {
    await store.close();
    await db.close();
  }
}

function fold(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  return doc;
}

/** True when every client clock of `small` is within `large`'s. */
function covers(large: Y.Doc, small: Y.Doc): boolean {
  const have = Y.decodeStateVector(Y.encodeStateVector(large));
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(small))) if ((have.get(client) ?? 0) < clock) return false;
  return true;
}

const processes: ServerProcess[] = [];
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill9();
});

const STEPS = [
  "before-batch",
  "during-batch",
  "after-batch",
  "during-clear-snapshots",
  "after-clear-snapshots",
  "after-clear-vectors",
  "after-clear-former",
] as const;

describe("a kill -9 during a snapshot write", () => {
  it.each(STEPS)("at %s loses no acknowledged update and leaves no torn snapshot", async (step) => {
    const server = await startServerProcess({ args: ["--import", "tsx", HELPER], env: { TAIKU_KILL_STEP: step } });
    processes.push(server);
    let stderr = "";
    server.child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const died = new Promise<NodeJS.Signals | null>((resolve) => server.child.once("exit", (_code, signal) => resolve(signal)));
    const { token } = await signUp(server.base, "writer");
    const sessionId = await createSession(server.base, token, "test", ["crash"]);
    const room = `sessions/${sessionId}/kv/crash` as DocName;

    const writers = Array.from({ length: WRITERS }, () => connectWriter(server.base, room, token));
    await Promise.all(writers.map(synced));
    let counter = 0;
    const timer = setInterval(() => {
      for (const [i, w] of writers.entries()) w.doc.getMap("kv").set(`w${i}-${counter++}`, counter % 97);
    }, 2);
    // The second snapshot of the document comes after 80 events or so; the process kills itself in it.
    const signal = await Promise.race([died, new Promise<"alive">((resolve) => setTimeout(() => resolve("alive"), 30_000))]);
    clearInterval(timer);
    const seen = new Set<string>();
    for (const w of writers) for (const key of w.received) seen.add(key);
    for (const w of writers) {
      w.provider.destroy();
      w.doc.destroy();
    }
    expect(signal).toBe("SIGKILL");
    expect(stderr).toContain(`killed at ${step}\n`);
    expect(seen.size).toBeGreaterThan(0);

    // On disk: the latest snapshot decodes whole, holds at least events 1..seq, and nothing the log lacks.
    const { loaded, events } = await readStored(server.dataDir, room);
    const all = fold(events.map((event) => event.update));
    expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
    const { snapshot } = loaded;
    expect(snapshot).not.toBeNull();
    const fromSnapshot = fold([snapshot!.state]);
    expect(fromSnapshot.store.pendingStructs).toBeNull();
    expect(fromSnapshot.store.pendingDs).toBeNull();
    expect(covers(fromSnapshot, fold(events.filter((event) => event.seq <= snapshot!.seq).map((event) => event.update)))).toBe(true);
    expect(covers(all, fromSnapshot)).toBe(true);
    if (snapshot!.stateVector !== undefined) expect(Array.from(snapshot!.stateVector)).toEqual(Array.from(Y.encodeStateVector(fromSnapshot)));
    const reloaded = fold([snapshot!.state, ...loaded.tail.map((event) => event.update)]);
    expect(reloaded.getMap("kv").toJSON()).toEqual(all.getMap("kv").toJSON());

    // Restarted as `taiku serve`: a stock client holds every update any client had received.
    const restarted = await startServerProcess({ dataDir: server.dataDir, port: server.port });
    processes.push(restarted);
    const reader = connectWriter(restarted.base, room, token);
    await synced(reader);
    const after = new Set(reader.doc.getMap("kv").keys());
    const missing = [...seen].filter((key) => !after.has(key));
    expect(reader.doc.getMap("kv").toJSON()).toEqual(all.getMap("kv").toJSON());
    reader.provider.destroy();
    reader.doc.destroy();
    expect(missing, `keys seen by a peer but lost after a kill at ${step}`).toEqual([]);
    expect(await restarted.stop()).toBe(0);
  }, 90_000);
});
