import * as prng from "lib0/prng";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { QuotaExceededError } from "../errors";
import { KV_QUOTA_BYTES, liveBytes } from "./liveSize";
import { LiveSizeTracker } from "./liveSizeTracker";
import { createSessionKv } from "./sessionKv";

/** Sends every update of `from` to `to` as it happens, as a remote change. */
function pipe(from: Y.Doc, to: Y.Doc): void {
  from.on("update", (update: Uint8Array) => Y.applyUpdate(to, update, "remote"));
}

describe("live size tracker on a document that starts with kv only", () => {
  it("counts a Y.Text root a remote update creates, and refuses writes that would take it past the quota", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    kv.set("status", "passing");
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc));
    remote.getText("notes").insert(0, "x".repeat(60_000));
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)), "remote");
    expect(kv.liveBytes()).toBe(liveBytes(doc));
    expect(kv.liveBytes()).toBeGreaterThan(60_000);
    expect(() => kv.set("big", "y".repeat(6_000))).toThrow(QuotaExceededError);
    expect(kv.has("big")).toBe(false);
    // Later edits to the new root are followed too.
    remote.getText("notes").delete(0, 30_000);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)), "remote");
    expect(kv.liveBytes()).toBe(liveBytes(doc));
    kv.set("big", "y".repeat(6_000));
    expect(kv.liveBytes()).toBe(liveBytes(doc));
  });

  it("counts a root a remote update creates even when its first reader is an observer of that update", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    kv.set("a", 1);
    const seen: number[] = [];
    doc.on("afterTransaction", () => seen.push(kv.liveBytes()));
    const remote = new Y.Doc();
    remote.getArray("list").insert(0, ["abc", { n: 1 }]);
    remote.getMap("kv").set("b", "two");
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote), "remote");
    expect(seen.at(-1)).toBe(liveBytes(doc));
  });

  it("follows a shared type nested in kv, and a kv entry that stops being one", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    const tracker = new LiveSizeTracker(doc);
    const nested = new Y.Map<unknown>();
    doc.getMap("kv").set("cfg", nested);
    nested.set("depth", { a: [1, 2, 3] });
    const inner = new Y.Array<unknown>();
    nested.set("list", inner);
    inner.push(["x".repeat(100)]);
    expect(tracker.bytes).toBe(liveBytes(doc));
    expect(kv.liveBytes()).toBe(liveBytes(doc));
    kv.set("cfg", "plain again");
    expect(kv.liveBytes()).toBe(liveBytes(doc));
    kv.set("other", { n: 1 });
    expect(tracker.bytes).toBe(liveBytes(doc));
    tracker.destroy();
  });

  it("counts what a remote writer put in kv's sequence part", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    kv.set("a", "b");
    const remote = new Y.Doc();
    remote.getArray("kv").insert(0, ["smuggled", { n: 12345 }]);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote), "remote");
    expect(kv.liveBytes()).toBe(liveBytes(doc));
    expect(kv.liveBytes()).toBeGreaterThan(2 + 3);
    remote.getArray("kv").delete(0, 2);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)), "remote");
    expect(kv.liveBytes()).toBe(liveBytes(doc));
  });

  it("weighs a value mutated later in the caller's transaction as it finally stands", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    doc.transact(() => {
      const value = { text: "short" };
      kv.set("k", value);
      value.text = "much longer than before";
    });
    expect(kv.liveBytes()).toBe(liveBytes(doc));
  });

  it("weighs several sets, an overwrite and a delete in one caller's transaction as they finally stand", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    kv.set("kept", { state: "before" });
    kv.set("gone", "soon deleted");
    doc.transact(() => {
      kv.set("a", { status: "passing", n: 1 });
      kv.set("b", "two");
      kv.set("a", { status: "failing", n: 22, by: "bot" });
      kv.set("kept", { state: "after, and longer" });
      kv.delete("gone");
      expect(kv.liveBytes()).toBeLessThanOrEqual(KV_QUOTA_BYTES);
    });
    expect(kv.liveBytes()).toBe(liveBytes(doc));
    kv.set("a", { status: "passing", n: 3 });
    expect(kv.liveBytes()).toBe(liveBytes(doc));
  });

  it("weighs a set made from an observer of another write, whose transaction ends after the observer returns", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    const seen: number[] = [];
    kv.observe((event) => {
      if (event.keys.has("trigger")) kv.set("echo", { from: "observer", n: 12345 });
      seen.push(kv.liveBytes());
    });
    kv.set("trigger", "x".repeat(40));
    expect(kv.get("echo")).toEqual({ from: "observer", n: 12345 });
    expect(kv.liveBytes()).toBe(liveBytes(doc));
    expect(seen.at(-1)).toBe(liveBytes(doc));
    // Both keys rewritten: each accounted once, at its own weight.
    kv.set("trigger", "y");
    expect(kv.liveBytes()).toBe(liveBytes(doc));
  });

  it("keeps the figure exact over many keys rewritten in turn, with values that grow and shrink", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    for (let i = 0; i < 5_000; i++) kv.set(`key${i % 300}`, { status: i % 3 === 0 ? "passing" : "failing", n: i, note: "é".repeat(i % 7) });
    expect(kv.liveBytes()).toBe(liveBytes(doc));
  });

  it("counts an observer writing the same value back once", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    const map = doc.getMap<unknown>("kv");
    let echoes = 0;
    map.observe((event) => {
      if (event.keysChanged.has("k") && echoes++ === 0) map.set("k", map.get("k"));
    });
    kv.set("k", { text: "hello" });
    expect(echoes).toBeGreaterThan(0);
    expect(kv.liveBytes()).toBe(liveBytes(doc));
  });

  it("weighs bytes set through the session KV by their length, as the document does", () => {
    const doc = new Y.Doc();
    const kv = createSessionKv(doc);
    kv.set("bin", new Uint8Array(100) as never);
    expect(kv.liveBytes()).toBe(3 + 100);
    expect(kv.liveBytes()).toBe(liveBytes(doc));
  });
});

