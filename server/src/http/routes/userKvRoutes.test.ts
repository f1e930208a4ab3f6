import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../testing/startTestServer";

let t: TestServer;
let alice: { token: string };
let bob: { token: string };

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.signUp("alice");
  bob = await t.signUp("bob");
});
afterAll(() => t.stop());

describe("user KV", () => {
  it("stores, reads, lists and deletes the caller's JSON values per plugin", async () => {
    const put = await t.call("PUT", "/api/user-kv/notes/theme", { token: alice.token, body: { value: { dark: true, size: 14 } } });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ key: "theme", bytes: JSON.stringify({ dark: true, size: 14 }).length });
    await t.call("PUT", "/api/user-kv/notes/recent", { token: alice.token, body: { value: ["a", "b"] } });
    await t.call("PUT", "/api/user-kv/notes/null", { token: alice.token, body: { value: null } });
    await t.call("PUT", "/api/user-kv/todo/theme", { token: alice.token, body: { value: "other plugin" } });
    const got = await t.call("GET", "/api/user-kv/notes/theme", { token: alice.token });
    expect(got.json).toEqual({ key: "theme", value: { dark: true, size: 14 }, found: true });
    const list = await t.call("GET", "/api/user-kv/notes", { token: alice.token });
    expect(list.json).toEqual({
      entries: [
        { key: "null", value: null },
        { key: "recent", value: ["a", "b"] },
        { key: "theme", value: { dark: true, size: 14 } },
      ],
    });
    const deleted = await t.call("DELETE", "/api/user-kv/notes/recent", { token: alice.token });
    expect(deleted.json).toEqual({ deleted: true });
    const again = await t.call("DELETE", "/api/user-kv/notes/recent", { token: alice.token });
    expect(again.json).toEqual({ deleted: false });
    const gone = await t.call("GET", "/api/user-kv/notes/recent", { token: alice.token });
    expect(gone.status).toBe(200);
    expect(gone.json).toEqual({ key: "recent", value: null, found: false });
  });

  it("keeps keys with unusual characters intact", async () => {
    const key = "a/b ü 🎉?&=";
    await t.call("PUT", `/api/user-kv/notes/${encodeURIComponent(key)}`, { token: alice.token, body: { value: 1 } });
    const got = await t.call("GET", `/api/user-kv/notes/${encodeURIComponent(key)}`, { token: alice.token });
    expect(got.json).toEqual({ key, value: 1, found: true });
    const list = await t.call("GET", "/api/user-kv/notes", { token: alice.token });
    expect(list.json.entries.map((e: { key: string }) => e.key)).toContain(key);
  });

  it("never shows one user's values to another, nor to anonymous callers", async () => {
    await t.call("PUT", "/api/user-kv/secrets/pin", { token: alice.token, body: { value: "1234" } });
    const bobsList = await t.call("GET", "/api/user-kv/secrets", { token: bob.token });
    expect(bobsList.json).toEqual({ entries: [] });
    const bobsGet = await t.call("GET", "/api/user-kv/secrets/pin", { token: bob.token });
    expect(bobsGet.json).toEqual({ key: "pin", value: null, found: false });
    const bobsDelete = await t.call("DELETE", "/api/user-kv/secrets/pin", { token: bob.token });
    expect(bobsDelete.json).toEqual({ deleted: false });
    for (const [method, route] of [
      ["GET", "/api/user-kv/secrets"],
      ["GET", "/api/user-kv/secrets/pin"],
      ["PUT", "/api/user-kv/secrets/pin"],
      ["DELETE", "/api/user-kv/secrets/pin"],
    ] as const) {
      const answer = await t.call(method, route, method === "PUT" ? { body: { value: "x" } } : {});
      expect(answer.status, `${method} ${route}`).toBe(401);
    }
    const still = await t.call("GET", "/api/user-kv/secrets/pin", { token: alice.token });
    expect(still.json.value).toBe("1234");
  });

  it("refuses a value over 1 MiB of JSON with 413 and keeps the old value", async () => {
    await t.call("PUT", "/api/user-kv/notes/big", { token: alice.token, body: { value: "small" } });
    const exactly = "x".repeat(1024 * 1024 - 2); // its JSON (with quotes) is exactly 1 MiB
    const fits = await t.call("PUT", "/api/user-kv/notes/fits", { token: alice.token, body: { value: exactly } });
    expect(fits.status).toBe(200);
    const over = await t.call("PUT", "/api/user-kv/notes/big", { token: alice.token, body: { value: `${exactly}y` } });
    expect(over.status).toBe(413);
    expect(over.json.error.code).toBe("quota_exceeded");
    const huge = await t.call("PUT", "/api/user-kv/notes/big", { token: alice.token, body: { value: "x".repeat(3 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    const kept = await t.call("GET", "/api/user-kv/notes/big", { token: alice.token });
    expect(kept.json.value).toBe("small");
  });

  it("refuses malformed JSON, a missing value and bad plugin ids with 400 and changes nothing", async () => {
    const malformed = await t.call("PUT", "/api/user-kv/notes/k", { token: alice.token, raw: "{value: 1}" });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.message).toMatch(/malformed JSON/);
    const missing = await t.call("PUT", "/api/user-kv/notes/k", { token: alice.token, body: { other: 1 } });
    expect(missing.status).toBe(400);
    const badPlugin = await t.call("PUT", "/api/user-kv/Bad!Plugin/k", { token: alice.token, body: { value: 1 } });
    expect(badPlugin.status).toBe(400);
    const deep = await t.call("PUT", "/api/user-kv/notes/k", { token: alice.token, raw: `{"value":${"[".repeat(50_000)}${"]".repeat(50_000)}}` });
    expect(deep.status).toBe(400);
    expect(deep.json.error.message).toMatch(/nested deeper/);
    const got = await t.call("GET", "/api/user-kv/notes/k", { token: alice.token });
    expect(got.json).toMatchObject({ value: null, found: false });
  });
});
