/**
 * The small things a newcomer meets in the first hour, in real Chromium:
 * sign-up problems in plain words, a favicon, plugin descriptions in the
 * plugin manager, the open tab surviving a reload, no console error for a
 * user-data key that was never set, and an invite that says what members
 * can do with shared shells.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/chromium";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "probe");

/** The probe fixture's TaikuPlugin, as this test calls it. */
type UserDataProbe = { getUserData(key: string): Promise<unknown> };

describe("a newcomer's first hour, the small things", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    server = await startE2eServer([PROBE]);
    ada = await launchUser(server.url, "ada");
    ada.page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    await ada.createSession("First hour");
  }, 120_000);

  afterAll(async () => {
    await ada?.close();
    await server?.stop();
  });

  it("a sign-up with a short password or a taken name is refused in plain words, not validator output", async () => {
    const profile = await mkdtemp(path.join(os.tmpdir(), "taiku-chromium-"));
    const context = await launchChromium(profile, { headless: true });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(server.url);
      await page.fill("input[name=name]", "newcomer");
      await page.fill("input[name=password]", "short");
      await page.click("text=Sign up");
      const alert = page.locator(".auth-form [role=alert]");
      expect(await alert.textContent()).toBe("Choose a password of at least 8 characters.");
      await page.fill("input[name=name]", "ADA");
      await page.fill("input[name=password]", "long enough password");
      await page.click("text=Sign up");
      await alert.filter({ hasText: "already taken" }).waitFor();
      expect(await alert.textContent()).toBe("The name “ADA” is already taken. Pick another one, or sign in if it is yours.");
      expect(await page.locator("text=Sessions").count()).toBe(0);
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  }, 30_000);

  it("the app has a favicon", async () => {
    expect(await ada.page.getAttribute("link[rel=icon]", "href")).toBe("/favicon.svg");
    const response = await fetch(`${server.url}/favicon.svg`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<svg");
  });

  it("the plugin manager shows what each plugin is for", async () => {
    await ada.page.click(".session-header >> text=Plugins");
    expect(await ada.page.textContent('.plugin-card[data-plugin="hello"] .plugin-description')).toBe(
      "A minimal taiku plugin: a panel that greets you, and an action that waves.",
    );
    await ada.page.click(".plugin-manager >> text=Close");
  });

  it("the open tab is still open after a reload", async () => {
    await ada.enablePlugin("probe");
    await ada.openPanel("probe", "probe");
    await ada.page.reload();
    await ada.page.waitForSelector('[data-panel="probe/probe"].active');
    expect(await ada.page.locator('.plugin-frame[data-plugin="probe"]').isVisible()).toBe(true);
    expect(await ada.page.locator(".tabs [role=tab].active").allTextContents()).toEqual(["Probe"]);
  });

  it("reading a user-data key that was never set answers null and logs no error", async () => {
    const probe = await ada.pluginFrame("probe");
    consoleErrors.length = 0;
    expect(await probe.evaluate(() => (window.probe as unknown as UserDataProbe).getUserData("never-set"))).toBeNull();
    await ada.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(consoleErrors.filter((text) => text.includes("404"))).toEqual([]);
  });

  it("the invite says plainly that members can type into the shared shells", async () => {
    await ada.page.click(".session-header >> text=Invite");
    expect(await ada.page.textContent(".invite-warning")).toContain("Members can see and type into the shared shells");
  });
});