type Writer = (gen: prng.PRNG, doc: Y.Doc) => void;

const WRITERS: Writer[] = [
  (gen, doc) => doc.getMap("kv").set(`k${prng.uint32(gen, 0, 5)}`, prng.word(gen, 0, 40)),
  (gen, doc) => doc.getMap("kv").delete(`k${prng.uint32(gen, 0, 5)}`),
  (gen, doc) => {
    const map = doc.getMap("kv");
    const key = `k${prng.uint32(gen, 0, 5)}`;
    const current = map.get(key);
    if (current instanceof Y.Map) current.set(prng.word(gen, 1, 3), prng.uint32(gen, 0, 1_000));
    else map.set(key, new Y.Map());
  },
  (gen, doc) => {
    const text = doc.getText(prng.bool(gen) ? "notes" : "other");
    if (text.length > 0 && prng.bool(gen)) text.delete(0, prng.uint32(gen, 1, text.length));
    else text.insert(prng.uint32(gen, 0, text.length), prng.word(gen, 1, 30));
  },
  (gen, doc) => {
    const list = doc.getArray<unknown>("list");
    if (list.length > 0 && prng.bool(gen)) list.delete(0, 1);
    else list.push([{ n: prng.uint32(gen, 0, 99) }]);
  },
];

describe("live size tracker, seeded", () => {
  it("equals the from-scratch figure after every transaction, local or remote, whatever roots appear", () => {
    const seed = Number(process.env.TAIKU_TRACKER_SEED ?? 11);
    for (let run = 0; run < 40; run++) {
      const gen = prng.create(seed * 1_000 + run);
      const doc = new Y.Doc();
      const remote = new Y.Doc();
      pipe(remote, doc);
      const kv = createSessionKv(doc);
      const arbiterLike = new LiveSizeTracker(doc);
      // Writers start with kv only; other roots and nested types appear later, locally or from the remote.
      const kinds = prng.uint32(gen, 1, WRITERS.length);
      for (let step = 0; step < 120; step++) {
        const writer = WRITERS[prng.uint32(gen, 0, Math.min(kinds, 1 + (step >> 4)) - 1)] as Writer;
        if (prng.bool(gen)) writer(gen, doc);
        else writer(gen, remote);
        if (prng.uint32(gen, 0, 9) === 0) {
          try {
            kv.set(`k${prng.uint32(gen, 0, 5)}`, { v: prng.word(gen, 0, 60) });
          } catch (error) {
            if (!(error instanceof QuotaExceededError)) throw error;
          }
        }
        const expected = liveBytes(doc);
        expect(kv.liveBytes(), `seed ${seed}, run ${run}, step ${step}`).toBe(expected);
        expect(arbiterLike.bytes, `seed ${seed}, run ${run}, step ${step}`).toBe(expected);
      }
      expect(liveBytes(doc)).toBeLessThanOrEqual(KV_QUOTA_BYTES);
      arbiterLike.destroy();
      kv.destroy();
    }
  });
});
