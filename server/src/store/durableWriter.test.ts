import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createJournaledWriter, type LevelWrite } from "./durableWriter";
import { openEventJournal } from "./eventJournal";
import type { JournalEntry } from "./journalFrame";

const entry = (key: string): JournalEntry => ({ key, value: Uint8Array.of(key.length) });
const keys = (entries: readonly JournalEntry[]) => entries.map((e) => e.key);

/** The keys a fresh open of the journal at `base` would recover. */
async function recoveredKeys(base: string): Promise<string[]> {
  const { journal, recovered } = await openEventJournal(base);
  journal.close();
  return keys(recovered);
}

/** A LevelDB stand-in whose writes finish only when the test says so. */
function controlledLevel() {
  const batches: string[][] = [];
  const pending: Array<{ keys: string[]; finish: (error?: Error) => void }> = [];
  const write: LevelWrite = (entries) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ keys: keys(entries), finish: (error) => (error ? reject(error) : (batches.push(keys(entries)), resolve())) });
    });
  const next = async () => {
    for (let i = 0; i < 50 && pending.length === 0; i++) await new Promise((r) => setTimeout(r, 2));
    const started = pending.shift();
    if (started === undefined) throw new Error("no LevelDB write started");
    return started;
  };
  return { write, batches, pending, next };
}

describe("journaled writer", () => {
  let dir: string;
  let base: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "taiku-writer-"));
    base = join(dir, "journal");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writerWith(level: LevelWrite, flushDelayMs = 60_000) {
    const { journal } = await openEventJournal(base);
    journal.clear();
    return createJournaledWriter(journal, level, { flushDelayMs, flushEntries: 5 });
  }

  it("confirms a write once the journal holds it, before LevelDB does", async () => {
    const level = controlledLevel();
    const writer = await writerWith(level.write);
    await writer.write([entry("a"), entry("b")]);
    expect(level.pending).toHaveLength(0);
    expect(await recoveredKeys(base)).toEqual(["a", "b"]);
    const settled = writer.inLevel();
    (await level.next()).finish();
    await settled;
    expect(level.batches).toEqual([["a", "b"]]);
    await writer.close();
  });

  it("moves everything waiting to LevelDB in one batch after the delay, then releases the journal", async () => {
    const level = controlledLevel();
    const writer = await writerWith(level.write, 5);
    await writer.write([entry("a")]);
    await writer.write([entry("b")]);
    const flush = await level.next();
    expect(flush.keys).toEqual(["a", "b"]);
    flush.finish();
    await writer.inLevel();
    expect(await recoveredKeys(base)).toEqual([]);
    await writer.close();
  });

  it("writes at once when enough entries wait, and what arrives meanwhile forms the next batch", async () => {
    const level = controlledLevel();
    const writer = await writerWith(level.write);
    await writer.write(["a", "b", "c", "d", "e"].map(entry));
    const first = await level.next();
    expect(first.keys).toEqual(["a", "b", "c", "d", "e"]);
    await writer.write([entry("f")]);
    const settled = writer.inLevel();
    first.finish();
    (await level.next()).finish();
    await settled;
    expect(level.batches).toEqual([["a", "b", "c", "d", "e"], ["f"]]);
    await writer.close();
  });

  it("when LevelDB falls behind, a write waits for the LevelDB write in flight", async () => {
    const level = controlledLevel();
    const writer = await writerWith(level.write);
    await writer.write(["a", "b", "c", "d", "e"].map(entry));
    const first = await level.next();
    await writer.write(["f", "g", "h", "i", "j"].map(entry));
    let confirmed = false;
    const blocked = writer.write([entry("k")]).then(() => (confirmed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(confirmed).toBe(false);
    first.finish();
    await blocked;
    const second = await level.next();
    expect(second.keys).toEqual(["f", "g", "h", "i", "j"]);
    second.finish();
    const settled = writer.inLevel();
    (await level.next()).finish();
    await settled;
    expect(level.batches).toEqual([["a", "b", "c", "d", "e"], ["f", "g", "h", "i", "j"], ["k"]]);
    await writer.close();
  });

  it("inLevel waits for what was written before it, not for what keeps arriving", async () => {
    const level = controlledLevel();
    const writer = await writerWith(level.write);
    await writer.write([entry("a")]);
    let done = false;
    const inLevel = writer.inLevel().then(() => (done = true));
    const first = await level.next();
    // A write arrives while LevelDB takes "a", and another while it takes that one: "a" alone is what inLevel awaits.
    await writer.write([entry("b")]);
    first.finish();
    await inLevel;
    expect(done).toBe(true);
    expect(level.batches).toEqual([["a"]]);
    // "b" still reaches LevelDB, on its own schedule (or at close).
    const closing = writer.close();
    (await level.next()).finish();
    await closing;
    expect(level.batches).toEqual([["a"], ["b"]]);
  });

  it("a failed LevelDB write keeps its entries in the journal and fails every later call", async () => {
    const level = controlledLevel();
    const writer = await writerWith(level.write);
    await writer.write([entry("a")]);
    const settled = writer.inLevel();
    (await level.next()).finish(new Error("disk broke"));
    await expect(settled).rejects.toThrow(/disk broke/);
    await expect(writer.write([entry("b")])).rejects.toThrow(/journal keeps them/);
    await expect(writer.close()).rejects.toThrow(/disk broke/);
    expect(await recoveredKeys(base)).toEqual(["a"]);
  });

  it("close moves what waits to LevelDB and leaves the journal empty", async () => {
    const level = controlledLevel();
    const writer = await writerWith(level.write);
    await writer.write([entry("a")]);
    const closing = writer.close();
    (await level.next()).finish();
    await closing;
    expect(level.batches).toEqual([["a"]]);
    expect(await recoveredKeys(base)).toEqual([]);
  });
});
