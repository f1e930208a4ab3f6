/** A document whose stored records are damaged is refused, named and logged; every other document keeps opening. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DocName } from "@taiku/engine";
import { randomEvents } from "@taiku/engine/testing";
import { createLevelEventStore, openLevel, type ServerLevel } from "../store";
import { DocumentRegistry } from "./documentRegistry";
import { SnapshotPolicy } from "./snapshotPolicy";

const A = "sessions/s1/kv/alpha" as DocName;
const B = "sessions/s1/kv/beta" as DocName;

let dir: string;
let db: ServerLevel;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "taiku-registry-"));
  db = await openLevel(join(dir, "db"));
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe("document registry", () => {
  it("a document with a damaged event is refused on every open and logged once, naming it and the record; the others open", async () => {
    const store = createLevelEventStore(db.sublevel("events"), { journal: null });
    await store.append(A, randomEvents(A, 1, 3));
    await store.append(B, randomEvents(B, 2, 3));
    await db.put(`!events!!e!${A}!00000000000002`, Uint8Array.of(9, 9));
    const lines: Array<{ level: number; msg: string; doc?: string; record?: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const registry = new DocumentRegistry<never>({
      store,
      logger: pino({ level: "info" }, sink),
      quotaBytes: 65_536,
      snapshots: new SnapshotPolicy(),
      idleMs: 60_000,
      onAwareness: () => undefined,
      onDropped: () => undefined,
      onPersisted: () => undefined,
    });
    const record = `e!${A}!00000000000002`;
    await expect(registry.open(A)).rejects.toMatchObject({ name: "CorruptRecordError", record });
    await expect(registry.open(A)).rejects.toMatchObject({ name: "CorruptRecordError", record });
    expect((await registry.open(B)).name).toBe(B);
    expect(registry.refused()).toEqual([{ doc: A, record, seq: 2, reason: expect.stringContaining("does not decode") }]);
    const errors = lines.filter((line) => line.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ doc: A, record });
    expect(errors[0]?.msg).toContain(A);
    await registry.close();
    await store.close();
  });
});
