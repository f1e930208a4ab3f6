import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { UserId } from "@taiku/engine";
import { SessionStore } from "./sessionStore";

let dir: string;
let db: Level<string, string>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "taiku-sessions-"));
  db = new Level(dir);
  await db.open();
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the session store", () => {
  it("records every member when many join at once", async () => {
    const store = new SessionStore(db, 60_000);
    const session = await store.create("owner" as UserId, "t");
    const joiners = Array.from({ length: 20 }, (_, i) => `user${i}` as UserId);
    await Promise.all(joiners.map((userId) => store.addMember(session.sessionId, userId)));
    const record = await store.get(session.sessionId);
    expect(record?.members.map((m) => m.userId).sort()).toEqual(["owner", ...joiners].sort());
    for (const userId of joiners) expect((await store.listFor(userId)).map((s) => s.sessionId)).toEqual([session.sessionId]);
  });

  it("accepts an invite only for its own session and only until it expires", async () => {
    let now = 0;
    const store = new SessionStore(db, 1000, () => now);
    const a = await store.create("owner" as UserId, "a");
    const b = await store.create("owner" as UserId, "b");
    const code = await store.createInvite(a.sessionId, "owner" as UserId);
    expect(await store.checkInvite(a.sessionId, code)).toBe(true);
    expect(await store.checkInvite(b.sessionId, code)).toBe(false);
    now = 1000;
    expect(await store.checkInvite(a.sessionId, code)).toBe(false);
  });
});
