/**
 * Plugins start however late they create their `TaikuPlugin`, in a real
 * Chromium. The `late` fixture imports the SDK a second after its page's
 * `load` (when the host posts its one `taiku:init`), so it connects only
 * because the SDK asks for init again (`taiku:connect`); the bundled Hello
 * plugin does the same with its dynamic import. The `mute` fixture never
 * connects and must say so, with a Retry button, instead of a blank panel.
 * The ask carries no authority: from a foreign frame, or from a plugin that
 * is already connected, it gets nothing.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

declare global {
  interface Window {
    late: {
      sessionId: string;
      setPluginData(key: string, value: unknown): Promise<void>;
      getPluginData(key: string): Promise<unknown>;
    };
    events: { type: string; data: unknown }[];
  }
}

/** Posts `taiku:connect` from `frame` to its parent and collects any `taiku:init` that comes back within 700 ms. */
function askForInitFrom(frame: Frame): Promise<number> {
  return frame.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let inits = 0;
        window.addEventListener("message", (event) => {
          if ((event.data as { type?: unknown } | null)?.type === "taiku:init") inits++;
        });
        window.parent.postMessage({ type: "taiku:connect", apiVersion: 1 }, "*");
        setTimeout(() => resolve(inits), 700);
      }),
  );
}

describe("plugins that create their TaikuPlugin late", () => {
  let server: E2eServer;
  let ada: BrowserUser;

  beforeAll(async () => {
    server = await startE2eServer([path.join(FIXTURES, "late"), path.join(FIXTURES, "mute")]);
    ada = await launchUser(server.url, "ada");
    await ada.createSession("Late starters");
  }, 120_000);

  afterAll(async () => {
    await ada?.close();
    await server?.stop();
  });

  it("a plugin that imports the SDK after its page loaded still connects, and its calls and actions work", async () => {
    await ada.enablePlugin("late");
    const late = await ada.openPanel("late", "late");
    expect(await late.textContent("#status")).toBe(`Connected to session ${ada.sessionId}.`);
    await late.evaluate(() => window.late.setPluginData("seen", "yes"));
    expect(await late.evaluate(() => window.late.getPluginData("seen"))).toBe("yes");

    await ada.page.click(".session-header >> text=Actions");
    await ada.page.click(".palette-item >> text=Ring the late plugin");
    await late.waitForFunction(() => window.events.some((event) => event.type === "action:run"));
    expect(await ada.page.locator('.plugin-frame[data-plugin="late"] .plugin-not-started').count()).toBe(0);
  }, 30_000);

  it("the bundled Hello plugin starts, greets with its setting, and its palette action waves", async () => {
    await ada.enablePlugin("hello");
    const hello = await ada.openPanel("hello", "hello", "#status:text('Connected.')");
    expect(await hello.textContent("#greeting")).toBe(`Hello, session ${ada.sessionId}`);
    await ada.page.click(".session-header >> text=Actions");
    await ada.page.click(".palette-item >> text=Wave hello");
    await ada.page.waitForSelector(".toast:has-text('Hello!')", { timeout: 5000 });
    await ada.screenshot("hello-started");
  }, 30_000);

  it("a taiku:connect from a connected plugin or from a foreign frame gets no init, and the plugin keeps its connection", async () => {
    const late = await ada.pluginFrame("late");
    expect(await askForInitFrom(late)).toBe(0);
    await late.evaluate(() => window.late.setPluginData("still", 1));
    expect(await late.evaluate(() => window.late.getPluginData("still"))).toBe(1);

    await ada.page.evaluate(() => {
      const foreign = document.createElement("iframe");
      foreign.name = "foreign";
      foreign.srcdoc = "<p>foreign</p>";
      document.body.append(foreign);
      return new Promise((resolve) => foreign.addEventListener("load", resolve));
    });
    const foreign = ada.page.frame({ name: "foreign" });
    if (foreign === null) throw new Error("no foreign frame");
    expect(await askForInitFrom(foreign)).toBe(0);
  });

  it("a plugin that never connects says it did not start, with a Retry that loads it again", async () => {
    await ada.enablePlugin("mute");
    await ada.page.click('[data-panel="mute/mute"]');
    const notice = await ada.page.waitForSelector('.plugin-frame[data-plugin="mute"] .plugin-not-started', { timeout: 20_000 });
    expect(await notice.textContent()).toContain("Mute did not start");
    expect(await notice.isVisible()).toBe(true);
    await ada.screenshot("plugin-did-not-start");

    const firstFrame = await ada.pluginFrame("mute", "body[data-loaded=true]");
    await ada.page.click('.plugin-frame[data-plugin="mute"] .plugin-not-started >> text=Retry');
    await ada.page.waitForSelector('.plugin-frame[data-plugin="mute"] .plugin-not-started', { state: "detached" });
    expect(firstFrame.isDetached()).toBe(true);
    await ada.pluginFrame("mute", "body[data-loaded=true]");
    await ada.page.waitForSelector('.plugin-frame[data-plugin="mute"] .plugin-not-started', { timeout: 20_000 });
  }, 60_000);
});
