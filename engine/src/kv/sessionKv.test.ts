import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { QuotaExceededError } from "../errors";
import { createSessionKv } from "./sessionKv";
import { KV_QUOTA_BYTES, liveBytes } from "./liveSize";

const utf8 = (text: string): number => new TextEncoder().encode(text).length;

/** Live bytes by the letter of DESIGN.md, from the documents' JSON. */
function liveBytesByDefinition(doc: Y.Doc, roots: Record<string, "map" | "text" | "array">): number {
  let total = 0;
  for (const [name, kind] of Object.entries(roots)) {
    if (name === "kv") {
      for (const [key, value] of doc.getMap("kv").entries()) total += utf8(key) + utf8(JSON.stringify(value instanceof Y.AbstractType ? value.toJSON() : value));
      continue;
    }
    const type = kind === "map" ? doc.getMap(name) : kind === "text" ? doc.getText(name) : doc.getArray(name);
    const json = type.toJSON();
    const empty = kind === "map" ? Object.keys(json).length === 0 : json.length === 0;
    if (!empty) total += utf8(JSON.stringify(json));
  }
  return total;
}

describe("session KV live bytes", () => {
  it("counts key bytes plus value JSON bytes for each live entry, and nothing for deleted ones", () => {
    const kv = createSessionKv(new Y.Doc());
    kv.set("build_status", { state: "passing", n: 3 });
    kv.set("ключ", "ü");
    expect(kv.liveBytes()).toBe(utf8("build_status") + utf8('{"state":"passing","n":3}') + utf8("ключ") + utf8('"ü"'));
    kv.delete("ключ");
    expect(kv.liveBytes()).toBe(utf8("build_status") + utf8('{"state":"passing","n":3}'));
    for (let i = 0; i < 100; i++) kv.set("build_status", { state: "x".repeat(i) });
    expect(kv.liveBytes()).toBe(utf8("build_status") + utf8(JSON.stringify({ state: "x".repeat(99) })));
  });

  it("counts other shared types as their JSON, equal to the incremental figure after random edits", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    const text = doc.getText("notes");
    const list = doc.getArray<unknown>("list");
    const meta = doc.getMap<unknown>("meta");
    const nested = new Y.Map<unknown>();
    kv.set("plain", [1, "two", { three: null }]);
    doc.getMap("kv").set("nested", nested);
    for (let i = 0; i < 200; i++) {
      text.insert(Math.floor(text.length / 2), `line "${i}"\n\t€😀`);
      if (i % 3 === 0) text.delete(0, Math.min(5, text.length));
      list.push([{ i }, `s${i}`]);
      if (i % 4 === 0) list.delete(0, 1);
      meta.set(`k${i % 7}`, i % 2 === 0 ? `v${i}` : { deep: [i] });
      nested.set(`n${i % 5}`, "x".repeat(i % 13));
      if (i % 11 === 0) kv.delete("plain");
      if (i % 11 === 5) kv.set("plain", { again: i });
    }
    const expected = liveBytesByDefinition(doc, { kv: "map", notes: "text", list: "array", meta: "map" });
    expect(kv.liveBytes()).toBe(expected);
    expect(liveBytes(doc)).toBe(expected);
  });

  it("agrees between a writer and a replica that never named the roots", () => {
    const writer = new Y.Doc();
    const kv = createSessionKv(writer);
    kv.set("a", "b");
    writer.getText("notes").insert(0, "hello");
    writer.getArray("list").insert(0, [1, 2]);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(writer));
    expect(liveBytes(replica)).toBe(kv.liveBytes());
  });
});

describe("session KV quota", () => {
  it("refuses a set past 65,536 bytes with used, limit and attempted, and changes nothing", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    kv.set("big", "x".repeat(60_000));
    const used = kv.liveBytes();
    const before = Y.encodeStateAsUpdate(doc);
    let updates = 0;
    doc.on("update", () => updates++);
    let error: unknown;
    try {
      kv.set("more", "y".repeat(6_000));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({ code: "quota_exceeded", used, limit: KV_QUOTA_BYTES, attempted: used + 4 + 6_002 });
    expect(updates).toBe(0);
    expect(kv.has("more")).toBe(false);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it("allows a write that lands exactly on the limit, and shrinking writes even over it", () => {
    const kv = createSessionKv(new Y.Doc(), { limit: 100 });
    kv.set("k", "x".repeat(100 - 1 - 2));
    expect(kv.liveBytes()).toBe(100);
    expect(() => kv.set("j", 1)).toThrow(QuotaExceededError);
    kv.set("k", "short");
    expect(kv.liveBytes()).toBe(1 + 7);
  });

  it("rejects values JSON cannot carry", () => {
    const kv = createSessionKv(new Y.Doc());
    expect(() => kv.set("f", (() => 1) as never)).toThrow(TypeError);
    expect(kv.has("f")).toBe(false);
  });
});
