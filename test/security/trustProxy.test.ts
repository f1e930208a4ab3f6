/**
 * Behind a reverse proxy (`TAIKU_TRUST_PROXY`): the address a request or a
 * sync upgrade is charged to is the one the proxy appended to
 * `X-Forwarded-For`, so two people behind the proxy have their own rate
 * buckets; without the setting the header is ignored, so a client cannot
 * pick a fresh bucket by making one up. Earlier entries of the header,
 * which the client wrote, are never believed.
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, sessionDocName } from "@taiku/engine";
import { openRaw, startSecurityFixture, type SecurityFixture } from "./securityFixture";

/** Buckets that barely refill during a test, so what a test counts is the burst. */
const SLOW = { rateBurst: 10, ratePerSecond: 0.001 };

const randomToken = (): string => randomBytes(32).toString("base64url");

/** Statuses of `count` requests with made-up tokens, each with the `X-Forwarded-For` that `forwardedFor(i)` gives. */
async function madeUpRequests(f: SecurityFixture, count: number, forwardedFor: (i: number) => string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    statuses.push((await f.t.call("GET", "/api/sessions", { token: randomToken(), headers: { "x-forwarded-for": forwardedFor(i) } })).status);
  }
  return statuses;
}

describe("without TAIKU_TRUST_PROXY", () => {
  let f: SecurityFixture;
  beforeAll(async () => {
    f = await startSecurityFixture({ limits: SLOW });
  });
  afterAll(() => f.t.stop());

  it("ignores X-Forwarded-For: made-up addresses share the real address's bucket, on the API and the sync URL", async () => {
    const statuses = await madeUpRequests(f, SLOW.rateBurst + 5, (i) => `203.0.113.${i + 1}`);
    expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    const outcome = await openRaw(f.wsBase, sessionDocName(f.sid), randomToken(), { "x-forwarded-for": "198.51.100.7" });
    expect(outcome).toMatchObject({ admitted: false, code: CloseCode.Unavailable });
  });
});

describe("with TAIKU_TRUST_PROXY", () => {
  let f: SecurityFixture;
  beforeAll(async () => {
    f = await startSecurityFixture({ trustProxy: true, limits: { ...SLOW, maxConnectionsPerAddress: 2 } });
  });
  afterAll(() => f.t.stop());

  it("charges each request to the forwarded address: one client running out leaves another's bucket full", async () => {
    const first = await madeUpRequests(f, SLOW.rateBurst + 5, () => "203.0.113.1");
    expect(first.slice(0, SLOW.rateBurst).every((s) => s === 401)).toBe(true);
    expect(first.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    expect(await madeUpRequests(f, 3, () => "203.0.113.2")).toEqual([401, 401, 401]);
  });

  it("believes only the entry the proxy appended, not what the client put before it", async () => {
    // 203.0.113.1 is out (above); a client claiming to be someone else through the proxy is still 203.0.113.1.
    expect(await madeUpRequests(f, 3, (i) => `192.0.2.${i + 1}, 203.0.113.1`)).toEqual([429, 429, 429]);
  });

  it("charges sync upgrades to the forwarded address too", async () => {
    const spent = await openRaw(f.wsBase, sessionDocName(f.sid), randomToken(), { "x-forwarded-for": "203.0.113.1" });
    expect(spent).toMatchObject({ admitted: false, code: CloseCode.Unavailable });
    const fresh = await openRaw(f.wsBase, sessionDocName(f.sid), randomToken(), { "x-forwarded-for": "203.0.113.3" });
    expect(fresh).toMatchObject({ admitted: false, code: CloseCode.Unauthenticated });
    const member = await openRaw(f.wsBase, sessionDocName(f.sid), f.member.token, { "x-forwarded-for": "203.0.113.1" });
    expect(member.admitted).toBe(true);
    if (member.admitted) member.ws.close();
  });

  it("does not cap connections per socket address, which would be the proxy's for everyone", async () => {
    const port = Number(new URL(f.t.url).port);
    const sockets = Array.from({ length: 4 }, () => net.connect(port, "127.0.0.1"));
    try {
      const answers = await Promise.all(
        sockets.map(
          (socket, i) =>
            new Promise<string>((resolve) => {
              let received = "";
              socket.on("data", (chunk) => {
                received += chunk.toString();
                if (received.includes("\r\n\r\n")) resolve(received);
              });
              socket.on("close", () => resolve(received));
              socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 198.51.100.${i + 1}\r\n\r\n`);
            }),
        ),
      );
      for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});
