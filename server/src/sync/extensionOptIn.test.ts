import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CloseCode, extensionParams } from "@taiku/engine";
import { startRelay, type RelayFixture } from "./relayFixture";
import type { RelayExtension } from "./relayTypes";

const DOC = "sessions/s1";
/** One byte on the wire (types up to 127 are one varUint byte), so `frame[0]` is the type. */
const TYPE = 120;
let fixtures: RelayFixture[] = [];

afterEach(async () => {
  for (const f of fixtures) await f.dispose();
  fixtures = [];
});

/** An extension that greets every socket on open and echoes what it is sent. */
const echo: RelayExtension = {
  name: "echo",
  messageTypes: [TYPE],
  onOpen: (socket) => socket.send(new Uint8Array([TYPE, 0])),
  onMessage: (socket, _type, payload) => socket.send(new Uint8Array([TYPE, ...payload])),
};

async function relay(): Promise<RelayFixture> {
  const fixture = await startRelay({ extensions: [echo] });
  fixtures.push(fixture);
  return fixture;
}

/** A raw socket collecting every frame; `optIn` adds the taiku extensions opt-in to its URL. */
async function open(fixture: RelayFixture, optIn: boolean) {
  const query = optIn ? `?${new URLSearchParams(extensionParams())}` : "";
  const ws = new WebSocket(`${fixture.url}/${DOC}${query}`);
  const frames: Uint8Array[] = [];
  ws.on("message", (data: Buffer) => frames.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.on("open", () => resolve());
    ws.on("error", reject);
  });
  return { ws, frames, closed };
}

/** Resolves once `frames` holds one matching `match`. */
async function until(frames: Uint8Array[], match: (frame: Uint8Array) => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 5_000; !frames.some(match); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The relay's own sync step 1, sent after the extensions' greetings on the same socket. */
const isSyncStep1 = (frame: Uint8Array): boolean => frame[0] === 0 && frame[1] === 0;

describe("taiku's extension messages", () => {
  it("reach a socket that opted in, in both directions", async () => {
    const r = await relay();
    const client = await open(r, true);
    await until(client.frames, isSyncStep1, "the relay's sync step 1");
    expect(client.frames.filter((frame) => frame[0] === TYPE)).toEqual([new Uint8Array([TYPE, 0])]);
    client.ws.send(new Uint8Array([TYPE, 7, 8]));
    await until(client.frames, (frame) => frame[0] === TYPE && frame[1] === 7, "the echo");
    client.ws.close();
  });

  it("never reach a socket that did not opt in, which sees the standard protocol only", async () => {
    const r = await relay();
    const stock = await open(r, false);
    await until(stock.frames, isSyncStep1, "the relay's sync step 1");
    expect(stock.frames.map((frame) => frame[0]).filter((type) => type !== undefined && type > 3)).toEqual([]);
    stock.ws.close();
  });

  it("close a socket that sends one without having opted in, with 4400 and a reason naming the opt-in", async () => {
    const r = await relay();
    const stock = await open(r, false);
    await until(stock.frames, isSyncStep1, "the relay's sync step 1");
    stock.ws.send(new Uint8Array([TYPE, 1]));
    const outcome = await stock.closed;
    expect(outcome.code).toBe(CloseCode.ProtocolViolation);
    expect(outcome.reason).toMatch(/opt-in/);
    expect(stock.frames.some((frame) => frame[0] === TYPE)).toBe(false);
  });
});
