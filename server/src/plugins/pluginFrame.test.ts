/**
 * Plugin pages in a real browser: the hello plugin loads its module script
 * inside a sandboxed (opaque-origin) iframe, its CSP blocks connections the
 * manifest does not allow, and a plugin page opened directly is still
 * sandboxed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Frame, Page } from "playwright-core";
import { launchChromium } from "../../../test/support/chromium";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPluginRoutes } from "./createPluginRoutes";
import { copyHelloPlugin, createPluginSandbox, startApp, type PluginSandbox, type RunningApp } from "./pluginFixtures";


let sandbox: PluginSandbox;
let app: RunningApp;
let profile: string;
let context: BrowserContext;
let page: Page;
const base = () => `http://127.0.0.1:${app.port}`;

beforeAll(async () => {
  sandbox = await createPluginSandbox();
  await copyHelloPlugin(sandbox.bundledDir);
  const hostPage = `<!doctype html><iframe id="plugin" sandbox="allow-scripts" src="/plugins/hello/index.html"></iframe>`;
  app = await startApp(createPluginRoutes(sandbox), [
    async (ctx, next) => {
      if (ctx.path !== "/host.html") return next();
      ctx.type = "text/html";
      ctx.body = hostPage;
    },
  ]);
  profile = await mkdtemp(path.join(os.tmpdir(), "taiku-chromium-"));
  context = await launchChromium(profile, {
    headless: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  await app?.close();
  await sandbox?.cleanup();
  if (profile) await rm(profile, { recursive: true, force: true });
});

async function pluginFrame(): Promise<Frame> {
  await page.goto(`${base()}/host.html`);
  const handle = await page.waitForSelector("#plugin");
  const frame = await handle.contentFrame();
  if (frame === null) throw new Error("the plugin iframe has no frame");
  return frame;
}

describe("a plugin page in a sandboxed iframe", () => {
  it("runs its module script from an opaque origin and greets", async () => {
    const frame = await pluginFrame();
    await frame.waitForFunction(() => document.getElementById("greeting")?.textContent === "Hello from a taiku plugin");
    expect(await frame.evaluate(() => self.origin)).toBe("null");
  });

  it("can fetch its own files but not origins its manifest does not list", async () => {
    const frame = await pluginFrame();
    const own = await frame.evaluate(() => fetch("/plugins/hello/hello.js").then((response) => response.status));
    expect(own).toBe(200);
    const violated = await frame.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener("securitypolicyviolation", (event) => resolve(event.effectiveDirective), { once: true });
          fetch("https://blocked.example/").catch(() => undefined);
          setTimeout(() => resolve("no violation"), 5_000);
        }),
    );
    expect(violated).toBe("connect-src");
  });

  it("is still sandboxed when opened directly, away from the app's storage", async () => {
    await page.goto(`${base()}/plugins/hello/index.html`);
    await page.waitForFunction(() => document.getElementById("greeting")?.textContent === "Hello from a taiku plugin");
    expect(await page.evaluate(() => self.origin)).toBe("null");
    const storage = await page.evaluate(() => {
      try {
        return typeof window.localStorage.getItem("taiku:plugin-secrets");
      } catch (error) {
        return error instanceof Error ? error.name : "error";
      }
    });
    expect(storage).toBe("SecurityError");
  });
});
