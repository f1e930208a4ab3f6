import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openEventJournal } from "./eventJournal";
import { encodeJournalFrame } from "./journalFrame";

const frameOf = (key: string, ...bytes: number[]) => encodeJournalFrame([{ key, value: Uint8Array.from(bytes) }]);
const keys = (entries: ReadonlyArray<{ key: string }>) => entries.map((entry) => entry.key);

/** The keys a fresh open of the journal at `base` would recover. */
async function recoveredKeys(base: string): Promise<string[]> {
  const { journal, recovered } = await openEventJournal(base);
  journal.close();
  return keys(recovered);
}

describe("event journal", () => {
  let dir: string;
  let base: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "taiku-journal-"));
    base = join(dir, "journal");
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it("what was written and not released is recovered by the next open, from both files", async () => {
    const { journal, recovered } = await openEventJournal(base);
    expect(recovered).toEqual([]);
    journal.clear();
    journal.write(frameOf("a", 1));
    const full = journal.rotate();
    journal.write(frameOf("b", 2));
    journal.write(frameOf("c", 3));
    journal.close();
    expect(full).toBe(0);
    const again = await openEventJournal(base);
    expect(keys(again.recovered)).toEqual(["a", "b", "c"]);
    again.journal.clear();
    again.journal.close();
    expect(await recoveredKeys(base)).toEqual([]);
  });

  it("a released file holds nothing, and the files take turns", async () => {
    const { journal } = await openEventJournal(base);
    journal.clear();
    journal.write(frameOf("a", 1));
    const first = journal.rotate();
    journal.write(frameOf("b", 2));
    expect(() => journal.rotate()).toThrow(/still in use/);
    journal.release(first);
    expect(fs.statSync(`${base}.${first}`).size).toBe(0);
    const second = journal.rotate();
    expect(second).not.toBe(first);
    journal.write(frameOf("c", 3));
    journal.release(second);
    journal.close();
    expect(await recoveredKeys(base)).toEqual(["c"]);
  });

  it("refuses writes until the recovered frames were cleared", async () => {
    const { journal } = await openEventJournal(base);
    journal.clear();
    journal.write(frameOf("a", 1));
    journal.close();
    const again = await openEventJournal(base);
    expect(() => again.journal.write(frameOf("b", 2))).toThrow(/recovered/);
    again.journal.clear();
    again.journal.write(frameOf("b", 2));
    again.journal.close();
    expect(await recoveredKeys(base)).toEqual(["b"]);
  });

  it("a write that fails part-way leaves nothing of its frame, so later frames are recovered", async () => {
    const { journal } = await openEventJournal(base);
    journal.clear();
    journal.write(frameOf("a", 1));
    const realWrite = fs.writeSync;
    const failing = vi.spyOn(fs, "writeSync").mockImplementationOnce(((fd: number, buffer: Uint8Array, offset: number) => {
      realWrite(fd, buffer, offset, 5);
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    }) as unknown as typeof fs.writeSync);
    expect(() => journal.write(frameOf("lost", 9, 9, 9))).toThrow(/no space/);
    failing.mockRestore();
    journal.write(frameOf("b", 2));
    journal.close();
    expect(await recoveredKeys(base)).toEqual(["a", "b"]);
  });

  it("with sync, every frame is flushed to disk before write returns", async () => {
    const flushed = vi.spyOn(fs, "fdatasyncSync");
    const { journal } = await openEventJournal(base, { sync: true });
    journal.clear();
    journal.write(frameOf("a", 1));
    journal.write(frameOf("b", 2));
    journal.close();
    expect(flushed).toHaveBeenCalledTimes(2);
  });

  it("a damaged frame in the middle of a journal file refuses the open with a CorruptRecordError naming the file and byte", async () => {
    const frames = [frameOf("a", 1), frameOf("b", 2), frameOf("c", 3)];
    const bytes = Buffer.concat(frames);
    bytes[frames[0]!.byteLength + 9]! ^= 0xff;
    fs.writeFileSync(`${base}.0`, bytes);
    await expect(openEventJournal(base)).rejects.toMatchObject({
      name: "CorruptRecordError",
      code: "unavailable",
      record: `journal.0@${frames[0]!.byteLength}`,
    });
  });

  it("a torn last frame (what kill -9 leaves) opens, recovering every frame before it", async () => {
    const frames = [frameOf("a", 1), frameOf("b", 2), frameOf("c", 3)];
    fs.writeFileSync(`${base}.0`, Buffer.concat([...frames.slice(0, 2), frames[2]!.subarray(0, frames[2]!.byteLength - 2)]));
    expect(await recoveredKeys(base)).toEqual(["a", "b"]);
  });
});
