import * as prng from "lib0/prng";
import { describe, expect, it } from "vitest";
import { jsonBytes, jsonStringBodyBytes, utf8Length } from "./jsonBytes";

const utf8 = (text: string): number => new TextEncoder().encode(text).length;

function randomJson(gen: prng.PRNG, depth: number): unknown {
  switch (prng.uint32(gen, 0, depth > 3 ? 4 : 6)) {
    case 0:
      return prng.utf16String(gen, 12);
    case 1:
      return prng.oneOf(gen, [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345, -5.5, Number.MAX_SAFE_INTEGER, NaN, Infinity, prng.real53(gen) * 1e6]);
    case 2:
      return prng.bool(gen);
    case 3:
      return null;
    case 4:
      return prng.word(gen, 0, 20) + "\"\\\n\t\u0001\u2028😀";
    case 5:
      return Array.from({ length: prng.uint32(gen, 0, 4) }, () => (prng.real53(gen) < 0.1 ? undefined : randomJson(gen, depth + 1)));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = prng.uint32(gen, 0, 4); i > 0; i--) object[prng.utf16String(gen, 6)] = prng.real53(gen) < 0.1 ? undefined : randomJson(gen, depth + 1);
      return object;
    }
  }
}

describe("JSON byte sizes", () => {
  it("equal the UTF-8 bytes of JSON.stringify for random values (seeded)", () => {
    const seed = Number(process.env.TAIKU_JSON_SEED ?? 7);
    const gen = prng.create(seed);
    for (let i = 0; i < 3_000; i++) {
      const value = randomJson(gen, 0);
      expect(jsonBytes(value), `seed ${seed}, value ${i}`).toBe(utf8(JSON.stringify(value)));
    }
  });

  it("measure strings with lone surrogates and escapes as JSON writes them", () => {
    for (const text of ["plain", "é€😀", "\ud800", "a\udc00b", "\u0000\u001f\"\\"]) {
      expect(jsonStringBodyBytes(text) + 2).toBe(utf8(JSON.stringify(text)));
    }
    expect(utf8Length("é€😀")).toBe(utf8("é€😀"));
  });

  it("follow toJSON and bigints by serialising, and give undefined for what JSON drops", () => {
    expect(jsonBytes(new Date(0))).toBe(utf8(JSON.stringify(new Date(0))));
    expect(jsonBytes(10n)).toBe(2);
    expect(jsonBytes(undefined)).toBeUndefined();
    expect(jsonBytes(() => 1)).toBeUndefined();
  });
});
