/**
 * Rate limits that hold: a request is charged to its address until its
 * bearer token verifies, then to its user, so made-up tokens run out the
 * address (429) instead of each getting a fresh bucket and a store lookup;
 * the same gate guards the sync endpoint; and logins are throttled per
 * account with 429 and `Retry-After`.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, sessionDocName } from "@taiku/engine";
import { openRaw, startSecurityFixture, type SecurityFixture } from "./securityFixture";

/** Buckets that barely refill during a test, so what a test counts is the burst. */
const SLOW = { rateBurst: 20, ratePerSecond: 0.001 };

const randomToken = (): string => randomBytes(32).toString("base64url");

describe("made-up bearer tokens", () => {
  let f: SecurityFixture;
  beforeAll(async () => {
    f = await startSecurityFixture({ limits: SLOW });
  });
  afterAll(() => f.t.stop());

  it("share their address's bucket: 100 random tokens get at most the burst of 401s, then 429 with Retry-After, and a verified member still gets through", async () => {
    // The owner's token verifies once; from then on it is charged to the owner, not to the address.
    expect((await f.t.call("GET", "/api/sessions", { token: f.owner.token })).status).toBe(200);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 100; i++) {
      const answer = await f.t.call("GET", "/api/sessions", { token: randomToken() });
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter ??= answer.headers.get("retry-after");
    }
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(SLOW.rateBurst);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(100 - SLOW.rateBurst);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // No token at all is the same address.
    expect((await f.t.call("GET", "/api/sessions")).status).toBe(429);

    expect((await f.t.call("GET", "/api/sessions", { token: f.owner.token })).status).toBe(200);
  });

  it("on the sync URL are refused 4503 (come back later) once the address is out, where a fresh bucket would have said 4401", async () => {
    const outcome = await openRaw(f.wsBase, sessionDocName(f.sid), randomToken());
    expect(outcome).toMatchObject({ admitted: false, code: CloseCode.Unavailable });
  });

  it("shaped like host tokens are charged to the address too: refused 4503, never looked up", async () => {
    const outcome = await openRaw(f.wsBase, sessionDocName(f.sid), `taiku-host.${randomToken().slice(0, 12)}.${randomToken()}`);
    expect(outcome).toMatchObject({ admitted: false, code: CloseCode.Unavailable });
  });
});

describe("a verified user", () => {
  let f: SecurityFixture;
  beforeAll(async () => {
    f = await startSecurityFixture({ limits: SLOW });
  });
  afterAll(() => f.t.stop());

  it("has one bucket for all their tokens: two logins of one account share it and hit 429 together", async () => {
    const second = (await f.t.call("POST", "/api/login", { body: { name: "mallory", password: "correct horse battery" } })).json.token as string;
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await f.t.call("GET", "/api/sessions", { token: i % 2 === 0 ? f.member.token : second })).status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(SLOW.rateBurst);
    expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    // Another user is not slowed by it.
    expect((await f.t.call("GET", "/api/sessions", { token: f.owner.token })).status).toBe(200);
  });
});

describe("login throttling per account", () => {
  let f: SecurityFixture;
  beforeAll(async () => {
    f = await startSecurityFixture({ limits: { loginBurst: 3, loginRefillSeconds: 600 } });
  });
  afterAll(() => f.t.stop());

  const login = (name: string, password: string) => f.t.call("POST", "/api/login", { body: { name, password } });

  it("after 3 wrong passwords the account answers 429 with Retry-After, even to the right password; other accounts log in", async () => {
    for (let i = 0; i < 3; i++) expect((await login("owner", `guess-${i}`)).status).toBe(401);
    const throttled = await login("OWNER", "guess-4");
    expect(throttled.status).toBe(429);
    expect(throttled.json.error.message).toMatch(/failed logins for this account/);
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await login("owner", "correct horse battery")).status).toBe(429);
    expect((await login("mallory", "correct horse battery")).status).toBe(200);
  });

  it("a successful login clears the account's failures", async () => {
    for (let i = 0; i < 2; i++) expect((await login("mallory", `guess-${i}`)).status).toBe(401);
    expect((await login("mallory", "correct horse battery")).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login("mallory", `again-${i}`)).status).toBe(401);
    expect((await login("mallory", "again-4")).status).toBe(429);
  });
});
