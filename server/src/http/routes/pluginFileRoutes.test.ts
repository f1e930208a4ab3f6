import http from "node:http";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../testing/startTestServer";

let t: TestServer;
let alice: { token: string; userId: string };
let bob: { token: string };

beforeAll(async () => {
  t = await startTestServer({ limits: { pluginFileBytes: 1000, pluginTotalBytes: 2500, pluginFileCount: 5 } });
  alice = await t.signUp("alice");
  bob = await t.signUp("bob");
});
afterAll(() => t.stop());

/** Sends a request with the path exactly as written (fetch would normalise `..`). */
function rawRequest(method: string, rawPath: string, token: string, body?: Buffer): Promise<{ status: number; body: string }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: rawPath, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function allFilesOnDisk(): Promise<string[]> {
  const entries = await readdir(path.join(t.dataDir, "files"), { recursive: true }).catch(() => [] as string[]);
  return entries.map(String).sort();
}

describe("plugin files", () => {
  it("writes, lists, reads and deletes raw bytes", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    const put = await t.call("PUT", "/api/plugin-files/notes/data.bin", { token: alice.token, raw: bytes });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ name: "data.bin", size: 5 });
    await t.call("PUT", "/api/plugin-files/notes/readme.txt", { token: alice.token, raw: "hello" });
    const list = await t.call("GET", "/api/plugin-files/notes", { token: alice.token });
    expect(list.json).toEqual({ files: [{ name: "data.bin", size: 5 }, { name: "readme.txt", size: 5 }], totalBytes: 10, fileCount: 2, limits: { maxFileBytes: 1000, maxTotalBytes: 2500, maxFiles: 5 } });
    const got = await t.call("GET", "/api/plugin-files/notes/data.bin", { token: alice.token });
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/octet-stream");
    expect([...got.bytes]).toEqual([0, 1, 2, 255, 254]);
    const replaced = await t.call("PUT", "/api/plugin-files/notes/readme.txt", { token: alice.token, raw: "hi" });
    expect(replaced.json.size).toBe(2);
    expect((await t.call("DELETE", "/api/plugin-files/notes/readme.txt", { token: alice.token })).json).toEqual({ deleted: true });
    expect((await t.call("DELETE", "/api/plugin-files/notes/readme.txt", { token: alice.token })).json).toEqual({ deleted: false });
    expect((await t.call("GET", "/api/plugin-files/notes/readme.txt", { token: alice.token })).status).toBe(404);
    await t.call("DELETE", "/api/plugin-files/notes/data.bin", { token: alice.token });
  });

  it("keeps each user's files to themselves and refuses anonymous callers", async () => {
    await t.call("PUT", "/api/plugin-files/vault/key.pem", { token: alice.token, raw: "private" });
    expect((await t.call("GET", "/api/plugin-files/vault", { token: bob.token })).json).toEqual({ files: [], totalBytes: 0, fileCount: 0, limits: { maxFileBytes: 1000, maxTotalBytes: 2500, maxFiles: 5 } });
    expect((await t.call("GET", "/api/plugin-files/vault/key.pem", { token: bob.token })).status).toBe(404);
    expect((await t.call("DELETE", "/api/plugin-files/vault/key.pem", { token: bob.token })).json).toEqual({ deleted: false });
    for (const [method, route] of [
      ["GET", "/api/plugin-files/vault"],
      ["GET", "/api/plugin-files/vault/key.pem"],
      ["PUT", "/api/plugin-files/vault/key.pem"],
      ["DELETE", "/api/plugin-files/vault/key.pem"],
    ] as const) {
      expect((await t.call(method, route, method === "PUT" ? { raw: "evil" } : {})).status, `${method} ${route}`).toBe(401);
    }
    const still = await t.call("GET", "/api/plugin-files/vault/key.pem", { token: alice.token });
    expect(still.bytes.toString()).toBe("private");
    await t.call("DELETE", "/api/plugin-files/vault/key.pem", { token: alice.token });
  });

  it("refuses a file over the per-file limit and a write past the per-plugin total with 413, changing nothing", async () => {
    const tooBig = await t.call("PUT", "/api/plugin-files/limits/big", { token: alice.token, raw: Buffer.alloc(1001) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.error).toEqual({ code: "quota_exceeded", message: expect.stringMatching(/1000 bytes/) });
    await t.call("PUT", "/api/plugin-files/limits/a", { token: alice.token, raw: Buffer.alloc(1000) });
    await t.call("PUT", "/api/plugin-files/limits/b", { token: alice.token, raw: Buffer.alloc(1000) });
    const pastTotal = await t.call("PUT", "/api/plugin-files/limits/c", { token: alice.token, raw: Buffer.alloc(501) });
    expect(pastTotal.status).toBe(413);
    expect(pastTotal.json.error.message).toMatch(/would total 2501 bytes, over the per-plugin limit \(maxTotalBytes\) of 2500 bytes; nothing was written/);
    const replaceWithinTotal = await t.call("PUT", "/api/plugin-files/limits/b", { token: alice.token, raw: Buffer.alloc(900) });
    expect(replaceWithinTotal.status).toBe(200);
    const list = await t.call("GET", "/api/plugin-files/limits", { token: alice.token });
    expect(list.json).toEqual({ files: [{ name: "a", size: 1000 }, { name: "b", size: 900 }], totalBytes: 1900, fileCount: 2, limits: { maxFileBytes: 1000, maxTotalBytes: 2500, maxFiles: 5 } });
  });

  it("refuses more files than the per-plugin count", async () => {
    for (let i = 0; i < 5; i++) expect((await t.call("PUT", `/api/plugin-files/many/f${i}`, { token: alice.token, raw: "x" })).status).toBe(200);
    const sixth = await t.call("PUT", "/api/plugin-files/many/f5", { token: alice.token, raw: "x" });
    expect(sixth.status).toBe(413);
    expect(sixth.json.error.message).toMatch(/over the limit \(maxFiles\) of 5/);
  });

  it("refuses path-traversal and malformed names (.., %2e%2e, /, \\, NUL) with 400 and writes nothing outside", async () => {
    const before = await allFilesOnDisk();
    const hostile = [
      "/api/plugin-files/notes/%2e%2e",
      "/api/plugin-files/notes/%2E%2E",
      "/api/plugin-files/notes/..",
      "/api/plugin-files/notes/.",
      "/api/plugin-files/notes/..%2f..%2fescape",
      "/api/plugin-files/notes/a%2Fb",
      "/api/plugin-files/notes/a%5Cb",
      "/api/plugin-files/notes/..%5C..%5Cescape",
      "/api/plugin-files/notes/a%00b",
      `/api/plugin-files/notes/${"n".repeat(201)}`,
      "/api/plugin-files/..%2F..%2Fetc/passwd",
    ];
    for (const rawPath of hostile) {
      for (const method of ["PUT", "GET", "DELETE"]) {
        const answer = await rawRequest(method, rawPath, alice.token, method === "PUT" ? Buffer.from("pwned") : undefined);
        expect([400, 404], `${method} ${rawPath} → ${answer.status} ${answer.body}`).toContain(answer.status);
        if (answer.status === 400) expect(JSON.parse(answer.body).error.code).toBe("invalid_params");
      }
    }
    // Literal "/.." segments are resolved by routing, never reaching another user's or plugin's folder.
    const dotSegments = await rawRequest("PUT", "/api/plugin-files/notes/../../user-kv/notes/x", alice.token, Buffer.from("pwned"));
    expect(dotSegments.status).not.toBe(200);
    expect(await allFilesOnDisk()).toEqual(before);
  });
});
