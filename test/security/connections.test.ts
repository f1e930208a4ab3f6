/**
 * The connection edge: a browser's sync upgrade is judged by the
 * configured public origins, never by the request's own `Host` (a
 * DNS-rebinding page sends a matching pair); slow headers are cut off with
 * 408 after the configured timeout; and one address cannot hold more than
 * the configured number of connections.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, sessionDocName } from "@taiku/engine";
import { openRaw, startSecurityFixture, until, type SecurityFixture } from "./securityFixture";

describe("the Origin check of sync upgrades", () => {
  let f: SecurityFixture;
  let port: string;
  beforeAll(async () => {
    f = await startSecurityFixture();
    port = new URL(f.t.url).port;
  });
  afterAll(() => f.t.stop());

  it("refuses a DNS-rebinding page whose Origin matches its own Host, and admits the server's own origin", async () => {
    const rebound = await openRaw(f.wsBase, sessionDocName(f.sid), f.owner.token, { host: `evil.example:${port}`, origin: `http://evil.example:${port}` });
    expect(rebound).toMatchObject({ admitted: false, code: CloseCode.PermissionDenied });
    const own = await openRaw(f.wsBase, sessionDocName(f.sid), f.owner.token, { origin: f.t.url });
    expect(own.admitted).toBe(true);
    if (own.admitted) own.ws.close();
  });
});

describe("configured public origins", () => {
  let f: SecurityFixture;
  beforeAll(async () => {
    f = await startSecurityFixture({ publicOrigins: ["https://taiku.example"] });
  });
  afterAll(() => f.t.stop());

  it("admit exactly the configured origin, whatever the Host says", async () => {
    const configured = await openRaw(f.wsBase, sessionDocName(f.sid), f.owner.token, { origin: "https://taiku.example" });
    expect(configured.admitted).toBe(true);
    if (configured.admitted) configured.ws.close();
    const loopback = await openRaw(f.wsBase, sessionDocName(f.sid), f.owner.token, { origin: f.t.url });
    expect(loopback).toMatchObject({ admitted: false, code: CloseCode.PermissionDenied });
  });
});

describe("slow clients and many connections", () => {
  let f: SecurityFixture;
  const CAP = 20;
  let port: number;
  beforeAll(async () => {
    f = await startSecurityFixture({ limits: { headersTimeoutMs: 1_000, requestTimeoutMs: 5_000, maxConnectionsPerAddress: CAP } });
    port = Number(new URL(f.t.url).port);
  });
  afterAll(() => f.t.stop());

  it("a client that never finishes its headers gets 408 and is closed", async () => {
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write("GET /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it(`an address holding ${CAP} connections has every further one closed at once; closing some lets new ones in`, async () => {
    const sockets = Array.from({ length: CAP + 10 }, () => net.connect(port, "127.0.0.1"));
    const closed = new Set<net.Socket>();
    for (const socket of sockets) {
      socket.on("close", () => closed.add(socket));
      socket.on("error", () => undefined);
    }
    await until(() => closed.size >= 10, "the connections over the cap to be closed");
    // Nothing was sent on any of them: the ones still open are the ones under the cap (the test's own idle HTTP connections count too).
    expect(sockets.length - closed.size).toBeLessThanOrEqual(CAP);
    for (const socket of sockets) socket.destroy();
    await until(() => closed.size === sockets.length, "every connection to close");
    // The server sees the closes a moment after the client does.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = await f.t.call("GET", "/api/sessions", { token: f.owner.token }).then((answer) => answer.status, () => 0);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(200);
  });
});
