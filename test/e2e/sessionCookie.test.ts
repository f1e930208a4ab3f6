/**
 * The session cookie in a real Chromium against the real server: after
 * signing up in the UI the browser holds `taiku_session` (HttpOnly, so no
 * script reads it; SameSite=Strict), a plain same-origin `fetch()` from the
 * app's page is signed in by it alone, and it does nothing for anyone else:
 * a cross-site page's form post and credentialed `fetch`, a same-site page
 * on another port, and a sandboxed plugin frame of this very server all
 * fail to create a session in the user's name.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

describe("the browser's session cookie", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let foreign: http.Server;
  let foreignPort: number;
  let token: string;

  /** Ada's session titles, read with her bearer token. */
  async function titles(): Promise<string[]> {
    const response = await fetch(`${server.url}/api/sessions`, { headers: { authorization: `Bearer ${token}` } });
    return ((await response.json()) as { sessions: { title: string }[] }).sessions.map((session) => session.title);
  }

  beforeAll(async () => {
    server = await startE2eServer([path.join(FIXTURES, "probe")]);
    ada = await launchUser(server.url, "ada");
    token = await ada.page.evaluate(() => (JSON.parse(localStorage.getItem("taiku:auth") ?? "{}") as { token: string }).token);
    // Another site's page: a form that posts a session into the taiku server, and a credentialed fetch.
    foreign = http.createServer((_request, response) => {
      response.setHeader("content-type", "text/html");
      response.end(`<!doctype html><form id="forge" method="POST" enctype="text/plain" action="${server.url}/api/sessions">
        <input name='{"title":"forged by a form","x":"' value='"}'></form>`);
    });
    await new Promise<void>((resolve) => foreign.listen(0, "127.0.0.1", resolve));
    foreignPort = (foreign.address() as AddressInfo).port;
  }, 120_000);

  afterAll(async () => {
    await ada?.close();
    await server?.stop();
    foreign?.close();
  });

  it("is set HttpOnly and SameSite=Strict, hidden from scripts, and signs in the app page's plain fetch", async () => {
    const cookies = await ada.page.context().cookies(server.url);
    const cookie = cookies.find((entry) => entry.name === "taiku_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/", value: token });
    expect(await ada.page.evaluate(() => document.cookie)).not.toContain("taiku_session");
    const answer = await ada.page.evaluate(async () => {
      const response = await fetch("/api/sessions");
      return { status: response.status, body: (await response.json()) as unknown };
    });
    expect(answer.status).toBe(200);
    const made = await ada.page.evaluate(async () => (await fetch("/api/sessions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "made by a plain fetch" }) })).status);
    expect(made).toBe(201);
    expect(await titles()).toContain("made by a plain fetch");
  });

  it("creates nothing for a cross-site form post or fetch, a same-site page on another port, or a sandboxed plugin frame", async () => {
    const before = await titles();
    const page = await ada.page.context().newPage();
    try {
      // localhost is another site than 127.0.0.1: the browser withholds the Strict cookie, and the server refuses anyway.
      await page.goto(`http://localhost:${foreignPort}/`);
      await Promise.all([page.waitForNavigation(), page.evaluate(() => (document.getElementById("forge") as HTMLFormElement).submit())]);
      expect(await page.textContent("body")).toMatch(/sign in|not accepted|permission/i);
      await page.goto(`http://localhost:${foreignPort}/`);
      await page.evaluate(async (target) => {
        await fetch(`${target}/api/sessions`, { method: "POST", credentials: "include", mode: "no-cors", headers: { "content-type": "text/plain" }, body: JSON.stringify({ title: "forged by a cross-site fetch" }) }).catch(() => undefined);
      }, server.url);
      // Same site, other port: the browser sends the cookie, and the server refuses it (Sec-Fetch-Site: same-site).
      await page.goto(`http://127.0.0.1:${foreignPort}/`);
      const sameSite = await page.evaluate(async (target) => {
        await fetch(`${target}/api/sessions`, { method: "POST", credentials: "include", mode: "no-cors", headers: { "content-type": "text/plain" }, body: JSON.stringify({ title: "forged by a same-site fetch" }) }).catch(() => undefined);
        return "sent";
      }, server.url);
      expect(sameSite).toBe("sent");
    } finally {
      await page.close();
    }

    await ada.createSession("Probing");
    await ada.enablePlugin("probe");
    const probe = await ada.openPanel("probe", "probe");
    const fromFrame = await probe.evaluate(async () => {
      try {
        await fetch("/api/sessions", { method: "POST", credentials: "include", mode: "no-cors", headers: { "content-type": "text/plain" }, body: JSON.stringify({ title: "forged by a plugin frame" }) });
        const read = await fetch("/api/sessions", { credentials: "include" });
        return `read ${read.status}`;
      } catch (cause) {
        return `refused: ${String(cause)}`;
      }
    });
    expect(fromFrame).not.toBe("read 200");
    const after = await titles();
    expect(after.filter((title) => title.startsWith("forged"))).toEqual([]);
    expect([...after].sort()).toEqual([...before, "Probing"].sort());
  }, 60_000);
});
