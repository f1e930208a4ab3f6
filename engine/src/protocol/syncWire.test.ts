import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import { kvDocName, kvDocPrefix, parseDocName, sessionDocName, type PluginId, type SessionId } from "../ids";
import { CLOSE_CODE_MEANINGS, CloseCode, isPermanentClose } from "./closeCodes";
import {
  EXTENSIONS_PARAM,
  EXTENSIONS_VERSION,
  MESSAGE_AUTH,
  MESSAGE_TAIKU_EVENT,
  MESSAGE_TAIKU_NOTICE,
  decodePermissionDenied,
  encodePermissionDenied,
  extensionOptIn,
  extensionParams,
  isExtensionMessage,
  isStandardMessage,
  messageTypeOf,
} from "./syncWire";

/** A small seeded generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(next: () => number, alphabet: string, min: number, max: number): string {
  const length = min + Math.floor(next() * (max - min + 1));
  let text = "";
  const chars = Array.from(alphabet);
  for (let i = 0; i < length; i++) text += chars[Math.floor(next() * chars.length)];
  return text;
}

describe("the sync wire", () => {
  it("a permission-denied frame round-trips and is what y-protocols' auth reader reads", () => {
    const next = random(7);
    for (let i = 0; i < 200; i++) {
      const reason = pick(next, "abc xyz/é✓\u0000😀", 0, 40);
      const frame = encodePermissionDenied(reason);
      expect(decodePermissionDenied(frame)).toEqual({ reason });
      const decoder = decoding.createDecoder(frame);
      expect(decoding.readVarUint(decoder)).toBe(MESSAGE_AUTH);
      expect(decoding.readVarUint(decoder)).toBe(0);
      expect(decoding.readVarString(decoder)).toBe(reason);
    }
  });

  it("refuses a truncated, foreign or padded auth frame without throwing", () => {
    const frame = encodePermissionDenied("no");
    expect(decodePermissionDenied(frame.subarray(0, 2))).toHaveProperty("error");
    expect(decodePermissionDenied(new Uint8Array([0, 0, 0]))).toHaveProperty("error");
    expect(decodePermissionDenied(new Uint8Array([MESSAGE_AUTH, 1, 0]))).toHaveProperty("error");
    expect(decodePermissionDenied(new Uint8Array([...frame, 9]))).toHaveProperty("error");
    expect(decodePermissionDenied(new Uint8Array())).toHaveProperty("error");
  });

  it("reads the message type of any frame, one byte or many, and nothing from an empty or cut one", () => {
    for (const type of [0, 1, 2, 3, 100, 101, 127, 128, 300, 2 ** 20]) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, type);
      encoding.writeVarString(encoder, "x");
      expect(messageTypeOf(encoding.toUint8Array(encoder))).toBe(type);
    }
    expect(messageTypeOf(new Uint8Array())).toBeUndefined();
    expect(messageTypeOf(new Uint8Array([0x80]))).toBeUndefined();
  });

  it("taiku's notices and events are extension messages, the standard types are not", () => {
    expect([0, 1, 2, 3].map(isExtensionMessage)).toEqual([false, false, false, false]);
    expect([0, 1, 2, 3, 4, 22, 99, 100, 101].map(isStandardMessage)).toEqual([true, true, true, true, false, false, false, false, false]);
    expect([MESSAGE_TAIKU_NOTICE, MESSAGE_TAIKU_EVENT, 250].map(isExtensionMessage)).toEqual([true, true, true]);
  });

  it("a client opts in with the current extension version only", () => {
    expect(extensionOptIn(new URLSearchParams(extensionParams()))).toEqual({ optedIn: true });
    expect(extensionOptIn(new URLSearchParams("token=t"))).toEqual({ optedIn: false });
    expect(extensionOptIn(new URLSearchParams(`${EXTENSIONS_PARAM}=${EXTENSIONS_VERSION + 1}`))).toHaveProperty("error");
    expect(extensionOptIn(new URLSearchParams(`${EXTENSIONS_PARAM}=`))).toHaveProperty("error");
  });
});

describe("sync close codes", () => {
  it("each code has one meaning, and refusals a reconnect cannot fix are the permanent ones", () => {
    const codes = Object.values(CloseCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(CLOSE_CODE_MEANINGS[code].length).toBeGreaterThan(0);
    const permanent = [CloseCode.ProtocolViolation, CloseCode.Unauthenticated, CloseCode.PermissionDenied, CloseCode.DocumentNotFound, CloseCode.SessionEnded, CloseCode.DocumentCapReached, CloseCode.DocumentCorrupt];
    expect(codes.filter(isPermanentClose).sort()).toEqual([...permanent].sort());
    expect(isPermanentClose(CloseCode.DocumentFailed)).toBe(false);
    expect(isPermanentClose(CloseCode.Unavailable)).toBe(false);
  });
});

describe("document names", () => {
  it("formatting the parts of a parsed name gives the name back", () => {
    const next = random(11);
    for (let i = 0; i < 300; i++) {
      const sid = pick(next, "aZ09_-", 1, 64) as SessionId;
      const plugin = (pick(next, "abz", 1, 1) + pick(next, "az09.-", 0, 30)) as PluginId;
      for (const name of [sessionDocName(sid), kvDocName(sid, plugin)]) {
        const parsed = parseDocName(name);
        expect(parsed, name).toBeDefined();
        const again = parsed?.kind === "kv" ? kvDocName(parsed.sessionId, parsed.pluginId) : sessionDocName(parsed!.sessionId);
        expect(again).toBe(name);
      }
      expect(kvDocName(sid, plugin).startsWith(kvDocPrefix(sid))).toBe(true);
      expect(sessionDocName(sid).startsWith(kvDocPrefix(sid))).toBe(false);
    }
  });

  it("refuses anything else: traversal, extra segments, bad ids, encoded slashes", () => {
    const bad = ["", "sessions", "sessions/", "sessions/a/", "sessions/a/kv", "sessions/a/kv/", "sessions/../x", "sessions/a/kv/Notes", "sessions/a/kv/1x", "sessions/a/kv/notes/x", "sessions/a%2Fb", "session/a", "sessions/a/other/notes", `sessions/${"a".repeat(65)}`, "/sessions/a"];
    for (const name of bad) expect(parseDocName(name), name).toBeUndefined();
    // A KV prefix of one session is never the prefix of another's.
    expect(kvDocName("ab" as SessionId, "x" as PluginId).startsWith(kvDocPrefix("a" as SessionId))).toBe(false);
  });
});
