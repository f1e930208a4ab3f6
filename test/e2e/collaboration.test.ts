/**
 * Two people in one session, each in their own Chromium, against the real
 * server: plugin state written in one browser shows in the other, concurrent
 * writes converge, offline writes survive a reload and merge on reconnect,
 * the quota protects the session, and the palette runs plugin actions.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { REPO_ROOT } from "./support/buildArtifacts";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

/** The checklist plugin of docs/plugins/building.md, written from that page alone. */
function pluginFromDocs(): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "taiku-docs-plugin-")), "checklist");
  execFileSync(process.execPath, [path.join(REPO_ROOT, "sdk", "scripts", "plugin-from-docs.mjs"), dir]);
  return dir;
}

/** Polls `read` until `done` holds for its value (or the timeout passes); returns the last value. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe("two users in one session", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let bo: BrowserUser;
  let adaBuild: Frame;
  let boBuild: Frame;

  const buildStatus = (frame: Frame) => frame.getAttribute("#status", "data-status");
  const notesText = (frame: Frame) => frame.inputValue("#notes");

  beforeAll(async () => {
    server = await startE2eServer([pluginFromDocs()]);
    [ada, bo] = await Promise.all([launchUser(server.url, "ada"), launchUser(server.url, "bo")]);
    await ada.createSession("Release day");
    await ada.enableForSession("build-status");
    await ada.enableForSession("notes");
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
    await ada.page.waitForSelector(".participant[data-user] >> text=bo");
    await ada.screenshot("session-view");
  });

  it("concurrent writes from both browsers converge", async () => {
    await Promise.all([adaBuild.click("button[data-set=running]"), boBuild.click("button[data-set=failing]")]);
    const statuses = await eventually(
      () => Promise.all([buildStatus(adaBuild), buildStatus(boBuild)]),
      ([a, b]) => a === b && a !== "passing",
    );
    expect(statuses[0]).toBe(statuses[1]);
    expect(["running", "failing"]).toContain(statuses[0]);

    const [adaNotes, boNotes] = await Promise.all([ada.openPanel("notes", "notes"), bo.openPanel("notes", "notes")]);
    await adaNotes.fill("#notes", "--");
    await eventually(() => notesText(boNotes), (text) => text === "--");
    await Promise.all([
      adaNotes.press("#notes", "End").then(() => adaNotes.type("#notes", "alpha from ada. ", { delay: 5 })),
      boNotes.press("#notes", "Home").then(() => boNotes.type("#notes", "beta from bo. ", { delay: 5 })),
    ]);
    const texts = await eventually(
      () => Promise.all([notesText(adaNotes), notesText(boNotes)]),
      ([a, b]) => a === b && a.includes("alpha from ada.") && b.includes("beta from bo."),
    );
    expect(texts[0]).toBe(texts[1]);
    expect(texts[0]).toContain("alpha from ada.");
    expect(texts[0]).toContain("beta from bo.");
  });

  it("offline writes survive a reload and merge on reconnect", async () => {
    const adaNotes = await ada.pluginFrame("notes");
    const boNotes = await bo.pluginFrame("notes");
    await ada.context.setOffline(true);
    await ada.page.waitForSelector(".connection[data-state=offline]");

    await adaNotes.press("#notes", "End");
    await adaNotes.type("#notes", "written offline. ");
    await ada.page.click(`[data-panel="build-status/build"]`);
    await adaBuild.click("button[data-set=passing]");
    await ada.page.fill("input[name=chat]", "sent while offline");
    await ada.page.click(".chat >> text=Send");
    await boNotes.press("#notes", "Home");
    await boNotes.type("#notes", "bo kept typing. ");
    // The build status click reaches the page through the plugin bridge, after the notes typing may already show:
    // reload only once it too is recorded as waiting.
    await ada.page.waitForSelector(".connection:has-text('Build status')");

    await ada.page.reload();
    // A page reloaded while the browser emulates being offline may still read `navigator.onLine` as true; it then
    // learns from its failed connections, and says it cannot reach the server. Either way it keeps the changes.
    await ada.page.waitForSelector(".connection[data-state=offline], .connection[data-state=unreachable]");
    expect(await ada.page.textContent(".connection")).toMatch(/waiting: .*Build status/);
    await ada.page.waitForSelector(".chat-message >> text=sent while offline");
    await ada.page.click(".session-header >> text=Plugins");
    await ada.page.click('.plugin-card[data-plugin="build-status"] .shared-data summary');
    expect(await ada.page.textContent('.plugin-card[data-plugin="build-status"] .shared-data')).toContain('"status":"passing"');
    await ada.screenshot("offline-after-reload");
    await ada.page.click(".plugin-manager >> text=Close");
    expect(await buildStatus(boBuild)).not.toBe("passing");

    await ada.context.setOffline(false);
    await ada.page.waitForSelector(".connection[data-state=saved]", { timeout: 10_000 });
    await bo.page.waitForSelector(".chat-message >> text=sent while offline");
    await boBuild.waitForSelector("#status[data-status=passing]", { state: "attached" });
    await ada.page.click(`[data-panel="notes/notes"]`);
    const adaNotesAgain = await ada.pluginFrame("notes");
    const texts = await eventually(
      () => Promise.all([notesText(adaNotesAgain), notesText(boNotes)]),
      ([a, b]) => a === b && a.includes("written offline.") && a.includes("bo kept typing."),
      10_000,
    );
    expect(texts[0]).toBe(texts[1]);
    expect(texts[0]).toContain("written offline.");
    expect(texts[0]).toContain("bo kept typing.");
    adaBuild = await ada.pluginFrame("build-status");
    expect(await buildStatus(adaBuild)).toBe("passing");
  }, 60_000);

  it("after reconnects and a reload, each sees the other present at once, and once", async () => {
    const present = (user: BrowserUser) => user.page.locator(".participants li[data-user]").allTextContents();
    await bo.context.setOffline(true);
    await bo.page.waitForSelector(".connection[data-state=offline]");
    await bo.context.setOffline(false);
    await bo.page.waitForSelector(".connection[data-state=saved]");
    const adaSees = await eventually(() => present(ada), (names) => names.some((name) => name.startsWith("bo")), 3000);
    expect(adaSees.filter((name) => name.startsWith("bo"))).toHaveLength(1);
    const boSees = await eventually(() => present(bo), (names) => names.filter((name) => name.startsWith("ada")).length === 1, 3000);
    expect(boSees.filter((name) => name.startsWith("ada"))).toHaveLength(1);
  });

  it("a write over the quota shows the plugin the error and the user a toast; the other user sees no change", async () => {
    await ada.page.click(`[data-panel="build-status/build"]`);
    await bo.page.click(`[data-panel="build-status/build"]`);
    await adaBuild.fill("#log", "x".repeat(70_000));
    await adaBuild.click("#save-log");
    await adaBuild.waitForSelector("#error:has-text('Not shared')");
    expect(await adaBuild.textContent("#error")).toMatch(/of 65536 bytes/);
    await ada.page.waitForSelector(".toast:has-text('Build status'):has-text('Not saved')");
    await ada.screenshot("quota-toast");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await boBuild.inputValue("#log")).toBe("");
    expect(await bo.page.locator(".toast").count()).toBe(0);
  });

  it("two offline writes that fit alone but not together: the relay undoes one, tells its writer, and both converge", async () => {
    const [adaNotes, boNotes] = await Promise.all([ada.openPanel("notes", "notes"), bo.openPanel("notes", "notes")]);
    const before = await notesText(adaNotes);
    await Promise.all([ada.context.setOffline(true), bo.context.setOffline(true)]);
    await adaNotes.fill("#notes", before + "a".repeat(40_000));
    await boNotes.fill("#notes", "b".repeat(40_000) + before);
    expect(await adaNotes.inputValue("#notes")).toHaveLength(before.length + 40_000);
    expect(await boNotes.inputValue("#notes")).toHaveLength(before.length + 40_000);

    await ada.context.setOffline(false);
    await ada.page.waitForSelector(".connection[data-state=saved]", { timeout: 10_000 });
    await bo.context.setOffline(false);
    await bo.page.waitForSelector(".toast:has-text('Notes'):has-text('undid')", { timeout: 10_000 });
    await bo.screenshot("relay-compensation-toast");
    const texts = await eventually(
      () => Promise.all([notesText(adaNotes), notesText(boNotes)]),
      ([a, b]) => a === b,
      10_000,
    );
    expect(texts[1]).toBe(texts[0]);
    expect(texts[0]).toBe(before + "a".repeat(40_000));
    expect(await ada.page.locator(".toast:has-text('undid')").count()).toBe(0);
  }, 60_000);

  it("the checklist plugin built from docs/plugins/building.md alone works for both", async () => {
    await ada.enableForSession("checklist");
    const ready = "#add-button:not([disabled])";
    const [adaList, boList] = await Promise.all([ada.openPanel("checklist", "checklist", ready), bo.openPanel("checklist", "checklist", ready)]);
    await adaList.fill("#text", "ship the release");
    await adaList.click("#add-button");
    await boList.waitForSelector("#items li:has-text('ship the release')");
    await bo.page.waitForSelector('[data-panel="checklist/checklist"] .badge:has-text("1")');
    await boList.check("#items li input[type=checkbox]");
    await adaList.waitForSelector("#items li.done:has-text('ship the release')");
    await ada.page.waitForSelector('[data-panel="checklist/checklist"] .badge', { state: "detached" });
    await ada.screenshot("checklist-from-docs");
  });

  it("an invite link opened while signed out leads through sign-up into the session, with its plugins", async () => {
    const cy = await launchUser(server.url, "cy", await ada.invite());
    try {
      await cy.page.waitForURL(/#\/s\//);
      await cy.page.waitForSelector(".session-header h1:has-text('Release day')");
      const cyBuild = await cy.openPanel("build-status", "build");
      expect(await buildStatus(cyBuild)).toBe(await buildStatus(adaBuild));
      await ada.page.waitForSelector(".participant[data-user] >> text=cy");
    } finally {
      await cy.close();
    }
  });

  it("a signed-in non-member who opens the session's address sees an error and none of its content", async () => {
    const eve = await launchUser(server.url, "eve");
    try {
      await eve.page.goto(`${server.url}/#/s/${encodeURIComponent(ada.sessionId)}`);
      await eve.page.waitForSelector(".error.banner");
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await eve.page.locator(".chat-message").count()).toBe(0);
      expect(await eve.page.locator(".session-header h1").textContent()).not.toBe("Release day");
      expect(await eve.page.locator(".plugin-frame").count()).toBe(0);
    } finally {
      await eve.close();
    }
  });

  it("the palette runs a plugin action, by its shortcut and by name", async () => {
    const before = await buildStatus(adaBuild);
    const cycle = ["running", "passing", "failing"];
    const next = (status: string | null): string => cycle[(cycle.indexOf(status ?? "") + 1) % cycle.length] ?? "running";
    await ada.page.click(".session-header h1");
    await ada.page.keyboard.press("Alt+Shift+B");
    await boBuild.waitForSelector(`#status[data-status=${next(before)}]`, { state: "attached" });

    await ada.page.keyboard.press("Control+K");
    await ada.page.fill(".palette-input", "cycle build");
    await ada.screenshot("palette");
    await ada.page.keyboard.press("Enter");
    await boBuild.waitForSelector(`#status[data-status=${next(next(before))}]`, { state: "attached" });
    expect(await ada.page.locator(".palette").count()).toBe(0);
  });
});
