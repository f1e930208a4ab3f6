import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserId } from "@taiku/engine";
import { startTestServer, type TestServer } from "../../testing/startTestServer";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

describe("sign-up and login", () => {
  it("registers a user (201 {userId}) and logs in with the same credentials (200 {token, userId})", async () => {
    const created = await t.call("POST", "/api/users", { body: { name: "ada", password: "analytical engine" } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ userId: expect.any(String) });
    const login = await t.call("POST", "/api/login", { body: { name: "ada", password: "analytical engine" } });
    expect(login.status).toBe(200);
    expect(login.json).toEqual({ token: expect.any(String), userId: created.json.userId });
    expect(login.headers.get("cache-control")).toBe("no-store");
  });

  it("stores an scrypt hash with a per-user salt, never the password", async () => {
    const a = await t.signUp("salty1", "same password!");
    const b = await t.signUp("salty2", "same password!");
    const recordA = await t.server.services.users.record(a.userId as UserId);
    const recordB = await t.server.services.users.record(b.userId as UserId);
    expect(recordA?.password.algorithm).toBe("scrypt");
    expect(JSON.stringify(recordA)).not.toContain("same password!");
    expect(recordA?.password.salt).not.toBe(recordB?.password.salt);
    expect(recordA?.password.hash).not.toBe(recordB?.password.hash);
  });

  it("refuses a wrong password and an unknown name alike with 401", async () => {
    await t.signUp("grace", "compiler first");
    const wrong = await t.call("POST", "/api/login", { body: { name: "grace", password: "compiler second" } });
    const unknown = await t.call("POST", "/api/login", { body: { name: "nobody", password: "compiler first" } });
    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ error: { code: "permission_denied", message: "wrong name or password" } });
    }
  });

  it("refuses a taken name (case-insensitively) with 409 and keeps the first user's password", async () => {
    await t.signUp("linus", "first password");
    const again = await t.call("POST", "/api/users", { body: { name: "LINUS", password: "second password" } });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("invalid_params");
    const login = await t.call("POST", "/api/login", { body: { name: "linus", password: "first password" } });
    expect(login.status).toBe(200);
  });

  it("answers malformed JSON with 400 and a message", async () => {
    const answer = await t.call("POST", "/api/users", { raw: '{"name": "x", ', headers: { "content-type": "application/json" } });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe("invalid_params");
    expect(answer.json.error.message).toMatch(/malformed JSON/);
  });

  it("answers wrong types, missing fields and short passwords with 400 naming the field", async () => {
    const wrongType = await t.call("POST", "/api/users", { body: { name: 42, password: "long enough" } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error.message).toMatch(/name/);
    const missing = await t.call("POST", "/api/users", { body: { name: "nopass" } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toMatch(/password/);
    const short = await t.call("POST", "/api/users", { body: { name: "shorty", password: "abc" } });
    expect(short.status).toBe(400);
    const notObject = await t.call("POST", "/api/users", { body: ["ada", "password"] });
    expect(notObject.status).toBe(400);
    const login = await t.call("POST", "/api/login", { body: { name: "shorty", password: "abc" } });
    expect(login.status).toBe(401);
  });

  it("refuses an oversized body with 413", async () => {
    const answer = await t.call("POST", "/api/users", { body: { name: "big", password: "x".repeat(100_000) } });
    expect(answer.status).toBe(413);
    expect(answer.json.error.code).toBe("quota_exceeded");
  });

  it("refuses API calls without a token, with a bad token, or with a malformed header with 401", async () => {
    for (const headers of [{}, { authorization: "Bearer not-a-token" }, { authorization: "Basic abc" }] as Array<Record<string, string>>) {
      const answer = await t.call("GET", "/api/sessions", { headers });
      expect(answer.status).toBe(401);
      expect(answer.json.error.code).toBe("permission_denied");
    }
  });

  it("answers an unknown API route with 404 and a wrong method with 405, in the error shape", async () => {
    const missing = await t.call("GET", "/api/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("not_found");
    const wrongMethod = await t.call("DELETE", "/api/login");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json.error.code).toBe("method_not_found");
  });
});
