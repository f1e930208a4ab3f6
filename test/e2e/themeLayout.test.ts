/**
 * What a plugin reads about the screen is what the screen shows, in real
 * Chromium: `getLayout()` lists the tabs on screen, the open one and whether
 * the side bars stand beside them, and `layout:change` follows every change
 * (to plugins holding `session.read` and `events.subscribe` only). The user
 * switches to the light theme (remembered across reloads): the host's colours
 * change, plugins get `theme:change` (no permission needed) and a page
 * linking `/plugin.css` turns light with it; a plugin started later gets the
 * light theme in its init; back in dark, the reference colours are exact.
 * `getOtherPluginData` on a document this client has not opened waits for
 * its first sync instead of answering `null`; one of a plugin the server
 * does not know (the relay refuses its document) answers `null`.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

/** The screen fixture's plugin and the events it received, as its page exposes them. */
interface ScreenPage {
  screenPlugin: {
    getLayout(): Promise<unknown>;
    getOtherPluginData(pluginId: string, key: string): Promise<unknown>;
    readonly theme: string;
  };
  events: { type: string; data: unknown }[];
  probe: { setPluginData(key: string, value: unknown): Promise<void> };
}

const layoutOf = (frame: Frame) => frame.evaluate(() => (window as unknown as ScreenPage).screenPlugin.getLayout());
const eventsOf = (frame: Frame, type: string) =>
  frame.evaluate((t) => (window as unknown as ScreenPage).events.filter((event) => event.type === t).map((event) => event.data), type);
const lastLayoutEvent = async (frame: Frame) => (await eventsOf(frame, "layout:change")).at(-1);
const background = (frame: Frame) => frame.evaluate(() => getComputedStyle(document.body).backgroundColor);

const PANELS = ["shells", "files", "git", "probe/probe", "screen/main", "screen/side"];

