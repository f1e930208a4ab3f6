import * as prng from "lib0/prng";
import { describe, expect, it } from "vitest";
import type { DocName, PluginId, UserId } from "../ids";
import type { DocEvent, EventOrigin } from "./docEvent";
import { EVENT_KINDS } from "./docEvent";
import { decodeDocEvent, encodeDocEvent } from "./docEventCodec";

const SEED = Number(process.env.TAIKU_CODEC_SEED ?? 20261122);

function randomEvent(gen: prng.PRNG): DocEvent {
  const origin: EventOrigin = prng.bool(gen)
    ? { userId: null, connection: null }
    : {
        userId: prng.bool(gen) ? (`u${prng.word(gen, 1, 10)}` as UserId) : null,
        connection: prng.bool(gen) ? prng.utf16String(gen, 20) : null,
        ...(prng.bool(gen) ? { plugin: `p${prng.word(gen, 0, 8)}` as PluginId } : {}),
      };
  return {
    seq: prng.uint53(gen, 1, Number.MAX_SAFE_INTEGER),
    doc: `sessions/${prng.word(gen, 1, 12)}/kv/${prng.word(gen, 1, 12)}` as DocName,
    update: prng.uint8Array(gen, prng.int31(gen, 0, 300)),
    origin,
    ts: prng.bool(gen) ? prng.uint53(gen, 0, 4_000_000_000_000) : prng.real53(gen) * 1e12,
    kind: prng.oneOf(gen, [...EVENT_KINDS]),
  };
}

describe("DocEvent codec", () => {
  it(`every seeded event survives a round trip (seed ${SEED})`, () => {
    const gen = prng.create(SEED);
    for (let i = 0; i < 500; i++) {
      const event = randomEvent(gen);
      const decoded = decodeDocEvent(encodeDocEvent(event));
      expect(decoded.error, `event ${i}`).toBeUndefined();
      expect({ ...decoded.event, update: Array.from(decoded.event!.update) }).toEqual({
        ...event,
        update: Array.from(event.update),
      });
    }
  });

  it("every truncation of an encoded event is an error, never a throw", () => {
    const gen = prng.create(SEED + 1);
    const bytes = encodeDocEvent(randomEvent(gen));
    for (let length = 0; length < bytes.length; length++) {
      expect(decodeDocEvent(bytes.subarray(0, length)).error, `length ${length}`).toBeTypeOf("string");
    }
  });

  it("random garbage decodes to an error or a well-formed event, never a throw", () => {
    const gen = prng.create(SEED + 2);
    for (let i = 0; i < 2000; i++) {
      const result = decodeDocEvent(prng.uint8Array(gen, prng.int31(gen, 0, 64)));
      if (result.error === undefined) expect(result.event.seq).toBeGreaterThanOrEqual(1);
    }
  });

  it("rejects unknown versions, kinds and flags, bad ids and trailing bytes", () => {
    const event: DocEvent = {
      seq: 3,
      doc: "sessions/s/kv/p" as DocName,
      update: new Uint8Array([1, 2, 3]),
      origin: { userId: "alice" as UserId, connection: "c", plugin: "p" as PluginId },
      ts: 5,
      kind: "update",
    };
    const bytes = encodeDocEvent(event);
    const kindAt = 1 + 1 + 1 + event.doc.length;
    const flagsAt = kindAt + 1 + 8;
    const patched = (at: number, value: number) => bytes.map((b, i) => (i === at ? value : b));
    expect(decodeDocEvent(patched(0, 2)).error).toMatch(/version/);
    expect(decodeDocEvent(patched(kindAt, 9)).error).toMatch(/kind/);
    expect(decodeDocEvent(patched(flagsAt, 8 | 7)).error).toMatch(/flags/);
    expect(decodeDocEvent(patched(1, 0)).error).toMatch(/seq/);
    expect(decodeDocEvent(Uint8Array.of(...bytes, 0)).error).toMatch(/after the event/);
    const badUser = encodeDocEvent({ ...event, origin: { userId: "no spaces" as UserId, connection: null } });
    expect(decodeDocEvent(badUser).error).toMatch(/user id/);
    const badPlugin = encodeDocEvent({ ...event, origin: { userId: null, connection: null, plugin: "Bad" as PluginId } });
    expect(decodeDocEvent(badPlugin).error).toMatch(/plugin id/);
    expect(decodeDocEvent(encodeDocEvent({ ...event, ts: Number.NaN })).error).toMatch(/timestamp/);
  });
});
