import * as encoding from "lib0/encoding";
import * as prng from "lib0/prng";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../errors";
import type { DocName } from "../ids";
import { decodeRelayNotice, encodeRelayNotice, type RelayNotice } from "./relayNotice";
import { MESSAGE_SYNC, MESSAGE_TAIKU_NOTICE } from "./syncWire";

const BASE_SEED = Number(process.env.TAIKU_SEED ?? 7300);

function randomNotice(gen: prng.PRNG): RelayNotice {
  if (prng.bool(gen)) {
    return { type: "error", code: prng.oneOf(gen, Object.values(ErrorCode)), message: prng.utf16String(gen, 80) };
  }
  const used = prng.uint32(gen, 0, 65_536);
  return {
    type: "quota_rejected",
    doc: `sessions/s${prng.uint32(gen, 0, 1e6)}/kv/p${prng.word(gen, 0, 8)}` as DocName,
    revertedKeys: Array.from({ length: prng.int32(gen, 0, 5) }, () => prng.utf16String(gen, 12)),
    revertedTypes: Array.from({ length: prng.int32(gen, 0, 2) }, () => prng.word(gen, 1, 8)),
    used,
    limit: 65_536,
    attempted: used + prng.uint32(gen, 1, 100_000),
  };
}

function frame(type: number, text: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarString(encoder, text);
  return encoding.toUint8Array(encoder);
}

describe("relay notices", () => {
  it("every notice survives encode then decode unchanged (seeded)", () => {
    for (let i = 0; i < 200; i++) {
      const seed = BASE_SEED + i;
      const notice = randomNotice(prng.create(seed));
      expect(decodeRelayNotice(encodeRelayNotice(notice)), `seed ${seed}`).toEqual({ notice });
    }
  });

  it("a notice starts with taiku's own message type, which the sync protocol does not use", () => {
    const bytes = encodeRelayNotice({ type: "error", code: ErrorCode.Internal, message: "x" });
    expect(bytes[0]).toBe(MESSAGE_TAIKU_NOTICE);
    expect(MESSAGE_TAIKU_NOTICE).toBeGreaterThan(3);
  });

  it("rejects truncated, foreign and malformed frames with a reason and never throws", () => {
    const good = encodeRelayNotice(randomNotice(prng.create(1)));
    const bad: Uint8Array[] = [
      new Uint8Array(),
      good.slice(0, good.length - 1),
      new Uint8Array([...good, 0]),
      frame(MESSAGE_SYNC, "{}"),
      frame(MESSAGE_TAIKU_NOTICE, "not json"),
      frame(MESSAGE_TAIKU_NOTICE, '{"type":"quota_rejected"}'),
      frame(MESSAGE_TAIKU_NOTICE, '{"type":"error","code":"teapot","message":"x"}'),
      frame(MESSAGE_TAIKU_NOTICE, '{"type":"error","code":"internal","message":"x","__proto__":{"a":1}}'),
      frame(MESSAGE_TAIKU_NOTICE, `{"type":"quota_rejected","doc":"../../etc","revertedKeys":[],"revertedTypes":[],"used":1,"limit":2,"attempted":3}`),
      frame(MESSAGE_TAIKU_NOTICE, "[".repeat(5000) + "]".repeat(5000)),
      new Uint8Array([MESSAGE_TAIKU_NOTICE, 0xff, 0xff, 0xff, 0xff, 0x0f]),
    ];
    for (const bytes of bad) expect(decodeRelayNotice(bytes).error).toEqual(expect.any(String));
    const gen = prng.create(BASE_SEED);
    for (let i = 0; i < 200; i++) {
      const garbage = prng.uint8Array(gen, prng.int32(gen, 0, 64));
      expect(() => decodeRelayNotice(garbage)).not.toThrow();
    }
  });
});
