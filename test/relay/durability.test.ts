/**
 * Persist, then broadcast: kill -9 the real server while 8 stock y-websocket
 * clients write, restart it over the same data directory, and check that
 * every update any client had received from the relay is still there.
 * (A stress run with 20+ kill points lives in `bench/`.)
 */
import { afterAll, describe, expect, it } from "vitest";
import { WebsocketProvider } from "y-websocket";
import WebSocket from "ws";
import * as Y from "yjs";
import { createSession, signUp, startServerProcess, type ServerProcess } from "../support/serverProcess";

const KILL_POINTS = Number(process.env.TAIKU_KILL_POINTS ?? 3);
const WRITERS = 8;

interface Writer {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** Keys this client saw arrive from the relay. */
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

const processes: ServerProcess[] = [];
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill9();
});

describe("durability under kill -9", () => {
  it(`keeps every update any client received, across ${KILL_POINTS} kill points`, async () => {
    let server = await startServerProcess();
    processes.push(server);
    const { token } = await signUp(server.base, "writer");
    const sessionId = await createSession(server.base, token, "test", ["durability"]);
    const room = `sessions/${sessionId}/kv/durability`;
    let counter = 0;

    for (let point = 0; point < KILL_POINTS; point++) {
      const writers = Array.from({ length: WRITERS }, () => connectWriter(server.base, room, token));
      await Promise.all(writers.map((w) => new Promise<void>((resolve) => w.provider.once("sync", () => resolve()))));
      const timer = setInterval(() => {
        for (const [i, w] of writers.entries()) w.doc.getMap("kv").set(`w${i}-${counter++}`, counter % 97);
      }, 2);
      // Let updates flow (under load that can take a while), then kill at a random moment.
      const flowing = Date.now() + 20_000;
      while (writers.every((w) => w.received.size < 20) && Date.now() < flowing) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
      await server.kill9();
      clearInterval(timer);
      const seen = new Set<string>();
      for (const w of writers) for (const key of w.received) seen.add(key);
      for (const w of writers) {
        w.provider.destroy();
        w.doc.destroy();
      }
      expect(seen.size).toBeGreaterThan(0);

      server = await startServerProcess({ dataDir: server.dataDir, port: server.port });
      processes.push(server);
      const reader = connectWriter(server.base, room, token);
      await new Promise<void>((resolve) => reader.provider.once("sync", () => resolve()));
      const after = new Set(reader.doc.getMap("kv").keys());
      const missing = [...seen].filter((key) => !after.has(key));
      reader.provider.destroy();
      expect(missing, `kill point ${point}: keys seen by a peer but lost`).toEqual([]);
    }
    expect(await server.stop()).toBe(0);
  }, 120_000);
});
