import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeJournalFrames, encodeJournalFrame, type JournalEntry } from "./journalFrame";

/** A small seeded generator (mulberry32), so a failure names its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomEntries(next: () => number): JournalEntry[] {
  return Array.from({ length: Math.floor(next() * 6) }, () => ({
    key: Array.from({ length: Math.floor(next() * 40) }, () => String.fromCharCode(33 + Math.floor(next() * 94))).join("") + (next() < 0.1 ? "é✓" : ""),
    value: Uint8Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256)),
  }));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

const plain = (entries: readonly JournalEntry[]) => entries.map(({ key, value }) => ({ key, value: Array.from(value) }));

describe("journal frames", () => {
  it("frames decode to the entries they were encoded from, in order (seeded round trip)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const groups = Array.from({ length: 1 + Math.floor(next() * 4) }, () => randomEntries(next));
      const bytes = concat(groups.map(encodeJournalFrame));
      const decoded = decodeJournalFrames(bytes);
      expect(plain(decoded.entries), `seed ${seed}`).toEqual(plain(groups.flat()));
      expect(decoded.validLength, `seed ${seed}`).toBe(bytes.byteLength);
    }
  });

  it("a frame cut short anywhere is dropped whole, and the frames before it are kept", () => {
    const first = encodeJournalFrame([{ key: "a", value: Uint8Array.of(1, 2, 3) }]);
    const second = encodeJournalFrame([
      { key: "b", value: Uint8Array.of(4) },
      { key: "c", value: Uint8Array.of(5, 6) },
    ]);
    for (let cut = 0; cut < second.byteLength; cut++) {
      const decoded = decodeJournalFrames(concat([first, second.subarray(0, cut)]));
      expect(plain(decoded.entries)).toEqual([{ key: "a", value: [1, 2, 3] }]);
      expect(decoded.validLength).toBe(first.byteLength);
    }
  });

  it("a damaged frame with frames after it is reported as damage, never skipped as a torn tail", () => {
    const frames = [0, 1, 2].map((i) => encodeJournalFrame([{ key: `k${i}`, value: Uint8Array.of(i) }]));
    const bytes = concat(frames);
    const damaged = frames[0]!.byteLength + 10;
    bytes[damaged] = (bytes[damaged] ?? 0) ^ 0xff;
    const decoded = decodeJournalFrames(bytes);
    expect(decoded.entries.map((entry) => entry.key)).toEqual(["k0"]);
    expect(decoded.validLength).toBe(frames[0]!.byteLength);
    expect(decoded.damage).toContain(`byte ${frames[0]!.byteLength}`);
  });

  it("a last frame that is whole but fails its checksum is a torn tail: ignored, the frames before it kept", () => {
    const frames = [0, 1, 2].map((i) => encodeJournalFrame([{ key: `k${i}`, value: Uint8Array.of(i) }]));
    const bytes = concat(frames);
    bytes[bytes.byteLength - 1] = (bytes[bytes.byteLength - 1] ?? 0) ^ 0xff;
    const decoded = decodeJournalFrames(bytes);
    expect(decoded.entries.map((entry) => entry.key)).toEqual(["k0", "k1"]);
    expect(decoded.damage).toBeUndefined();
  });

  it("a frame whose lengths do not add up is ignored even with a matching checksum", () => {
    const frame = encodeJournalFrame([{ key: "key", value: Uint8Array.of(1, 2) }]);
    const payload = Buffer.from(frame.subarray(8));
    payload.writeUInt32LE(1_000, 0);
    const forged = Buffer.concat([frame.subarray(0, 8), payload]);
    forged.writeUInt32LE(crc32(payload), 4);
    expect(decodeJournalFrames(forged)).toEqual({ entries: [], validLength: 0 });
  });

  it("an empty journal holds nothing", () => {
    expect(decodeJournalFrames(new Uint8Array(0))).toEqual({ entries: [], validLength: 0 });
  });
});
