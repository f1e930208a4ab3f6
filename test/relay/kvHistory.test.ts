/**
 * Per-key history through the real server: stock y-websocket clients write
 * one key, the history endpoint lists every write — a concurrent one that
 * lost included — and gives the same answer after a restart; with a small
 * retention window the log is pruned and history starts where it says.
 */
import { afterAll, describe, expect, it } from "vitest";
import { WebsocketProvider } from "y-websocket";
import WebSocket from "ws";
import * as Y from "yjs";
import { createSession, postJson, signUp, startServerProcess, type ServerProcess } from "../support/serverProcess";

interface Client {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
}

function connect(base: string, room: string, token: string, clientID?: number): Client {
  const doc = new Y.Doc();
  if (clientID !== undefined) doc.clientID = clientID;
  const provider = new WebsocketProvider(base.replace("http", "ws") + "/sync", room, doc, {
    WebSocketPolyfill: WebSocket as never,
    params: { token },
    disableBc: true,
    maxBackoffTime: 200,
  });
  return { doc, provider };
}

function synced(client: Client): Promise<void> {
  if (client.provider.synced) return Promise.resolve();
  return new Promise((resolve) => client.provider.once("sync", (ok: boolean) => ok && resolve()));
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface HistoryAnswer {
  key: string;
  historyStartsAt: number;
  changes: Array<{ seq: number; userName: string | null; from?: unknown; to?: unknown; superseded: boolean; supersededBy: number | null }>;
}

async function history(base: string, sid: string, plugin: string, key: string, token: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/api/sessions/${sid}/kv/${plugin}/history?key=${encodeURIComponent(key)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: await response.json() };
}

/** Alice's session with the `board` plugin, which bob joined; `room` is the plugin's KV document. */
async function aliceAndBobOnBoard(server: ServerProcess) {
  const alice = await signUp(server.base, "alice");
  const bob = await signUp(server.base, "bob");
  const sid = await createSession(server.base, alice.token, "test", ["board"]);
  const { code } = await postJson<{ code: string }>(`${server.base}/api/sessions/${sid}/invites`, {}, alice.token);
  await postJson(`${server.base}/api/sessions/${sid}/join`, { code }, bob.token);
  return { alice, bob, sid, room: `sessions/${sid}/kv/board` };
}

const processes: ServerProcess[] = [];
const clients: Client[] = [];
afterAll(async () => {
  for (const client of clients) client.provider.destroy();
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill9();
});

describe("per-key history over the real relay", () => {
  it("two clients writing one key concurrently both appear, the one that lost on every replica marked superseded, the same after a restart", async () => {
    let server = await startServerProcess();
    processes.push(server);
    const { alice, bob, sid, room } = await aliceAndBobOnBoard(server);
    const a = connect(server.base, room, alice.token);
    const b = connect(server.base, room, bob.token);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    a.doc.getMap("kv").set("status", "draft");
    await until(() => b.doc.getMap("kv").get("status") === "draft", "bob to see the first write");

    // Both write while offline, so neither write can have seen the other.
    a.provider.disconnect();
    b.provider.disconnect();
    a.doc.getMap("kv").set("status", "alice's");
    b.doc.getMap("kv").set("status", "bob's");
    a.provider.connect();
    b.provider.connect();
    await until(
      () => a.doc.getMap("kv").get("status") === b.doc.getMap("kv").get("status") && a.provider.synced && b.provider.synced,
      "the replicas to converge",
    );
    const kept = a.doc.getMap("kv").get("status");
    const lost = kept === "alice's" ? "bob's" : "alice's";
    let answer: HistoryAnswer | undefined;
    await until(async () => {
      const got = await history(server.base, sid, "board", "status", alice.token);
      answer = got.body as HistoryAnswer;
      return got.status === 200 && answer.changes.length === 3;
    }, "both writes in the history");
    expect(answer!.historyStartsAt).toBe(1);
    expect(answer!.changes[0]).toMatchObject({ userName: "alice", to: "draft", superseded: false, supersededBy: null });
    const superseded = answer!.changes.filter((change) => change.superseded);
    expect(superseded.map((change) => [change.to, change.userName])).toEqual([[lost, lost === "bob's" ? "bob" : "alice"]]);
    const winner = answer!.changes.find((change) => change.to === kept);
    expect(winner).toMatchObject({ superseded: false, supersededBy: null, userName: kept === "bob's" ? "bob" : "alice" });
    expect(superseded[0]?.supersededBy).toBe(winner?.seq);

    for (const client of [a, b]) client.provider.destroy();
    expect(await server.stop()).toBe(0);
    server = await startServerProcess({ dataDir: server.dataDir, port: server.port });
    processes.push(server);
    const again = await history(server.base, sid, "board", "status", bob.token);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(answer);
  });

  it("a write made offline that loses to one already on the relay reaches the history with its value", async () => {
    const server = await startServerProcess();
    processes.push(server);
    const { alice, bob, sid, room } = await aliceAndBobOnBoard(server);
    // Bob's client id is the lower one, so of two concurrent sets of one key, his is the one every replica drops.
    const a = connect(server.base, room, alice.token, 2_000_000);
    const b = connect(server.base, room, bob.token, 1_000_000);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    b.provider.disconnect();
    b.doc.getMap("kv").set("status", "bob's");
    a.doc.getMap("kv").set("status", "alice's");
    let answer: HistoryAnswer | undefined;
    await until(async () => {
      const got = await history(server.base, sid, "board", "status", alice.token);
      answer = got.body as HistoryAnswer;
      return got.status === 200 && answer.changes.length === 1;
    }, "alice's write in the history");
    b.provider.connect();
    await until(async () => {
      const got = await history(server.base, sid, "board", "status", alice.token);
      answer = got.body as HistoryAnswer;
      return got.status === 200 && answer.changes.length === 2;
    }, "bob's write in the history");
    expect(b.doc.getMap("kv").get("status")).toBe("alice's");
    expect(answer!.changes.map((change) => [change.userName, change.to, change.superseded])).toEqual([
      ["alice", "alice's", false],
      ["bob", "bob's", true],
    ]);
    expect(answer!.changes[1]!.supersededBy).toBe(answer!.changes[0]!.seq);
  });

  it("with a small retention window the log is pruned, and history starts where it says, from the pruned state", async () => {
    const server = await startServerProcess({ env: { TAIKU_RETENTION_EVENTS: "50", TAIKU_RETENTION_HOURS: "0" } });
    processes.push(server);
    const alice = await signUp(server.base, "alice");
    const sid = await createSession(server.base, alice.token, "test", ["counter"]);
    const writer = connect(server.base, `sessions/${sid}/kv/counter`, alice.token);
    clients.push(writer);
    await synced(writer);
    // Enough separate writes for the relay to write a snapshot, which prunes to the window.
    const writes = 1_200;
    for (let i = 1; i <= writes; i++) writer.doc.getMap("kv").set("n", i);
    let answer: HistoryAnswer | undefined;
    await until(async () => {
      const got = await history(server.base, sid, "counter", "n", alice.token);
      answer = got.body as HistoryAnswer;
      return got.status === 200 && answer.historyStartsAt > 1 && answer.changes.at(-1)?.to === writes;
    }, "a pruned history that reaches the last write");
    const first = answer!.changes[0]!;
    expect(first.seq).toBe(answer!.historyStartsAt);
    // Every event here is one write of `n`, so the value before the first kept one is the one it replaced.
    expect(first.from).toBe((first.to as number) - 1);
    expect(answer!.changes.length).toBe(writes - answer!.historyStartsAt + 1);
    expect(answer!.changes.length).toBeLessThan(writes);
  });

  it("refuses a missing, empty or oversized key, and a non-member, changing nothing", async () => {
    const server = await startServerProcess();
    processes.push(server);
    const alice = await signUp(server.base, "alice");
    const mallory = await signUp(server.base, "mallory");
    const sid = await createSession(server.base, alice.token, "test", ["board"]);
    const missing = await fetch(`${server.base}/api/sessions/${sid}/kv/board/history`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(missing.status).toBe(400);
    expect((await history(server.base, sid, "board", "", alice.token)).status).toBe(400);
    expect((await history(server.base, sid, "board", "k".repeat(513), alice.token)).status).toBe(400);
    expect((await history(server.base, sid, "Bad_Plugin", "k", alice.token)).status).toBe(400);
    expect((await history(server.base, sid, "board", "k", mallory.token)).status).toBe(403);
    const empty = await history(server.base, sid, "board", "never-written", alice.token);
    expect(empty).toEqual({ status: 200, body: { key: "never-written", historyStartsAt: 1, changes: [] } });
  });
});
