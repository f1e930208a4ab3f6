/**
 * A plugin that throws or hangs shows it in its own panel, in a real
 * Chromium, while chat and the other plugins keep working. The `fault`
 * fixture throws from a click handler or blocks its thread after a click;
 * the `probe` fixture is the bystander. The ping cadence is shortened
 * through `localStorage["taiku:bridge-liveness"]` so the test stays short.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const FAULT_PANEL = '.plugin-frame[data-plugin="fault"]';

declare global {
  interface Window {
    hangMs: number;
  }
}

describe("a plugin's error states in its panel", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let fault: Frame;
  let probe: Frame;

  async function chatStillWorks(text: string): Promise<void> {
    await ada.page.fill("input[name=chat]", text);
    await ada.page.click(".chat >> text=Send");
    await ada.page.waitForSelector(`.chat-message >> text=${text}`, { timeout: 5000 });
  }

  /** Clicks "hang" from inside the frame, so the test does not wait on the frame it is about to block. */
  async function clickHang(): Promise<void> {
    await fault.evaluate(() => {
      setTimeout(() => document.getElementById("hang")?.click(), 50);
    });
  }

  /** The plugin's new frame after a restart (the first frame handle may be swapped while it loads). */
  async function freshFrame(pluginId: string): Promise<Frame> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ada.pluginFrame(pluginId);
      } catch (error) {
        if (attempt >= 5 || !String(error).includes("detached")) throw error;
      }
    }
  }

  async function probeStillWorks(value: number): Promise<void> {
    await probe.evaluate((n) => window.probe.setPluginData("alive", n), value);
    expect(await probe.evaluate(() => window.probe.getPluginData("alive"))).toBe(value);
  }

  beforeAll(async () => {
    server = await startE2eServer([path.join(FIXTURES, "fault"), path.join(FIXTURES, "probe")]);
    ada = await launchUser(server.url, "ada");
    await ada.page.evaluate(() => localStorage.setItem("taiku:bridge-liveness", JSON.stringify({ intervalMs: 300, timeoutMs: 1500 })));
    await ada.createSession("Faults");
    await ada.enablePlugin("probe");
    await ada.enablePlugin("fault");
    probe = await ada.openPanel("probe", "probe");
    fault = await ada.openPanel("fault", "fault");
  }, 120_000);

  afterAll(async () => {
    await ada?.page.evaluate(() => localStorage.removeItem("taiku:bridge-liveness"));
    await ada?.close();
    await server?.stop();
  });

  it("a plugin that throws shows the error in its panel, keeps running, and the banner can be dismissed", async () => {
    await fault.click("#throw");
    const banner = await ada.page.waitForSelector(`${FAULT_PANEL} .plugin-error-banner`, { timeout: 5000 });
    expect(await banner.textContent()).toContain("fault plugin exploded on purpose");
    expect(await banner.isVisible()).toBe(true);
    await ada.screenshot("plugin-error-banner");
    expect(await ada.page.locator('.plugin-frame[data-plugin="probe"] .plugin-health').count()).toBe(0);
    await chatStillWorks("after the throw");
    await probeStillWorks(1);
    expect(await fault.evaluate(() => document.body.dataset.ready)).toBe("true");

    await ada.page.click(`${FAULT_PANEL} .plugin-error-banner >> text=Dismiss`);
    await ada.page.waitForSelector(`${FAULT_PANEL} .plugin-error-banner`, { state: "detached" });
  });

  it("a plugin that hangs is shown as not responding, the rest keeps working, and the state clears when it recovers", async () => {
    await fault.evaluate(() => {
      window.hangMs = 6000;
    });
    await clickHang();
    await ada.page.waitForSelector(`${FAULT_PANEL} .plugin-not-responding:has-text("not responding")`, { timeout: 5000 });
    expect(await ada.page.locator(`${FAULT_PANEL} .plugin-not-responding >> text=Restart plugin`).isVisible()).toBe(true);
    await chatStillWorks("during the hang");
    await probeStillWorks(2);
    expect(await ada.page.locator('.plugin-frame[data-plugin="probe"] .plugin-health').count()).toBe(0);
    await ada.page.waitForSelector(`${FAULT_PANEL} .plugin-not-responding`, { state: "detached", timeout: 10_000 });
  }, 30_000);

  // The browser may place the restarted frame in the still-spinning page's
  // process, so the new frame starts once that loop ends; the hang is short.
  it("Restart replaces a hung plugin with a fresh one", async () => {
    await fault.evaluate(() => {
      window.hangMs = 5000;
    });
    await clickHang();
    await ada.page.waitForSelector(`${FAULT_PANEL} .plugin-not-responding`, { timeout: 5000 });
    await ada.page.click(`${FAULT_PANEL} .plugin-not-responding >> text=Restart plugin`);
    await ada.page.waitForSelector(`${FAULT_PANEL} .plugin-not-responding`, { state: "detached" });
    fault = await freshFrame("fault");
    await fault.click("#throw");
    await ada.page.waitForSelector(`${FAULT_PANEL} .plugin-error-banner`, { timeout: 5000 });
  }, 30_000);
});
