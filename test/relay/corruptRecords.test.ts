/**
 * Damaged stored records at start, against the real server process over a
 * real LevelDB on disk: a document whose event or snapshot record is
 * garbage is refused (a stock y-websocket client is told why and does not
 * retry, REST reads answer 503, `/readyz` and `/metrics` name it) while
 * every other document is served; a torn last journal frame, what kill -9
 * leaves, still starts cleanly with everything acknowledged before it,
 * while a damaged frame in the middle of the journal is refused, never
 * skipped.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { WebsocketProvider } from "y-websocket";
import WebSocket from "ws";
import * as Y from "yjs";
import { CloseCode } from "@taiku/engine";
import { createLevelEventStore, openLevel } from "../../server/src/store";
import { encodeJournalFrame } from "../../server/src/store/journalFrame";
import { createSession, signUp, startServerProcess, type ServerProcess } from "../support/serverProcess";

const processes: ServerProcess[] = [];
const providers: WebsocketProvider[] = [];
afterEach(() => {
  for (const provider of providers.splice(0)) provider.destroy();
  vi.restoreAllMocks();
});
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill9();
});

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A stock provider on `room`, counting its connection attempts and the close codes it got. */
function stockClient(server: ServerProcess, room: string, token: string) {
  const attempts = { count: 0 };
  class CountedSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      attempts.count++;
    }
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${server.base.replace("http", "ws")}/sync`, room, doc, {
    WebSocketPolyfill: CountedSocket as never,
    params: { token },
    disableBc: true,
    maxBackoffTime: 200,
  });
  providers.push(provider);
  const closed: number[] = [];
  provider.on("connection-close", (event) => {
    if (event !== null) closed.push(event.code);
  });
  return { doc, provider, attempts, closed, kv: doc.getMap<number>("kv") };
}

/** Writes `count` keys to `room` and waits until a second client got every one back from the relay (so each is durable). */
async function writeAcknowledged(server: ServerProcess, room: string, token: string, count: number): Promise<void> {
  const writer = stockClient(server, room, token);
  const reader = stockClient(server, room, token);
  await until(() => writer.provider.synced && reader.provider.synced, "both clients to sync");
  for (let i = 0; i < count; i++) writer.kv.set(`k${i}`, i);
  await until(() => reader.kv.size === count, `${room} to reach the reader`);
  writer.provider.destroy();
  reader.provider.destroy();
}

/** Keys and values of `doc`'s records in one sublevel (`e` events, `u` snapshots) of the stopped server's database. */
async function withDatabase<T>(dataDir: string, use: (db: Awaited<ReturnType<typeof openLevel>>) => Promise<T>): Promise<T> {
  const db = await openLevel(path.join(dataDir, "db"));
  try {
    // Opening the store writes whatever the killed process left in the journal into LevelDB, and empties it.
    const store = createLevelEventStore(db.sublevel("events"));
    await store.listDocs("sessions/");
    await store.close();
    return await use(db);
  } finally {
    await db.close();
  }
}

async function recordKeys(db: Awaited<ReturnType<typeof openLevel>>, sublevel: "e" | "u", doc: string): Promise<string[]> {
  return db.keys({ gt: `!events!!${sublevel}!${doc}!`, lt: `!events!!${sublevel}!${doc}"` }).all();
}

interface Setup {
  server: ServerProcess;
  token: string;
  sessionId: string;
  roomA: string;
  roomB: string;
}

async function twoDocuments(): Promise<Setup> {
  const server = await startServerProcess();
  processes.push(server);
  const { token } = await signUp(server.base, "owner");
  const sessionId = await createSession(server.base, token, "test", ["alpha", "beta"]);
  const roomA = `sessions/${sessionId}/kv/alpha`;
  const roomB = `sessions/${sessionId}/kv/beta`;
  await writeAcknowledged(server, roomA, token, 5);
  await writeAcknowledged(server, roomB, token, 3);
  return { server, token, sessionId, roomA, roomB };
}

/** After the restart: A refused everywhere, B served, `/readyz` and `/metrics` naming the refusal. */
async function expectARefusedAndBServed(server: ServerProcess, { token, sessionId, roomA, roomB }: Setup, record: string): Promise<void> {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  const a = stockClient(server, roomA, token);
  const b = stockClient(server, roomB, token);
  await until(() => b.provider.synced, "B to sync");
  expect(b.kv.toJSON()).toEqual({ k0: 0, k1: 1, k2: 2 });
  await until(() => a.closed.length > 0, "A to be closed");
  // Proving that no retry comes needs a window: a retrying client tries again within 200 ms (its maximum back-off here).
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(a.closed).toEqual([CloseCode.DocumentCorrupt]);
  expect(a.attempts.count).toBe(1);
  expect(a.provider.shouldConnect).toBe(false);
  expect(a.kv.size).toBe(0);
  // The stock client shows the reason it was given: the document and the record.
  const shown = warn.mock.calls.map((call) => String(call[0]));
  expect(shown.some((line) => line.startsWith("Permission denied to access") && line.includes(record))).toBe(true);

  const ready = await fetch(`${server.base}/readyz`);
  expect(ready.status).toBe(503);
  const body = (await ready.json()) as { ready: boolean; refused: Array<{ doc: string; record: string; reason: string }> };
  expect(body.ready).toBe(false);
  expect(body.refused).toHaveLength(1);
  expect(body.refused[0]).toMatchObject({ doc: roomA, record });
  expect(body.refused[0]?.reason).not.toBe("");

  const metrics = await (await fetch(`${server.base}/metrics`)).text();
  expect(metrics).toMatch(/^taiku_refused_documents 1$/m);

  const history = await fetch(`${server.base}/api/sessions/${sessionId}/kv/alpha/history?key=k0`, { headers: { authorization: `Bearer ${token}` } });
  expect(history.status).toBe(503);
  const error = (await history.json()) as { error: { code: string; message: string } };
  expect(error.error.code).toBe("unavailable");
  expect(error.error.message).toContain(record);
  const historyB = await fetch(`${server.base}/api/sessions/${sessionId}/kv/beta/history?key=k0`, { headers: { authorization: `Bearer ${token}` } });
  expect(historyB.status).toBe(200);
}

