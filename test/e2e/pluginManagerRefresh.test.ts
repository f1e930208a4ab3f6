/**
 * The plugin manager, in real Chromium: a plugin installed while the page is
 * open appears without a reload (the manifest is fetched again when the
 * manager opens and when the window regains focus), and every card shows the
 * plugin's description, version and what each requested permission allows
 * before anything is enabled.
 */
import { cp } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

describe("the plugin manager", () => {
  let server: E2eServer;
  let ada: BrowserUser;

  beforeAll(async () => {
    server = await startE2eServer();
    ada = await launchUser(server.url, "ada");
    await ada.createSession("Installing");
  }, 120_000);

  afterAll(async () => {
    await ada?.close();
    await server?.stop();
  });

  it("shows each plugin's description, version and permissions before it is enabled", async () => {
    await ada.page.click(".session-header >> text=Plugins");
    const card = ada.page.locator('.plugin-card[data-plugin="build-status"]');
    expect(await card.getAttribute("data-state")).toBe("off");
    expect(await card.locator(".plugin-description").textContent()).toContain("Shared build status");
    expect(await card.locator("header").textContent()).toContain("build-status 0.1.0");
    expect(await card.locator(".permissions-intro").textContent()).toBe("If enabled, it may:");
    expect(await card.locator(".permissions li").allTextContents()).toEqual([
      expect.stringContaining("ui.panel"),
      expect.stringContaining("session.write"),
    ]);
    await ada.page.click(".plugin-manager >> text=Close");
  });

  it("a plugin installed while the manager is open appears when the window regains focus, and on reopening", async () => {
    await ada.page.click(".session-header >> text=Plugins");
    expect(await ada.page.locator('.plugin-card[data-plugin="screen"]').count()).toBe(0);
    await cp(path.join(FIXTURES, "screen"), path.join(server.dataDir, "plugins", "screen"), { recursive: true });
    await ada.page.evaluate(() => window.dispatchEvent(new Event("focus")));
    await ada.page.locator('.plugin-card[data-plugin="screen"]').waitFor({ timeout: 10_000 });
    await ada.page.click(".plugin-manager >> text=Close");

    await cp(path.join(FIXTURES, "probe"), path.join(server.dataDir, "plugins", "probe"), { recursive: true });
    await ada.page.click(".session-header >> text=Plugins");
    await ada.page.locator('.plugin-card[data-plugin="probe"]').waitFor({ timeout: 10_000 });
    expect(await ada.page.locator('.plugin-card[data-plugin="probe"] .plugin-description').textContent()).toContain("test plugin");
  }, 30_000);
});
