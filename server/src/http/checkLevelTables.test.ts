import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { afterEach, describe, expect, it } from "vitest";
import { checkLevelTables, crc32c } from "./checkLevelTables";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A closed LevelDB holding `count` records in table files (reopening it writes its log into a table). */
async function tableDatabase(count: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "taiku-tables-"));
  dirs.push(dir);
  const db = new Level<string, string>(dir);
  await db.open();
  await db.batch(Array.from({ length: count }, (_, i) => ({ type: "put" as const, key: `key-${i}`, value: `value ${i} `.repeat(20) })));
  await db.close();
  const again = new Level<string, string>(dir);
  await again.open();
  await again.close();
  return dir;
}

describe("checkLevelTables", () => {
  it("computes CRC-32C as LevelDB does", () => {
    expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
  });

  it("finds nothing wrong with an undamaged database", async () => {
    const dir = await tableDatabase(5_000);
    expect((await readdir(dir)).some((name) => name.endsWith(".ldb"))).toBe(true);
    expect(await checkLevelTables(dir)).toEqual([]);
  });

  it("names the table file with a flipped byte, and a cut-short one", async () => {
    const dir = await tableDatabase(5_000);
    const [table] = (await readdir(dir)).filter((name) => name.endsWith(".ldb"));
    const bytes = await readFile(path.join(dir, table!));
    bytes[bytes.byteLength >> 1]! ^= 0x01;
    await writeFile(path.join(dir, table!), bytes);
    expect(await checkLevelTables(dir)).toEqual([{ file: table, reason: expect.stringMatching(/block at byte \d+ does not match its checksum/) }]);
    await writeFile(path.join(dir, table!), bytes.subarray(0, bytes.byteLength - 10));
    expect(await checkLevelTables(dir)).toEqual([{ file: table, reason: "has no table magic number at its end" }]);
  });

  it("reports nothing for a folder that does not exist yet (a first start)", async () => {
    expect(await checkLevelTables(path.join(os.tmpdir(), "taiku-no-such-db-folder"))).toEqual([]);
  });
});