describe("a damaged stored record at start", () => {
  it("an event record of A overwritten with garbage: A is refused with 4422 and no retry, B syncs, /readyz is 503 naming A's record, /metrics counts 1", async () => {
    const setup = await twoDocuments();
    // Killed, not stopped: a clean stop would fold A's events into a snapshot, and the load would not read them.
    await setup.server.kill9();
    const record = await withDatabase(setup.server.dataDir, async (db) => {
      const keys = await recordKeys(db, "e", setup.roomA);
      expect(keys.length).toBeGreaterThanOrEqual(2);
      const key = keys[1]!;
      await db.put(key, Uint8Array.of(1, 0xff, 0xff, 0xff));
      return key.replace("!events!!", "");
    });
    const server = await startServerProcess({ dataDir: setup.server.dataDir, port: setup.server.port });
    processes.push(server);
    expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    await expectARefusedAndBServed(server, setup, record);
  });

  it("A's snapshot record cut short: A is refused with 4422 and no retry, B syncs, /readyz is 503 naming the snapshot, /metrics counts 1", async () => {
    const setup = await twoDocuments();
    // A clean stop writes each document's snapshot.
    expect(await setup.server.stop()).toBe(0);
    const record = await withDatabase(setup.server.dataDir, async (db) => {
      const [key] = await recordKeys(db, "u", setup.roomA);
      expect(key).toBeDefined();
      const state = (await db.get(key!))!;
      await db.put(key!, state.subarray(0, Math.floor(state.byteLength / 2)));
      return key!.replace("!events!!", "");
    });
    const server = await startServerProcess({ dataDir: setup.server.dataDir, port: setup.server.port });
    processes.push(server);
    await expectARefusedAndBServed(server, setup, record);
  });
});

describe("a torn last journal frame", () => {
  it("is what kill -9 leaves: the server starts cleanly with everything acknowledged before it", async () => {
    const server = await startServerProcess();
    processes.push(server);
    const { token } = await signUp(server.base, "owner");
    const sessionId = await createSession(server.base, token, "test", ["alpha"]);
    const room = `sessions/${sessionId}/kv/alpha`;
    await writeAcknowledged(server, room, token, 20);
    await server.kill9();
    // The start of a frame whose payload never made it: a header claiming 64 bytes, then 10 of them.
    const journal = path.join(server.dataDir, "db", "journal-events.0");
    const torn = Buffer.alloc(18);
    torn.writeUInt32LE(64, 0);
    torn.writeUInt32LE(0xdeadbeef, 4);
    fs.appendFileSync(journal, torn);

    const restarted = await startServerProcess({ dataDir: server.dataDir, port: server.port });
    processes.push(restarted);
    const reader = stockClient(restarted, room, token);
    await until(() => reader.provider.synced, "the reader to sync");
    expect(reader.kv.size).toBe(20);
    expect(reader.kv.get("k19")).toBe(19);
    const ready = await fetch(`${restarted.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
  });

  it("a damaged frame with a frame after it is not taken for a torn tail: documents are refused naming the journal, not opened short", async () => {
    const server = await startServerProcess();
    processes.push(server);
    const { token } = await signUp(server.base, "owner");
    const sessionId = await createSession(server.base, token, "test", ["alpha"]);
    const room = `sessions/${sessionId}/kv/alpha`;
    await writeAcknowledged(server, room, token, 3);
    await server.kill9();
    const journal = path.join(server.dataDir, "db", "journal-events.0");
    const damaged = encodeJournalFrame([{ key: "!events!!e!unrelated!00000000000001", value: Uint8Array.of(1, 2, 3) }]);
    damaged[damaged.byteLength - 1]! ^= 0xff;
    const offset = fs.existsSync(journal) ? fs.statSync(journal).size : 0;
    fs.appendFileSync(journal, Buffer.concat([damaged, encodeJournalFrame([{ key: "!events!!e!unrelated!00000000000002", value: Uint8Array.of(4) }])]));

    const restarted = await startServerProcess({ dataDir: server.dataDir, port: server.port });
    processes.push(restarted);
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const reader = stockClient(restarted, room, token);
    await until(() => reader.closed.length > 0, "the reader to be closed");
    expect(reader.closed).toEqual([CloseCode.DocumentCorrupt]);
    expect(reader.kv.size).toBe(0);
    const ready = await fetch(`${restarted.base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, refused: [{ doc: room, record: `journal-events.0@${offset}` }] });
  });
});
