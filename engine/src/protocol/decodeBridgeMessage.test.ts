import * as prng from "lib0/prng";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../errors";
import type { PluginId, SessionId } from "../ids";
import {
  createConnect,
  createErrorResponse,
  createEvent,
  createInit,
  createRequest,
  createResponse,
  isConnectMessage,
  isErrorResponse,
  isEventMessage,
  isInitMessage,
  isRequestMessage,
  isResponseMessage,
  type BridgeMessage,
} from "./bridgeMessage";
import type { BridgeValue } from "./bridgeValue";
import { decodeBridgeMessage } from "./decodeBridgeMessage";

const BASE_SEED = Number(process.env.TAIKU_SEED ?? 20261122);
const SEEDS = 150;

function randomValue(gen: prng.PRNG, depth: number): BridgeValue {
  switch (depth > 3 ? prng.int32(gen, 0, 4) : prng.int32(gen, 0, 7)) {
    case 0:
      return null;
    case 1:
      return prng.bool(gen);
    case 2:
      return prng.int32(gen, -1e6, 1e6) / 7;
    case 3:
      return prng.utf16String(gen, 30);
    case 4:
      return prng.uint8Array(gen, prng.int32(gen, 0, 40));
    case 5:
      return Array.from({ length: prng.int32(gen, 0, 4) }, () => randomValue(gen, depth + 1));
    default: {
      const entries = Array.from({ length: prng.int32(gen, 0, 4) }, () => [
        prng.word(gen, 1, 8),
        randomValue(gen, depth + 1),
      ]);
      return Object.fromEntries(entries) as BridgeValue;
    }
  }
}

function randomMessage(gen: prng.PRNG): BridgeMessage {
  const id = `r${prng.uint32(gen, 0, 1e9)}`;
  switch (prng.int32(gen, 0, 4)) {
    case 0:
      return createInit({
        pluginId: `p${prng.word(gen, 0, 10)}` as PluginId,
        sessionId: `s${prng.uint32(gen, 0, 1e9)}` as SessionId,
        instanceId: `i${prng.uint32(gen, 0, 1e9)}`,
        theme: prng.bool(gen) ? "dark" : "light",
      });
    case 1:
      return createRequest(id, prng.oneOf(gen, ["getSession", "kv.sync", "setPluginData"]), {
        value: randomValue(gen, 1),
      });
    case 2:
      return createResponse(id, randomValue(gen, 1));
    case 3:
      return createErrorResponse(id, prng.oneOf(gen, Object.values(ErrorCode)), prng.utf16String(gen, 50));
    default:
      return createEvent(prng.oneOf(gen, ["shell:data", "kv:update", "host:ping", "plugin:a.b:done"]), randomValue(gen, 1), prng.uint32(gen, 0, 2e12));
  }
}

