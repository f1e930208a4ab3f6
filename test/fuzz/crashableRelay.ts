/**
 * A relay for the full-path fuzzer that can stop cleanly or crash. It runs
 * the real `createRelay` over a real LevelDB event store in a data
 * directory that outlives it, on a real HTTP server on 127.0.0.1, like
 * `relayFixture.ts`, with two additions:
 * - every update the store confirmed appended is merged into `acknowledged`
 *   (the updates that count as durable; nothing unconfirmed does);
 * - `crash()` ends it the way a killed process would, in-process: from that
 *   moment the store answers the relay's calls never (what was not
 *   confirmed is lost), the relay's sockets are cut without a close
 *   handshake, and the relay is never closed, so nothing it held in memory
 *   is flushed. The store itself is closed under it, which writes only what
 *   it had already confirmed (its contract: a confirmed append is durable).
 * Invariant: after either ending, a relay started on the same directory
 * serves at least `acknowledged`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import pino from "pino";
import * as Y from "yjs";
import { parseDocName, type DocName, type EventStore, type UserId } from "@taiku/engine";
import { createLevelEventStore, openLevel } from "../../server/src/store/index";
import { createRelay } from "../../server/src/sync/createRelay";

/** A running relay that can stop or crash. */
export interface CrashableRelay {
  readonly url: string;
  /** Every update the store confirmed appended, merged. */
  readonly acknowledged: Y.Doc;
  /** Stops the relay cleanly (it flushes), then the store and database. */
  stop(): Promise<void>;
  /** Ends the relay as a crash would (see the module header). */
  crash(): Promise<void>;
}

const never = new Promise<never>(() => undefined);

/** Starts a relay over the LevelDB in `dir`; `acknowledged` carries over from an earlier relay on it. */
export async function startCrashableRelay(dir: string, acknowledged = new Y.Doc()): Promise<CrashableRelay> {
  const db = await openLevel(join(dir, "db"));
  const base = createLevelEventStore(db.sublevel("events"));
  let dead = false;
  const guard = <T>(call: () => Promise<T>): Promise<T> => (dead ? never : call());
  const store: EventStore = {
    async append(doc, events) {
      if (dead) return never;
      const stored = await base.append(doc, events);
      if (!dead) for (const event of events) Y.applyUpdate(acknowledged, event.update);
      return dead ? never : stored;
    },
    read: (doc, range) => guard(() => base.read(doc, range)),
    writeSnapshot: (doc, snapshot) => guard(() => base.writeSnapshot(doc, snapshot)),
    load: (doc) => guard(() => base.load(doc)),
    lastSeq: (doc) => guard(() => base.lastSeq(doc)),
    listDocs: (prefix) => guard(() => base.listDocs(prefix)),
    deleteDoc: (doc) => guard(() => base.deleteDoc(doc)),
    historyBase: (doc) => guard(() => base.historyBase(doc)),
    prune: (doc, upTo) => guard(() => base.prune(doc, upTo)),
    close: () => guard(() => base.close()),
  };
  const relay = createRelay({ logger: pino({ level: "silent" }), store });
  const server: Server = createServer();
  const sockets = new Set<Duplex>();
  server.on("upgrade", (req, socket, head) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    const url = new URL(req.url ?? "/", "http://localhost");
    const name = decodeURIComponent(url.pathname.replace(/^\/sync\//, ""));
    if (parseDocName(name) === undefined) return socket.destroy();
    relay.handleUpgrade(req, socket, head, name as DocName, { userId: (url.searchParams.get("user") ?? "tester") as UserId, name: "tester" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const closeServer = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/sync`,
    acknowledged,
    async stop() {
      await relay.close();
      await closeServer();
      await store.close();
      await db.close();
    },
    async crash() {
      dead = true;
      for (const socket of sockets) socket.destroy();
      await closeServer();
      await base.close();
      await db.close();
    },
  };
}