describe("layout and theme as a plugin sees them", () => {
  let server: E2eServer;
  let ada: BrowserUser;

  beforeAll(async () => {
    server = await startE2eServer([path.join(FIXTURES, "probe"), path.join(FIXTURES, "screen")]);
    ada = await launchUser(server.url, "ada");
    await ada.createSession("Screens");
    await ada.enablePlugin("probe");
    await ada.enablePlugin("screen");
  }, 120_000);

  afterAll(async () => {
    await ada?.close();
    await server?.stop();
  });

  it("getLayout() is the tabs on screen and the open one, and layout:change follows a tab switch", async () => {
    const screen = await ada.openPanel("screen", "main");
    const tabs = await ada.page.locator(".tabs [role=tab]").count();
    expect(await layoutOf(screen)).toEqual({ panels: PANELS, openPanel: "screen/main", sidebars: true, theme: "dark" });
    expect(tabs).toBe(PANELS.length);

    await ada.page.click('[data-panel="screen/side"]');
    await expect.poll(() => lastLayoutEvent(screen)).toEqual({ panels: PANELS, openPanel: "screen/side", sidebars: true, theme: "dark" });
    expect(await layoutOf(screen)).toEqual(await lastLayoutEvent(screen));
    await ada.page.click(".tabs >> text=Shells");
    await expect.poll(async () => ((await lastLayoutEvent(screen)) as { openPanel: string }).openPanel).toBe("shells");
  }, 30_000);

  it("a narrow window stacks the side bars under the tabs, and the layout says so", async () => {
    const screen = await ada.pluginFrame("screen");
    await ada.page.setViewportSize({ width: 760, height: 900 });
    await expect.poll(async () => ((await lastLayoutEvent(screen)) as { sidebars: boolean }).sidebars).toBe(false);
    const chat = await ada.page.locator(".chat").boundingBox();
    const workspace = await ada.page.locator(".workspace").boundingBox();
    expect(chat!.y).toBeGreaterThanOrEqual(workspace!.y + workspace!.height - 1);
    await ada.screenshot("narrow-layout");
    await ada.page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(async () => ((await lastLayoutEvent(screen)) as { sidebars: boolean }).sidebars).toBe(true);
    expect(((await layoutOf(screen)) as { sidebars: boolean }).sidebars).toBe(true);
  }, 30_000);

  it("only a plugin holding session.read and events.subscribe hears layout:change", async () => {
    const probe = await ada.pluginFrame("probe");
    expect(await eventsOf(probe, "layout:change")).toEqual([]);
  });

  it("switching to light changes the host and every plugin, and a plugin started after a reload starts light", async () => {
    const screen = await ada.pluginFrame("screen");
    const probe = await ada.pluginFrame("probe");
    expect(await background(screen)).toBe("rgb(24, 24, 27)");
    await ada.page.click(".theme-toggle");
    expect(await ada.page.getAttribute("html", "data-theme")).toBe("light");
    expect(await ada.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(255, 255, 255)");
    for (const frame of [screen, probe]) await expect.poll(() => eventsOf(frame, "theme:change")).toEqual([{ theme: "light" }]);
    expect(await screen.evaluate(() => (window as unknown as ScreenPage).screenPlugin.theme)).toBe("light");
    await expect.poll(() => background(screen)).toBe("rgb(255, 255, 255)");
    expect(((await lastLayoutEvent(screen)) as { theme: string }).theme).toBe("light");

    await ada.page.reload();
    await ada.page.waitForSelector(".connection[data-state=saved]");
    expect(await ada.page.getAttribute("html", "data-theme")).toBe("light");
    const restarted = await ada.openPanel("screen", "main");
    expect(await restarted.evaluate(() => (window as unknown as ScreenPage).screenPlugin.theme)).toBe("light");
    expect(await background(restarted)).toBe("rgb(255, 255, 255)");
    await ada.screenshot("light-theme");

    await ada.page.click(".tabs >> text=Shells");
    await ada.page.goto(`${server.url}/#/`);
    await ada.page.waitForSelector("text=Sessions");
    expect(await ada.page.getAttribute("html", "data-theme")).toBe("light");
    await ada.page.click(".app-corner .theme-toggle");
    expect(await ada.page.getAttribute("html", "data-theme")).toBe("dark");
    await ada.page.click(".app-corner .theme-toggle");
    await ada.page.goto(`${server.url}/#/s/${encodeURIComponent(ada.sessionId)}`);
    await ada.page.waitForSelector(".connection[data-state=saved]");
    expect(await ada.page.getAttribute("html", "data-theme")).toBe("light");
    const again = await ada.openPanel("screen", "main");
    await ada.page.click(".session-header .theme-toggle");
    await expect.poll(() => background(again)).toBe("rgb(24, 24, 27)");
    expect(await ada.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(24, 24, 27)");
  }, 60_000);

  it("getOtherPluginData on a document this client has not opened waits for its sync and answers the stored value", async () => {
    const probe = await ada.pluginFrame("probe");
    await probe.evaluate(() => (window as unknown as ScreenPage).probe.setPluginData("answer", 42));
    // Probe off: after a reload this client no longer opens its document until someone reads it.
    await ada.page.click(".session-header >> text=Plugins");
    await ada.page.click('.plugin-card[data-plugin="probe"] >> text=Disable for me');
    await ada.page.click(".plugin-manager >> text=Close");
    await ada.page.evaluate(async (sid) => {
      for (const db of await indexedDB.databases()) if (db.name?.includes(`sessions/${sid}/kv/probe`)) indexedDB.deleteDatabase(db.name);
    }, ada.sessionId);
    await ada.page.reload();
    await ada.page.waitForSelector(".connection[data-state=saved]");
    const screen = await ada.openPanel("screen", "main");
    expect(await screen.evaluate(() => (window as unknown as ScreenPage).screenPlugin.getOtherPluginData("probe", "answer"))).toBe(42);

    // A plugin this server does not know has no document (the relay refuses it): its keys are unset, not "try again".
    const refused = await screen.evaluate(() =>
      (window as unknown as ScreenPage).screenPlugin.getOtherPluginData("nosuch", "answer").then(
        (value) => `answered ${JSON.stringify(value)}`,
        (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
      ),
    );
    expect(refused).toBe("answered null");
  }, 60_000);
});
