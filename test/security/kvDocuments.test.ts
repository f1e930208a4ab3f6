/**
 * Limits a member cannot exhaust: session KV documents open only for
 * plugins the session knows (installed on the server, or session-managed),
 * so made-up plugin ids are refused with nothing stored and cannot fill the
 * per-session cap; and the cap holds under concurrent first opens, even
 * when the store is slow to list what a session holds.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { WebsocketProvider } from "y-websocket";
import { CloseCode, kvDocName, kvDocPrefix, type EventStore, type PluginId } from "@taiku/engine";
import { connect, startRelay, type RelayFixture } from "../../server/src/sync/relayFixture";
import { openRaw, startSecurityFixture, stockClient, until, type SecurityFixture, type SocketOutcome } from "./securityFixture";

const providers: WebsocketProvider[] = [];
beforeEach(() => {
  // Refused stock clients print the reason they were given.
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterEach(() => {
  for (const provider of providers.splice(0)) provider.destroy();
  vi.restoreAllMocks();
});

describe("session KV documents for plugins the session does not know", () => {
  let f: SecurityFixture;
  beforeAll(async () => {
    f = await startSecurityFixture();
  });
  afterAll(() => f.t.stop());

  it("64 made-up plugin ids from one member are refused, store nothing, and do not lock the owner out of notes", async () => {
    const outcomes: SocketOutcome[] = [];
    for (let i = 0; i < 64; i++) outcomes.push(await openRaw(f.wsBase, kvDocName(f.sid, `made-up-${i}` as PluginId), f.member.token));
    for (const outcome of outcomes) {
      expect(outcome.admitted).toBe(false);
      if (!outcome.admitted) {
        expect(outcome.code).toBe(CloseCode.DocumentNotFound);
        expect(outcome.reason).toMatch(/not installed on this server nor enabled for this session/);
      }
    }
    expect(await f.t.events.listDocs(kvDocPrefix(f.sid))).toEqual([]);

    const owner = stockClient(f.wsBase, kvDocName(f.sid, "notes" as PluginId), f.owner.token);
    const reader = stockClient(f.wsBase, kvDocName(f.sid, "notes" as PluginId), f.member.token);
    providers.push(owner, reader);
    await until(() => owner.synced, "the owner's notes to sync");
    owner.doc.getMap("kv").set("agenda", "ship it");
    await until(() => reader.doc.getMap("kv").get("agenda") === "ship it", "the member to see the owner's note");
  });

  it("a plugin the owner enabled for the session opens, and one disabled again is refused", async () => {
    const put = await f.t.call("PUT", `/api/sessions/${f.sid}/plugins/team-board`, { token: f.owner.token });
    expect(put.status).toBe(200);
    const opened = await openRaw(f.wsBase, kvDocName(f.sid, "team-board" as PluginId), f.member.token);
    expect(opened.admitted).toBe(true);
    if (opened.admitted) opened.ws.close();
    await f.t.call("DELETE", `/api/sessions/${f.sid}/plugins/team-board`, { token: f.owner.token });
    const refused = await openRaw(f.wsBase, kvDocName(f.sid, "team-board" as PluginId), f.member.token);
    expect(refused).toMatchObject({ admitted: false, code: CloseCode.DocumentNotFound });
  });
});

describe("the per-session cap under concurrent first opens", () => {
  const CAP = 3;
  let r: RelayFixture;
  beforeAll(async () => {
    // A store that answers its listing slowly, as a loaded disk does: every first open's check overlaps the others'.
    r = await startRelay({ maxKvDocsPerSession: CAP, wrapStore: (store) => slowListing(store, 30) });
  });
  afterAll(() => r.dispose());

  it("twenty documents opened at once: exactly the cap is admitted, the rest get 4413, and the store holds no more than the cap", async () => {
    const names = Array.from({ length: 20 }, (_, i) => `sessions/race/kv/plugin-${i}`);
    const outcomes = await Promise.all(names.map((name) => openRaw(r.url, name, "")));
    const admitted = outcomes.filter((outcome) => outcome.admitted);
    expect(admitted).toHaveLength(CAP);
    for (const outcome of outcomes) if (!outcome.admitted) expect(outcome.code).toBe(CloseCode.DocumentCapReached);
    for (const outcome of admitted) if (outcome.admitted) outcome.ws.close();

    // Each admitted document is written, so it is stored; no other is.
    const writers = names.map((name) => connect(r.url, name, "writer", undefined, false));
    try {
      await until(() => writers.filter((w) => w.provider.synced).length === CAP, "the admitted documents to sync");
      for (const writer of writers) if (writer.provider.synced) writer.doc.getMap("kv").set("k", "v");
      await until(() => writers.every((w) => w.provider.synced || !w.provider.shouldConnect), "the refused writers to stop");
      const deadline = Date.now() + 5_000;
      while ((await r.store.listDocs("sessions/race/kv/")).length < CAP && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await r.store.listDocs("sessions/race/kv/")).toHaveLength(CAP);
    } finally {
      for (const writer of writers) writer.destroy();
    }
  });
});

/** `store`, with `listDocs` answering after `ms`. */
function slowListing(store: EventStore, ms: number): EventStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === "listDocs") {
        return async (prefix: string) => {
          await new Promise((resolve) => setTimeout(resolve, ms));
          return target.listDocs(prefix);
        };
      }
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
