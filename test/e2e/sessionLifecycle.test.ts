/**
 * A session's lifecycle with two people in real Chromium: a plugin the
 * owner enabled for the session reads its own registration
 * (`getPlugin()`: `serverManaged` true for both), only the owner is offered
 * "End session", nothing ends until the owner confirms, and once ended every
 * member sees the ended screen, runs no plugin any more, keeps no copy of the
 * plugins' shared data, and the server has deleted it.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

/** The probe fixture's plugin object, as its page exposes it. */
interface Probe {
  getPlugin(): Promise<unknown>;
  setPluginData(key: string, value: unknown): Promise<void>;
}

/** The names of this page's IndexedDB databases that hold a copy of `sid`'s plugin KV. */
function kvCopies(user: BrowserUser, sid: string): Promise<string[]> {
  return user.page.evaluate(
    async (prefix) => (await indexedDB.databases()).map((db) => db.name ?? "").filter((name) => name.includes(prefix)),
    `sessions/${sid}/kv/`,
  );
}

describe("ending a session, with two people", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let bo: BrowserUser;
  let token: string;

  beforeAll(async () => {
    server = await startE2eServer([path.join(FIXTURES, "probe")]);
    ada = await launchUser(server.url, "ada");
    await ada.createSession("Short-lived");
    await ada.enableForSession("probe");
    bo = await launchUser(server.url, "bo", await ada.invite());
    await bo.page.waitForURL(/#\/s\//);
    await bo.page.waitForSelector(".connection[data-state=saved]");
    const login = await fetch(`${server.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "ada", password: "correct horse battery" }),
    });
    token = ((await login.json()) as { token: string }).token;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ada?.close(), bo?.close()]);
    await server?.stop();
  });

  async function history(key: string): Promise<unknown[]> {
    const answer = await fetch(`${server.url}/api/sessions/${encodeURIComponent(ada.sessionId)}/kv/probe/history?key=${key}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await answer.json()) as { changes: unknown[] }).changes;
  }

  it("a session-managed plugin reads its RegisteredPlugin in every member's browser", async () => {
    for (const user of [ada, bo]) {
      const probe = await user.openPanel("probe", "probe");
      expect(await probe.evaluate(() => (window as unknown as { probe: Probe }).probe.getPlugin())).toEqual({
        id: "probe",
        name: "Probe",
        version: "0.0.1",
        description: expect.stringContaining("test plugin"),
        permissions: ["ui.panel", "session.read"],
        source: "local",
        serverManaged: true,
      });
    }
  }, 60_000);

  it("only the owner is offered End session, and Cancel ends nothing", async () => {
    expect(await bo.page.locator(".session-header .end-session").count()).toBe(0);
    await ada.page.click(".session-header .end-session");
    const dialog = ada.page.locator(".end-session-dialog");
    expect(await dialog.textContent()).toContain("shared data in this session is deleted");
    await dialog.locator("text=Cancel").click();
    await dialog.waitFor({ state: "detached" });
    const probe = await ada.pluginFrame("probe");
    await probe.evaluate(() => (window as unknown as { probe: Probe }).probe.setPluginData("agenda", "ship it"));
    await bo.page.waitForSelector(".plugin-frame[data-plugin=probe] iframe", { state: "attached" });
    expect(await ada.page.locator(".session-ended").count()).toBe(0);
    expect(await history("agenda")).toHaveLength(1);
    await expect.poll(() => kvCopies(bo, ada.sessionId)).toHaveLength(1);
  }, 30_000);

  it("after the owner confirms, both see the ended screen, no plugin runs, and the plugins' shared data is gone everywhere", async () => {
    await ada.page.click(".session-header .end-session");
    await ada.page.click(".end-session-dialog .confirm-end-session");
    for (const user of [ada, bo]) {
      const ended = await user.page.waitForSelector(".session-ended", { timeout: 10_000 });
      expect(await ended.isVisible()).toBe(true);
      await user.page.waitForSelector(".plugin-frame", { state: "detached" });
      expect(await user.page.locator(".plugin-tab").count()).toBe(0);
      expect(await user.page.locator(".session-header .end-session").count()).toBe(0);
      expect(await user.page.locator(".chat-form").count()).toBe(0);
      await expect.poll(() => kvCopies(user, ada.sessionId)).toEqual([]);
    }
    expect(await bo.page.textContent(".session-ended")).toContain("ada ended it");
    expect(await ada.page.textContent(".session-ended")).toContain("You ended it");
    expect(await history("agenda")).toEqual([]);
    await bo.screenshot("session-ended");
  }, 30_000);

  it("a member who opens the ended session later sees the ended screen too", async () => {
    await bo.page.reload();
    const ended = await bo.page.waitForSelector(".session-ended", { timeout: 10_000 });
    expect(await ended.isVisible()).toBe(true);
    expect(await bo.page.locator(".plugin-frame").count()).toBe(0);
  }, 30_000);
});
