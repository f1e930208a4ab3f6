/**
 * No blank panels, in real Chromium: a plugin that throws while starting
 * (the `crash` fixture creates its TaikuPlugin, then throws before
 * `ready()`) and a plugin whose page the server fails to deliver each show
 * an error card in their panel with the reason and a Retry, instead of an
 * empty frame. The failing delivery is the browser's network answering
 * HTTP 503 for the page, the seam under test.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

describe("plugins that fail before they run", () => {
  let server: E2eServer;
  let ada: BrowserUser;

  beforeAll(async () => {
    server = await startE2eServer([path.join(FIXTURES, "crash"), path.join(FIXTURES, "probe")]);
    ada = await launchUser(server.url, "ada");
    await ada.createSession("Failures");
  }, 120_000);

  afterAll(async () => {
    await ada?.close();
    await server?.stop();
  });

  it("a plugin that throws before ready() shows an error card with the reason, and Retry loads it again", async () => {
    await ada.enablePlugin("crash");
    await ada.page.click('[data-panel="crash/crash"]');
    const card = await ada.page.waitForSelector('.plugin-frame[data-plugin="crash"] .plugin-start-failed[data-kind=start]', { timeout: 10_000 });
    expect(await card.isVisible()).toBe(true);
    expect(await card.textContent()).toContain("Crash failed to start: Error: crash plugin failed before ready() on purpose");
    expect(await ada.page.locator('.plugin-frame[data-plugin="crash"] iframe').isVisible()).toBe(false);
    await ada.screenshot("plugin-failed-to-start");

    const first = await ada.pluginFrame("crash", "body[data-loaded=true]");
    await card.$("text=Retry").then((button) => button?.click());
    await expect.poll(() => first.isDetached()).toBe(true);
    await ada.pluginFrame("crash", "body[data-loaded=true]");
    await ada.page.waitForSelector('.plugin-frame[data-plugin="crash"] .plugin-start-failed[data-kind=start]', { timeout: 10_000 });
  }, 60_000);

  it("a plugin whose page does not load shows why, and Retry starts it once the page loads", async () => {
    await ada.context.route(/\/plugins\/probe\/index\.html/, (route) => route.fulfill({ status: 503, contentType: "text/plain", body: "unavailable" }));
    await ada.enablePlugin("probe");
    await ada.page.click('[data-panel="probe/probe"]');
    const card = await ada.page.waitForSelector('.plugin-frame[data-plugin="probe"] .plugin-start-failed[data-kind=load]', { timeout: 10_000 });
    expect(await card.isVisible()).toBe(true);
    expect(await card.textContent()).toContain("Probe failed to load: its page answered HTTP 503");
    expect(await ada.page.locator('.plugin-frame[data-plugin="probe"] .plugin-not-started').count()).toBe(0);

    await ada.context.unroute(/\/plugins\/probe\/index\.html/);
    await ada.page.click('.plugin-frame[data-plugin="probe"] .plugin-start-failed >> text=Retry');
    await ada.pluginFrame("probe");
    await ada.page.waitForSelector('.plugin-frame[data-plugin="probe"] .plugin-start-failed', { state: "detached" });
    expect(await ada.page.locator('.plugin-frame[data-plugin="probe"] iframe').isVisible()).toBe(true);
  }, 60_000);
});
