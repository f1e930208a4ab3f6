import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionId, UserId } from "@taiku/engine";
import { DEFAULT_HOST_TOKEN_TTL_MS, HostTokenStore, MAX_HOST_TOKEN_TTL_MS, hostTokenIdOf } from "./hostTokenStore";

let dir: string;
let db: Level<string, string>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "taiku-host-tokens-"));
  db = new Level(dir);
  await db.open();
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const S1 = "s1" as SessionId;
const S2 = "s2" as SessionId;
const ADA = "u-ada" as UserId;

describe("host tokens", () => {
  it("resolve in their own session until they expire (24 h by default), then say when they expired", async () => {
    let now = 1_000_000;
    const store = new HostTokenStore(db, () => now);
    const { token, record } = await store.issue(S1, ADA, "laptop");
    expect(record).toEqual({ tokenId: hostTokenIdOf(token), sessionId: S1, createdBy: ADA, createdAt: now, expiresAt: now + DEFAULT_HOST_TOKEN_TTL_MS, label: "laptop" });
    expect(await store.resolve(S1, token)).toEqual(record);
    expect(await store.resolve(S2, token)).toMatchObject({ refused: "unknown" });
    now += DEFAULT_HOST_TOKEN_TTL_MS;
    expect(await store.resolve(S1, token)).toEqual({ refused: "expired", message: expect.stringContaining(new Date(record.expiresAt).toISOString()) });
  });

  it("store only a hash: the database holds no usable token, and a token with another secret is refused", async () => {
    const store = new HostTokenStore(db);
    const { token } = await store.issue(S1, ADA, "laptop");
    const secret = token.split(".")[2] as string;
    for await (const [key, value] of db.iterator()) expect(`${key}${value}`).not.toContain(secret);
    const forged = token.replace(secret, secret.startsWith("A") ? `B${secret.slice(1)}` : `A${secret.slice(1)}`);
    expect(await store.resolve(S1, forged)).toMatchObject({ refused: "unknown" });
    expect(await store.resolve(S1, "a-login-token")).toMatchObject({ refused: "malformed" });
  });

  it("list without secrets, drop expired ones unless asked to keep them, cap the lifetime, and forget revoked ones", async () => {
    let now = 5_000;
    const store = new HostTokenStore(db, () => now);
    const kept = await store.issue(S1, ADA, "kept", 1000);
    const dropped = await store.issue(S1, ADA, "dropped", 1000);
    const long = await store.issue(S1, ADA, "long", 365 * DEFAULT_HOST_TOKEN_TTL_MS);
    expect(long.record.expiresAt - long.record.createdAt).toBe(MAX_HOST_TOKEN_TTL_MS);
    now += 1000;
    const listed = await store.list(S1, (record) => record.tokenId === kept.record.tokenId);
    expect(listed.map((record) => record.label).sort()).toEqual(["kept", "long"]);
    expect(JSON.stringify(listed)).not.toMatch(/hash|taiku-host\./);
    expect(await store.get(S1, dropped.record.tokenId)).toBeUndefined();
    await store.revoke(S1, long.record.tokenId);
    expect(await store.resolve(S1, long.token)).toMatchObject({ refused: "unknown" });
  });
});
