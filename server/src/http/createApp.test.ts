import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { DocName } from "@taiku/engine";
import { startTestServer, type TestServer } from "../testing/startTestServer";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

function rawGet(base: string, rawPath: string): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    http
      .get({ host: url.hostname, port: url.port, path: rawPath }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      })
      .on("error", reject);
  });
}

describe("the app around the API", () => {
  it("answers /healthz", async () => {
    t = await startTestServer();
    const answer = await t.call("GET", "/healthz");
    expect(answer.status).toBe(200);
    expect(answer.json.ok).toBe(true);
  });

  it("limits the request rate per token with 429 and Retry-After, without affecting other callers", async () => {
    t = await startTestServer({ limits: { rateBurst: 5, ratePerSecond: 0.5 } });
    const busy = await t.signUp("busy");
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await t.call("GET", "/api/sessions", { token: busy.token })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const limited = await t.call("GET", "/api/sessions", { token: busy.token });
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(limited.json.error.message).toMatch(/too many requests/);
    // Anonymous traffic has its own bucket, per address.
    const health = await t.call("GET", "/healthz");
    expect(health.status).toBe(200);
  });

  it("limits sign-up and login attempts per address more tightly, since each hashes a password", async () => {
    t = await startTestServer({ limits: { authBurst: 3, authPerSecond: 0.1 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.call("POST", "/api/login", { body: { name: "x", password: "guessing" } })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect((await t.call("POST", "/api/users", { body: { name: "late", password: "long password" } })).status).toBe(429);
    expect((await t.call("GET", "/api/sessions")).status).toBe(401);
  });

  it("reports relay figures, a persist histogram in seconds, process metrics and HTTP requests; a second scrape sees everything the first saw", async () => {
    t = await startTestServer();
    await t.call("GET", "/api/sessions");
    await t.call("GET", "/healthz");
    await t.relay.transact("sessions/s1/kv/notes" as DocName, (doc) => doc.getMap("kv").set("k", "v"));
    const answer = await t.call("GET", "/metrics");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = answer.bytes.toString();
    for (const name of ["taiku_connections", "taiku_loaded_documents", "taiku_updates_total", "taiku_quota_rejections_total", "taiku_compensations_total", "process_cpu_seconds_total", "nodejs_eventloop_lag_seconds"]) {
      expect(text).toMatch(new RegExp(`^${name} [\\d.e+-]+$`, "m"));
    }
    expect(text).toMatch(/^# TYPE taiku_persist_duration_seconds histogram$/m);
    expect(text).toMatch(/^taiku_persist_duration_seconds_bucket\{le="\+Inf"\} 1$/m);
    expect(text).toMatch(/^taiku_persist_duration_seconds_count 1$/m);
    expect(text).toMatch(/^taiku_http_requests_total\{method="GET",route="\/api\/sessions",status="401"\} 1$/m);
    expect(text).toMatch(/^taiku_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1$/m);
    // Scraping drains nothing: another scraper sees the same persist count.
    const again = (await t.call("GET", "/metrics")).bytes.toString();
    expect(again).toMatch(/^taiku_persist_duration_seconds_count 1$/m);
  });

  it("answers /metrics only on this machine unless TAIKU_METRICS_TOKEN is set, and then only with that token", async () => {
    t = await startTestServer();
    expect((await t.call("GET", "/metrics", { headers: { "x-forwarded-for": "203.0.113.7" } })).status).toBe(403);
    await t.stop();
    t = await startTestServer({ metricsToken: "scrape-secret" });
    expect((await t.call("GET", "/metrics")).status).toBe(401);
    expect((await t.call("GET", "/metrics", { token: "wrong-secret!" })).status).toBe(401);
    const scraped = await t.call("GET", "/metrics", { token: "scrape-secret", headers: { "x-forwarded-for": "203.0.113.7" } });
    expect(scraped.status).toBe(200);
    expect(scraped.bytes.toString()).toMatch(/^taiku_connections 0$/m);
  });

  it("says how to build the client when it is not built", async () => {
    t = await startTestServer();
    const answer = await t.call("GET", "/");
    expect(answer.status).toBe(200);
    expect(answer.bytes.toString()).toContain("npm run build -w @taiku/client");
  });

  it("serves the built client with an index.html fallback, and nothing from outside its folder", async () => {
    t = await startTestServer();
    const clientDir = t.server.services.config.clientDir;
    await mkdir(path.join(clientDir, "assets"), { recursive: true });
    await writeFile(path.join(clientDir, "index.html"), "<!doctype html><title>app</title>");
    await writeFile(path.join(clientDir, "assets", "app.js"), "console.log(1)");
    await writeFile(path.join(path.dirname(clientDir), "secret.txt"), "outside");
    const asset = await t.call("GET", "/assets/app.js");
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect(asset.bytes.toString()).toBe("console.log(1)");
    const route = await t.call("GET", "/sessions/abc");
    expect(route.bytes.toString()).toContain("<title>app</title>");
    const missingAsset = await t.call("GET", "/assets/missing.js");
    expect(missingAsset.status).toBe(404);
    for (const rawPath of ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%5csecret.txt", "/a%00b.txt"]) {
      const answer = await rawGet(t.url, rawPath);
      expect(answer.body, rawPath).not.toContain("outside");
    }
  });

  it("answers 503 with a message for the SDK module until it is built, then serves it", async () => {
    t = await startTestServer();
    const missing = await t.call("GET", "/sdk/plugin-sdk.js");
    expect(missing.status).toBe(503);
    expect(missing.json.error).toEqual({ code: "unavailable", message: expect.stringMatching(/not built/) });
    await mkdir(path.dirname(t.server.services.config.sdkBundlePath), { recursive: true });
    await writeFile(t.server.services.config.sdkBundlePath, "export const sdk = 1;");
    const served = await t.call("GET", "/sdk/plugin-sdk.js");
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toMatch(/javascript/);
    expect(served.headers.get("access-control-allow-origin")).toBe("*");
    expect(served.bytes.toString()).toBe("export const sdk = 1;");
  });
});
