/**
 * A Pi Web module in the host page, in Debian's Chromium against the real
 * server: the page (under the host page's CSP) finds the module in
 * `/pi-web-plugins/manifest.json`, imports it from its `?v=` URL, and the
 * module's own relative imports load too. A file the server types as
 * `application/octet-stream` cannot be imported as a module.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { piWebPackage, writePackage } from "../../server/src/plugins/pluginFixtures";
import { startTestServer, type TestServer } from "../../server/src/testing/startTestServer";
import { launchChromium } from "../support/chromium";

let folder: string;
let t: TestServer;
let context: BrowserContext;
let page: Page;

/** A stand-in for the client: loads every module of the manifest the way the Pi Web runtime does, and reports in data attributes. */
const HOST_SCRIPT = `
const body = document.body;
const manifest = await (await fetch("/pi-web-plugins/manifest.json", { cache: "no-store" })).json();
const names = [];
for (const entry of manifest.plugins) {
  const plugin = (await import(entry.module)).default;
  const result = plugin.activate({ apiVersion: 1, pluginId: entry.id, html: String.raw });
  names.push(plugin.name + ":" + result.contributions.actions.map((a) => a.title).join(","));
}
body.dataset.loaded = names.join("|");
try {
  await import("/pi-web-plugins/local-tools/notes.txt");
  body.dataset.untyped = "imported";
} catch (error) {
  body.dataset.untyped = "refused";
}
`;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "taiku-piweb-page-"));
  const bundledDir = path.join(folder, "plugins");
  await writePackage(path.join(bundledDir, "local-tools"), piWebPackage("@test/local-tools", [{ id: "local-tools", module: "dist/pi-web-plugin.js" }]), {
    "dist/pi-web-plugin.js": `import { title } from "./titles.mjs";
export default { apiVersion: 1, name: "Local Tools", activate: ({ pluginId }) => ({ contributions: { actions: [{ id: "show", title: title + " " + pluginId, run() {} }] } }) };`,
    "dist/titles.mjs": 'export const title = "Show";',
    "notes.txt": 'document.body.dataset.untypedRan = "yes"; export default 1;',
  });
  const clientDir = path.join(folder, "client");
  await mkdir(path.join(clientDir, "assets"), { recursive: true });
  await writeFile(path.join(clientDir, "index.html"), `<!doctype html><body><script type="module" src="/assets/app.js"></script></body>`);
  await writeFile(path.join(clientDir, "assets", "app.js"), HOST_SCRIPT);
  t = await startTestServer({ bundledPluginsDir: bundledDir, clientDir });
  context = await launchChromium(path.join(folder, "profile"));
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  await t?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe("a Pi Web module in the host page (Chromium)", () => {
  it("is imported from its manifest URL under the host page's CSP, with its relative imports, and activates", async () => {
    await page.goto(`${t.url}/`);
    await page.waitForFunction(() => document.body.dataset.untyped !== undefined);
    expect(await page.evaluate(() => document.body.dataset.loaded)).toBe("Local Tools:Show local-tools");
  });

  it("cannot import a file served as octet-stream", async () => {
    expect(await page.evaluate(() => document.body.dataset.untyped)).toBe("refused");
    expect(await page.evaluate(() => document.body.dataset.untypedRan)).toBeUndefined();
  });
});
