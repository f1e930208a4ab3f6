/**
 * Test fixture: a real relay on a real HTTP server (127.0.0.1, port 0) with
 * a real LevelDB event store, and stock y-websocket clients. Authentication
 * is not part of the relay (the HTTP side does it), so the fixture admits
 * every upgrade as the user named in `?user=` (its id and its name).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import WebSocket from "ws";
import { extensionParams, parseDocName, type DocName, type EventStore, type UserId } from "@taiku/engine";
import { createLevelEventStore, openLevel, type ServerLevel } from "../store/index";
import { createRelay, type RelayOptions } from "./createRelay";
import type { Relay } from "./relayTypes";

/** A running relay. */
export interface RelayFixture {
  readonly url: string;
  readonly relay: Relay;
  readonly store: EventStore;
  readonly dir: string;
  /** Stops the relay (flushing) and the database; the data directory stays. */
  stop(): Promise<void>;
  /** Stops and removes the data directory. */
  dispose(): Promise<void>;
}

/** Starts a relay over a LevelDB in `dir` (a new temp dir by default). */
export async function startRelay(options: Partial<RelayOptions> & { dir?: string; wrapStore?: (store: EventStore) => EventStore } = {}): Promise<RelayFixture> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "taiku-relay-"));
  const db: ServerLevel = await openLevel(join(dir, "db"));
  const base = createLevelEventStore(db.sublevel("events"));
  const store = options.wrapStore ? options.wrapStore(base) : base;
  const relay = createRelay({ logger: pino({ level: "silent" }), ...options, store });
  const server: Server = createServer();
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const name = decodeURIComponent(url.pathname.replace(/^\/sync\//, ""));
    if (parseDocName(name) === undefined) return socket.destroy();
    relay.handleUpgrade(req, socket, head, name as DocName, { userId: (url.searchParams.get("user") ?? "tester") as UserId, name: url.searchParams.get("user") ?? "tester" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await relay.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    await db.close();
  };
  return {
    url: `ws://127.0.0.1:${port}/sync`,
    relay,
    store,
    dir,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A stock y-websocket client. */
export interface TestClient {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** Raw taiku notices (message type 100) this client received. */
  readonly notices: Uint8Array[];
  destroy(): void;
}

/**
 * Connects a stock `WebsocketProvider` to `doc`. It opts in to taiku's
 * extension messages (as the taiku client does) unless `extensions` is
 * false, which makes it a plain stock client.
 */
export function connect(url: string, docName: string, user = "tester", doc = new Y.Doc(), extensions = true): TestClient {
  const params = extensions ? { user, ...extensionParams() } : { user };
  const provider = new WebsocketProvider(url, docName, doc, { WebSocketPolyfill: WebSocket as never, params, disableBc: true });
  const notices: Uint8Array[] = [];
  provider.messageHandlers[100] = (_encoder, decoder) => {
    notices.push(decoder.arr.slice());
  };
  return {
    doc,
    provider,
    notices,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Resolves once `check` holds, polling; rejects after `ms`. */
export async function eventually(check: () => boolean, ms = 5_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once the provider finished its first sync. */
export function synced(client: TestClient): Promise<void> {
  return eventually(() => client.provider.synced, 5_000, "sync");
}
