/**
 * A paste that would take the bundled Notes plugin past its 64 KiB session
 * quota, in real Chromium with two users: the writer sees an error above
 * the editor and a label in the status bar, and keeps the pasted text in
 * the editor, marked unsaved; the other user never sees it. Shortened until
 * it fits, it saves and reaches the other user, and the error goes away.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const NOTES_LABEL = '.status-label[data-plugin="notes"]';

describe("an over-quota paste in Notes", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let bo: BrowserUser;
  let adaNotes: Frame;
  let boNotes: Frame;

  beforeAll(async () => {
    server = await startE2eServer();
    [ada, bo] = await Promise.all([launchUser(server.url, "ada"), launchUser(server.url, "bo")]);
    await ada.createSession("Notes day");
    await ada.enableForSession("notes");
    await bo.join(await ada.invite());
    [adaNotes, boNotes] = await Promise.all([ada.openPanel("notes", "notes"), bo.openPanel("notes", "notes")]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ada?.close(), bo?.close()]);
    await server?.stop();
  });

  it("is refused visibly, near the editor and in the status bar, and the pasted text stays in the editor", async () => {
    await adaNotes.click("#notes");
    await ada.page.keyboard.type("Agenda: ");
    await boNotes.waitForFunction(() => (document.getElementById("notes") as HTMLTextAreaElement).value === "Agenda: ");

    const paste = "x".repeat(70_000);
    await ada.page.keyboard.insertText(paste);
    const alert = await adaNotes.waitForSelector("#unsaved:not([hidden])", { timeout: 5000 });
    expect(await alert.isVisible()).toBe(true);
    expect(await alert.textContent()).toContain("Not saved");
    expect(await adaNotes.inputValue("#notes")).toBe(`Agenda: ${paste}`);
    const label = await ada.page.waitForSelector(NOTES_LABEL, { timeout: 5000 });
    expect(await label.textContent()).toContain("not saved");
    await ada.screenshot("notes-over-quota");

    // The refused paste never reached the session: the other user still has what was saved.
    await ada.page.keyboard.type("!");
    expect(await adaNotes.inputValue("#notes")).toBe(`Agenda: ${paste}!`);
    await boNotes.click("#notes");
    await bo.page.keyboard.press("End");
    await bo.page.keyboard.type(" (bo)");
    await adaNotes.waitForFunction(() => (document.getElementById("notes") as HTMLTextAreaElement).value.includes("(bo)"));
    expect(await adaNotes.inputValue("#notes")).toBe(`Agenda:  (bo)${paste}!`);
    expect(await boNotes.inputValue("#notes")).toBe("Agenda:  (bo)");
    expect(await ada.page.locator(NOTES_LABEL).count()).toBe(1);
  }, 60_000);

  it("saves once shortened enough, reaches the other user, and the error and label go away", async () => {
    await adaNotes.click("#notes");
    await adaNotes.evaluate(() => {
      const area = document.getElementById("notes") as HTMLTextAreaElement;
      const end = area.value.length;
      area.setSelectionRange(end - 69_990, end);
    });
    await ada.page.keyboard.press("Backspace");
    await adaNotes.waitForSelector("#unsaved", { state: "hidden", timeout: 5000 });
    await ada.page.waitForSelector(NOTES_LABEL, { state: "detached", timeout: 5000 });
    const expected = `Agenda:  (bo)${"x".repeat(11)}`;
    expect(await adaNotes.inputValue("#notes")).toBe(expected);
    await boNotes.waitForFunction((text) => (document.getElementById("notes") as HTMLTextAreaElement).value === text, expected);
  }, 30_000);
});
