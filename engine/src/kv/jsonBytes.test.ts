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

  it("weigh objects of changing shapes in turn, each as JSON writes it", () => {
    // Member names are remembered from one object to the next: a name that changes at a position must be weighed anew.
    const shapes: unknown[] = [
      { status: "passing", n: 1, by: "build-bot" },
      { status: "passing", n: 2, by: "build-bot" },
      { status: "ok", n: 3 },
      { "stat\"us": "passing", n: 4, by: "x" },
      { ключ: "значение", n: 5, by: "y", extra: [1, { status: "nested" }] },
      { status: "passing", n: 6, by: "build-bot" },
      {},
      { a: undefined, b: () => 1, status: "after skipped members" },
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i])),
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${39 - i}`, "v".repeat(i)])),
      { status: "passing", n: 7, by: "build-bot" },
    ];
    for (let round = 0; round < 3; round++) {
      for (const value of shapes) expect(jsonBytes(value), JSON.stringify(value)).toBe(utf8(JSON.stringify(value)));
    }
  });

  it("weigh a string member anew when it changes at its position, whatever it was before", () => {
    // String members are remembered by position too: equal strings (the same object or a copy) reuse the last weight,
    // any other string at that position must be scanned again.
    const copy = (text: string): string => JSON.parse(JSON.stringify(text)) as string;
    const members = ["passing", copy("passing"), "pass\"ing", "pässing", "passinG", "", "\u0000", "x".repeat(300), "x".repeat(300) + "\n"];
    // Either side of the longest string remembered, with an escape at the end that a stale weight would miss.
    for (const length of [255, 256, 257]) members.push("y".repeat(length), "y".repeat(length - 1) + "\n", "y".repeat(length));
    members.push("passing");
    for (let round = 0; round < 2; round++) {
      for (const status of members) {
        for (const by of [status, "build-bot", copy(status) + "é"]) {
          const value = { status, n: round, by, nested: { status, by } };
          expect(jsonBytes(value), JSON.stringify(value)).toBe(utf8(JSON.stringify(value)));
        }
      }
    }
  });

  it("weigh strings around the length where the scan changes, with an escape or a wide character at either end", () => {
    for (const length of [0, 1, 15, 16, 17, 63, 64, 65, 200]) {
      for (const text of ["a".repeat(length), "\n" + "a".repeat(length), "a".repeat(length) + "é", "😀" + "a".repeat(length) + "\u0001"]) {
        expect(jsonBytes(text), `${length}`).toBe(utf8(JSON.stringify(text)));
        expect(jsonBytes({ [text]: text }), `${length}`).toBe(utf8(JSON.stringify({ [text]: text })));
      }
    }
  });

  it("tell plain objects from others by what JSON writes, whatever their constructor says", () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const values: unknown[] = [
      new Point(1, 2),
      Object.create(null),
      Object.assign(Object.create(null), { a: "b" }),
      { constructor: "not a function" },
      { constructor: undefined, a: 1 },
      Object.create(Object.create({ inherited: 1 }), { own: { value: 2, enumerable: true } }),
      new Number(3),
      new String("s"),
      new Boolean(false),
      new Map([[1, 2]]),
      new Proxy({ a: "b" }, {}),
      { toJSON: () => ({ replaced: true }) },
      [new Date(0), { nested: new Point(3, 4) }],
    ];
    for (const value of values) expect(jsonBytes(value), String(JSON.stringify(value))).toBe(utf8(JSON.stringify(value)));
  });
});
