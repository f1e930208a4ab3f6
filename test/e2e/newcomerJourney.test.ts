/**
 * A newcomer's first hour, end to end in real Chromium with two people:
 * Ada signs up, creates a session, enables every bundled plugin for
 * everyone (each after seeing its permissions), and invites Bo, who opens
 * the link signed out and signs up on the way. Every bundled plugin then
 * starts for both of them (none says "did not start", none is blank), and
 * what one does in a plugin the other sees.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

/** Every bundled plugin: its panel, and what its page shows once it is connected. */
const BUNDLED = [
  { id: "hello", panel: "hello", ready: "#status:text('Connected.')" },
  { id: "notes", panel: "notes", ready: "body[data-ready=true]" },
  { id: "build-status", panel: "build", ready: "body[data-ready=true]" },
] as const;

describe("a newcomer's first hour with two people", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let bo: BrowserUser;

  beforeAll(async () => {
    server = await startE2eServer();
    ada = await launchUser(server.url, "ada");
    await ada.createSession("First hour");
    for (const plugin of BUNDLED) await ada.enableForSession(plugin.id);
    bo = await launchUser(server.url, "bo", await ada.invite());
    await bo.page.waitForURL(/#\/s\//);
    await bo.page.waitForSelector(".connection[data-state=saved]");
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ada?.close(), bo?.close()]);
    await server?.stop();
  });

  it("every bundled plugin starts for both people", async () => {
    for (const user of [ada, bo]) {
      for (const plugin of BUNDLED) {
        const frame = await user.openPanel(plugin.id, plugin.panel, plugin.ready);
        expect(await frame.evaluate(() => document.body.innerText.trim().length)).toBeGreaterThan(0);
        expect(await user.page.locator(`.plugin-frame[data-plugin="${plugin.id}"] .plugin-not-started`).count()).toBe(0);
      }
    }
    expect(await bo.page.locator(".session-plugin-notice li").count()).toBe(BUNDLED.length);
  }, 60_000);

  it("what one person does in a plugin the other sees: notes text and the build status", async () => {
    const [adaNotes, boNotes] = await Promise.all([ada.openPanel("notes", "notes"), bo.openPanel("notes", "notes")]);
    await adaNotes.fill("#notes", "agenda: ship it");
    await boNotes.waitForFunction(() => (document.getElementById("notes") as HTMLTextAreaElement).value === "agenda: ship it");

    const adaBuild = await ada.openPanel("build-status", "build");
    await adaBuild.click("button[data-set=passing]");
    await bo.page.waitForSelector('.status-label[data-plugin="build-status"]:has-text("Build: passing")');
    await bo.screenshot("newcomer-journey");
  }, 30_000);
});
