import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { UserId } from "@taiku/engine";
import { hashToken, TokenStore } from "./tokenStore";

let dir: string;
let db: Level<string, string>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "taiku-tokens-"));
  db = new Level(dir);
  await db.open();
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe("login tokens", () => {
  it("resolve to their user until they expire, and not after", async () => {
    let now = 1_000_000;
    const tokens = new TokenStore(db, 60_000, () => now);
    const token = await tokens.issue("u1" as UserId);
    expect(await tokens.resolve(token)).toBe("u1");
    now += 59_999;
    expect(await tokens.resolve(token)).toBe("u1");
    now += 1;
    expect(await tokens.resolve(token)).toBeUndefined();
  });

  it("are stored only as their SHA-256, never in the clear", async () => {
    const tokens = new TokenStore(db, 60_000);
    const token = await tokens.issue("u1" as UserId);
    const stored: string[] = [];
    for await (const [key, value] of db.iterator()) stored.push(`${key} ${value}`);
    expect(stored.join("\n")).not.toContain(token);
    expect(stored.join("\n")).toContain(hashToken(token));
  });

  it("are 32 random bytes, different every time", async () => {
    const tokens = new TokenStore(db, 60_000);
    const a = await tokens.issue("u1" as UserId);
    const b = await tokens.issue("u1" as UserId);
    expect(Buffer.from(a, "base64url")).toHaveLength(32);
    expect(a).not.toBe(b);
  });
});