describe("decodeBridgeMessage", () => {
  it("decodes every message the create helpers build, after structured clone, unchanged", () => {
    for (let i = 0; i < SEEDS; i++) {
      const seed = BASE_SEED + i;
      const message = randomMessage(prng.create(seed));
      const decoded = decodeBridgeMessage(structuredClone(message));
      expect(decoded, `seed ${seed}`).toEqual({ message });
    }
  });

  it("type guards tell the four messages apart", () => {
    const init = createInit({ pluginId: "a" as PluginId, sessionId: "s" as SessionId, instanceId: "i", theme: "dark" });
    const response = createErrorResponse("1", ErrorCode.NotFound, "gone", { key: "x" });
    expect(isInitMessage(init)).toBe(true);
    expect(isRequestMessage(createRequest("1", "getSession"))).toBe(true);
    expect(isResponseMessage(response) && isErrorResponse(response)).toBe(true);
    expect(isErrorResponse(createResponse("1", null))).toBe(false);
    expect(isEventMessage(createEvent("shell:data", { shellId: "a", data: "x" }))).toBe(true);
  });

  it("decodes a plugin's taiku:connect, the late SDK's request for init", () => {
    const connect = createConnect();
    expect(isConnectMessage(connect)).toBe(true);
    expect(decodeBridgeMessage(connect)).toEqual({ message: connect });
  });

  it("decodes the host's liveness ping and a plugin's pong and error report", () => {
    const ping = createEvent("host:ping", { n: 3 });
    expect(decodeBridgeMessage(ping)).toEqual({ message: ping });
    const pong = createRequest("p1", "pong", { n: 3 });
    expect(decodeBridgeMessage(pong)).toEqual({ message: pong });
    const report = createRequest("e1", "reportError", { message: "boom", stack: "at click" });
    expect(decodeBridgeMessage(report)).toEqual({ message: report });
  });

  const hostile: Array<[string, unknown]> = [
    ["undefined", undefined],
    ["a string", "taiku:request"],
    ["an array", [{ type: "taiku:request" }]],
    ["an unknown type", { type: "taiku:explode" }],
    ["no type", { id: "1", method: "getSession", params: {} }],
    ["an extra key", { type: "taiku:request", id: "1", method: "getSession", params: {}, admin: true }],
    ["a numeric id", { type: "taiku:request", id: 1, method: "getSession", params: {} }],
    ["an empty id", { type: "taiku:request", id: "", method: "getSession", params: {} }],
    ["params as an array", { type: "taiku:request", id: "1", method: "getSession", params: [] }],
    ["a method with spaces", { type: "taiku:request", id: "1", method: "get Session", params: {} }],
    ["__proto__ in params", JSON.parse('{"type":"taiku:request","id":"1","method":"setPluginData","params":{"key":"a","value":{"__proto__":{"polluted":true}}}}')],
    ["constructor in params", { type: "taiku:request", id: "1", method: "setPluginData", params: { key: "a", value: { constructor: { prototype: {} } } } }],
    ["prototype deep in a result", { type: "taiku:response", id: "1", result: [[{ prototype: 1 }]] }],
    ["a function", { type: "taiku:request", id: "1", method: "getSession", params: { f: () => 1 } }],
    ["a Date", { type: "taiku:request", id: "1", method: "getSession", params: { d: new Date() } }],
    ["a Map", { type: "taiku:response", id: "1", result: new Map() }],
    ["a class instance", new (class Fake { type = "taiku:request"; id = "1"; method = "getSession"; params = {} })()],
    ["NaN", { type: "taiku:event", event: { type: "shell:data", data: Number.NaN, ts: 1 } }],
    ["Infinity ts", { type: "taiku:event", event: { type: "shell:data", data: null, ts: Infinity } }],
    ["an undefined value", { type: "taiku:response", id: "1", result: undefined }],
    ["both result and error", { type: "taiku:response", id: "1", result: 1, error: { code: "internal", message: "x" } }],
    ["an unknown error code", { type: "taiku:response", id: "1", error: { code: "teapot", message: "x" } }],
    ["error details that are not an object", { type: "taiku:response", id: "1", error: { code: "internal", message: "x", details: [] } }],
    ["an event type with spaces", { type: "taiku:event", event: { type: "shell data", data: null, ts: 1 } }],
    ["an event with an extra key", { type: "taiku:event", event: { type: "shell:data", data: null, ts: 1, from: "x" } }],
    ["an init with a bad plugin id", { type: "taiku:init", pluginId: "../x", sessionId: "s", instanceId: "i", apiVersion: 1, theme: "dark" }],
    ["a connect with an extra key", { type: "taiku:connect", apiVersion: 1, pluginId: "admin" }],
    ["a connect without an apiVersion", { type: "taiku:connect" }],
    ["a connect with a negative apiVersion", { type: "taiku:connect", apiVersion: -1 }],
    ["an init with a bad theme", { type: "taiku:init", pluginId: "a", sessionId: "s", instanceId: "i", apiVersion: 1, theme: "pink" }],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the input under test
    ["a sparse array", { type: "taiku:response", id: "1", result: [1, , 3] }],
    ["a typed array other than Uint8Array", { type: "taiku:response", id: "1", result: new Uint16Array(2) }],
    ["a symbol key", { type: "taiku:response", id: "1", result: { [Symbol("x")]: 1 } }],
  ];
  for (const [what, raw] of hostile) {
    it(`rejects ${what} with a reason`, () => {
      const decoded = decodeBridgeMessage(raw);
      expect(decoded.error).toEqual(expect.any(String));
      expect("message" in decoded).toBe(false);
    });
  }

  it("rejects payloads larger than the limit without walking all of them", () => {
    const huge = createResponse("1", "x".repeat(3 * 1024 * 1024));
    expect(decodeBridgeMessage(huge).error).toMatch(/larger than/);
    const manySmall = createResponse("1", Array.from({ length: 400_000 }, () => 0));
    expect(decodeBridgeMessage(manySmall).error).toMatch(/larger than/);
    const bigBinary = createResponse("1", new Uint8Array(3 * 1024 * 1024));
    expect(decodeBridgeMessage(bigBinary).error).toBeUndefined();
    expect(decodeBridgeMessage(bigBinary, { maxBytes: 2 * 1024 * 1024, maxDepth: 8, maxBinaryBytes: 1024 * 1024 }).error).toMatch(/binary payload larger than/);
    expect(decodeBridgeMessage(bigBinary, { maxBytes: 2 * 1024 * 1024, maxDepth: 8 }).error).toMatch(/larger than/);
    expect(decodeBridgeMessage(createResponse("1", "x".repeat(100)), { maxBytes: 64, maxDepth: 8 }).error).toMatch(/larger than/);
  });

  it("rejects deep nesting and cyclic objects instead of overflowing the stack", () => {
    let deep: BridgeValue = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(decodeBridgeMessage(createResponse("1", deep)).error).toMatch(/nested deeper/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(decodeBridgeMessage({ type: "taiku:response", id: "1", result: cyclic }).error).toMatch(/nested deeper/);
  });

  it("never throws, even on getters and proxies that throw", () => {
    const trap = new Proxy({}, { ownKeys: () => { throw new Error("trap"); } });
    const getter = Object.defineProperty({ type: "taiku:response", id: "1" }, "result", {
      enumerable: true,
      get: () => { throw new Error("boom"); },
    });
    expect(decodeBridgeMessage(trap).error).toMatch(/trap|plain object/);
    expect(decodeBridgeMessage(getter).error).toMatch(/boom/);
  });

  it("never throws on seeded garbage and accepts only well-formed messages", () => {
    for (let i = 0; i < SEEDS; i++) {
      const seed = BASE_SEED + i;
      const gen = prng.create(seed);
      const message = randomMessage(gen) as unknown as Record<string, unknown>;
      const mutated: Record<string, unknown> = { ...message };
      const key = prng.oneOf(gen, Object.keys(mutated));
      mutated[key] = randomValue(gen, 0);
      const decoded = decodeBridgeMessage(mutated);
      if (decoded.error === undefined) {
        expect(decodeBridgeMessage(structuredClone(decoded.message)), `seed ${seed}`).toEqual(decoded);
      } else {
        expect(decoded.error, `seed ${seed}`).toEqual(expect.any(String));
      }
    }
  });
});
