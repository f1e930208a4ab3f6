/**
 * One person in a browser: a real Chromium with a fresh profile
 * (`--user-data-dir`), and the steps a user takes through the UI — sign
 * up, create or join a session, enable a plugin, open its panel.
 */
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Frame, Page } from "playwright-core";
import { launchChromium } from "../../support/chromium";
import { REPO_ROOT } from "./buildArtifacts";

/** Where screenshots go (gitignored). */
export const RESULTS_DIR = path.join(REPO_ROOT, "test-results");


/** A signed-in user in their own browser. */
export interface BrowserUser {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Session id after `createSession` or `join`. */
  sessionId: string;
  createSession(title: string): Promise<string>;
  /** The invite link (owner only). */
  invite(): Promise<string>;
  join(link: string): Promise<void>;
  /** Enables a plugin for this user through the plugin manager, confirming its permissions. */
  enablePlugin(pluginId: string): Promise<void>;
  /** Enables a plugin for the whole session (owner): ticks the box, then confirms its permissions. */
  enableForSession(pluginId: string): Promise<void>;
  /** Opens a plugin's panel tab and returns its frame once `ready` (default `body[data-ready=true]`) is in it. */
  openPanel(pluginId: string, panelId: string, ready?: string): Promise<Frame>;
  /** The (cross-origin) frame of a plugin, once `ready` is in it. */
  pluginFrame(pluginId: string, ready?: string): Promise<Frame>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Launches a browser for `name` and signs up at `baseUrl`, or first opens
 * `startAt` (an invite link) and signs up from where the app sends a
 * signed-out visitor.
 */
export async function launchUser(baseUrl: string, name: string, startAt?: string): Promise<BrowserUser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), "taiku-chromium-"));
  const context = await launchChromium(profile, {
    headless: true,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => console.error(`[${name}] page error: ${error.message}`));
  await page.goto(startAt ?? baseUrl);
  await page.fill("input[name=name]", name);
  await page.fill("input[name=password]", "correct horse battery");
  await page.click("text=Sign up");
  if (startAt === undefined) await page.waitForSelector("text=Sessions");

  const user: BrowserUser = {
    name,
    context,
    page,
    sessionId: "",
    async createSession(title) {
      await page.fill("input[name=title]", title);
      await page.click("text=Create session");
      await page.waitForURL(/#\/s\//);
      user.sessionId = decodeURIComponent(new URL(page.url()).hash.split("/")[2] ?? "");
      await page.waitForSelector(".connection[data-state=saved]");
      return user.sessionId;
    },
    async invite() {
      await page.click(".session-header >> text=Invite");
      return page.inputValue(".invite-link");
    },
    async join(link) {
      await page.goto(link);
      await page.waitForURL(/#\/s\//);
      user.sessionId = decodeURIComponent(new URL(page.url()).hash.split("/")[2] ?? "");
      await page.waitForSelector(".connection[data-state=saved]");
    },
    async enablePlugin(pluginId) {
      await page.click(".session-header >> text=Plugins");
      const card = page.locator(`.plugin-card[data-plugin="${pluginId}"]`);
      await card.locator("text=Enable…").click();
      await card.locator(".confirm-enable").click();
      await page.click(".plugin-manager >> text=Close");
    },
    async enableForSession(pluginId) {
      await page.click(".session-header >> text=Plugins");
      const card = page.locator(`.plugin-card[data-plugin="${pluginId}"]`);
      await card.locator(".session-managed").check();
      await card.locator(".confirm-enable").click();
      await page.locator(`.plugin-card[data-plugin="${pluginId}"][data-state=session]`).waitFor();
      await page.click(".plugin-manager >> text=Close");
    },
    async openPanel(pluginId, panelId, ready) {
      await page.click(`[data-panel="${pluginId}/${panelId}"]`);
      return user.pluginFrame(pluginId, ready);
    },
    async pluginFrame(pluginId, ready = "body[data-ready=true]") {
      const handle = await page.waitForSelector(`.plugin-frame[data-plugin="${pluginId}"] iframe`, { state: "attached" });
      const frame = await handle.contentFrame();
      if (frame === null) throw new Error(`no frame for ${pluginId}`);
      await frame.waitForSelector(ready, { state: "attached" });
      return frame;
    },
    async screenshot(shot) {
      await mkdir(RESULTS_DIR, { recursive: true });
      const file = path.join(RESULTS_DIR, `${shot}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
  return user;
}
