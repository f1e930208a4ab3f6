/**
 * The chat reads well at a normal and a narrow width, in real Chromium:
 * each message is its author and time over its text with a small gap to the
 * next, long words wrap instead of widening the side bar, and at a narrow
 * width the chat sits under the workspace at full width.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const LONG_WORD = "https://example.com/".padEnd(160, "x");

describe("the chat panel's layout", () => {
  let server: E2eServer;
  let ada: BrowserUser;

  beforeAll(async () => {
    server = await startE2eServer();
    ada = await launchUser(server.url, "ada");
    await ada.createSession("Chatty");
    for (const text of ["hello", "a longer message that runs over more than one line of the chat side bar, as people write", LONG_WORD, "ok"]) {
      await ada.page.fill("input[name=chat]", text);
      await ada.page.press("input[name=chat]", "Enter");
    }
    await ada.page.locator(".chat-message").nth(3).waitFor();
  }, 120_000);

  afterAll(async () => {
    await ada?.close();
    await server?.stop();
  });

  /** Gaps between consecutive messages, and whether anything in the chat is wider than the chat itself. */
  async function measure() {
    return ada.page.evaluate(() => {
      const chat = document.querySelector(".chat") as HTMLElement;
      const boxes = [...document.querySelectorAll(".chat-message")].map((el) => el.getBoundingClientRect());
      const gaps = boxes.slice(1).map((box, i) => Math.round(box.top - boxes[i]!.bottom));
      return { gaps, overflow: chat.scrollWidth - chat.clientWidth, chatWidth: chat.getBoundingClientRect().width, page: document.documentElement.scrollWidth - window.innerWidth };
    });
  }

  it("at a normal width, messages sit close together and a long word wraps inside the side bar", async () => {
    const { gaps, overflow, page } = await measure();
    expect(gaps.every((gap) => gap >= 4 && gap <= 14)).toBe(true);
    expect(overflow).toBe(0);
    expect(page).toBe(0);
    await ada.screenshot("chat-normal");
  });

  it("at a narrow width, the chat is under the workspace at full width, with the same spacing and no overflow", async () => {
    await ada.page.setViewportSize({ width: 420, height: 900 });
    const { gaps, overflow, chatWidth, page } = await measure();
    expect(gaps.every((gap) => gap >= 4 && gap <= 14)).toBe(true);
    expect(overflow).toBe(0);
    expect(page).toBe(0);
    expect(chatWidth).toBeGreaterThan(380);
    await ada.page.locator(".chat").scrollIntoViewIfNeeded();
    await ada.screenshot("chat-narrow");
  });
});
