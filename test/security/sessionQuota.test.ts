/**
 * The session document has a byte quota, judged by the same arbiter and
 * compensated by the same rule as session KV, and a lower frame limit than
 * plugin documents: a member writing megabytes into `layout` cannot make
 * every later joiner download them. Driven by stock y-websocket clients.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { CloseCode, sessionDocName } from "@taiku/engine";
import { openRaw, startSecurityFixture, stockClient, until, type SecurityFixture } from "./securityFixture";

const MIB = 1024 * 1024;
let f: SecurityFixture;
const providers: WebsocketProvider[] = [];

beforeAll(async () => {
  f = await startSecurityFixture();
});
afterEach(() => {
  for (const provider of providers.splice(0)) provider.destroy();
});
afterAll(() => f.t.stop());

/** A stock client that counts the bytes it receives. */
function countingClient(room: string, token: string): { provider: WebsocketProvider; received: { bytes: number } } {
  const received = { bytes: 0 };
  class CountingSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      this.on("message", (data: Buffer) => void (received.bytes += data.byteLength));
    }
  }
  const provider = new WebsocketProvider(f.wsBase, room, new Y.Doc(), { WebSocketPolyfill: CountingSocket as never, params: { token }, disableBc: true });
  providers.push(provider);
  return { provider, received };
}

describe("the session document quota", () => {
  it("a 2 MiB layout write is compensated: the writer converges, a later joiner never downloads it, normal writes still pass", async () => {
    const room = sessionDocName(f.sid);
    const writer = stockClient(f.wsBase, room, f.member.token);
    const watcher = stockClient(f.wsBase, room, f.owner.token);
    providers.push(writer, watcher);
    await until(() => writer.synced && watcher.synced, "both clients to sync");

    writer.doc.getMap("layout").set("panel", "terminal");
    await until(() => watcher.doc.getMap("layout").get("panel") === "terminal", "a normal write to reach the watcher");

    writer.doc.getMap("layout").set("blob", "x".repeat(2 * MIB));
    await until(() => writer.doc.getMap("layout").get("blob") === undefined, "the writer's replica to be compensated");
    writer.doc.getMap("layout").set("after", "still works");
    await until(() => watcher.doc.getMap("layout").get("after") === "still works", "a later normal write to reach the watcher");
    expect(watcher.doc.getMap("layout").get("blob")).toBeUndefined();

    const joiner = countingClient(room, f.owner.token);
    await until(() => joiner.provider.synced, "the joiner to sync");
    expect(joiner.provider.doc.getMap("layout").toJSON()).toEqual({ panel: "terminal", after: "still works" });
    expect(joiner.received.bytes).toBeLessThan(64 * 1024);
    expect(writer.doc.getMap("layout").toJSON()).toEqual(joiner.provider.doc.getMap("layout").toJSON());
  });

  it("writes that fit pass until the quota, and the one that crosses it is reverted, across a reconnect", async () => {
    const room = sessionDocName(f.sid);
    const writer = stockClient(f.wsBase, room, f.member.token);
    providers.push(writer);
    await until(() => writer.synced, "sync");
    writer.doc.getMap("layout").set("big", "a".repeat(MIB));
    writer.doc.getMap("layout").set("bigger", "b".repeat(MIB + MIB / 2));
    await until(() => writer.doc.getMap("layout").get("bigger") === undefined, "the crossing write to be reverted");
    expect((writer.doc.getMap("layout").get("big") as string).length).toBe(MIB);

    const joiner = stockClient(f.wsBase, room, f.owner.token);
    providers.push(joiner);
    await until(() => joiner.synced, "the joiner to sync");
    expect((joiner.doc.getMap("layout").get("big") as string).length).toBe(MIB);
    expect(joiner.doc.getMap("layout").get("bigger")).toBeUndefined();
    // Deleting always passes, so the document can get back under its quota.
    writer.doc.getMap("layout").delete("big");
    await until(() => joiner.doc.getMap("layout").get("big") === undefined, "the delete to reach the joiner");
  });
});

describe("the session document frame limit", () => {
  it("a 5 MiB frame on a session document closes that socket with 4400 and stores nothing", async () => {
    const doc = sessionDocName(f.sid);
    const before = await f.t.events.lastSeq(doc);
    const outcome = await openRaw(f.wsBase, doc, f.member.token);
    expect(outcome.admitted).toBe(true);
    if (!outcome.admitted) return;
    const big = new Y.Doc();
    big.getMap("layout").set("huge", "z".repeat(5 * MIB));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => outcome.ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    // sync step 2 carrying the whole state: [MESSAGE_SYNC, 2, update]
    const update = Y.encodeStateAsUpdate(big);
    outcome.ws.send(Buffer.concat([Buffer.from([0, 2]), varUint(update.byteLength), Buffer.from(update)]));
    const { code, reason } = await closed;
    expect(code).toBe(CloseCode.ProtocolViolation);
    expect(reason).toMatch(/over the session document's limit/);
    expect(await f.t.events.lastSeq(doc)).toBe(before);
  });
});

function varUint(value: number): Buffer {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}
