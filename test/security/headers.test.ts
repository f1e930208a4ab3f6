/**
 * Headers, checked in Debian's Chromium against the real server: the host
 * page's CSP stops an injected inline script and framing by another
 * origin; every answer is `nosniff` with `Referrer-Policy: no-referrer`;
 * and a plugin page cannot load another plugin's script, only its own and
 * the SDK.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pluginPackage, writePackage } from "../../server/src/plugins/pluginFixtures";
import { startTestServer, type TestServer } from "../../server/src/testing/startTestServer";
import { launchChromium } from "../support/chromium";

let folder: string;
let t: TestServer;
let context: BrowserContext;
let page: Page;
let framer: http.Server;
let framerUrl: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "taiku-headers-"));
  const bundledDir = path.join(folder, "plugins");
  await writePackage(path.join(bundledDir, "victim"), pluginPackage("victim", "victim"), {
    "index.html": "<!doctype html><p>victim</p>",
    "secret.js": "document.body.dataset.other = 'ran';",
  });
  await writePackage(path.join(bundledDir, "attacker"), pluginPackage("attacker", "attacker"), {
    "index.html": `<!doctype html><body><script src="/plugins/victim/secret.js"></script><script src="/plugins/attacker/own.js"></script></body>`,
    "own.js": "document.body.dataset.own = 'ran';",
  });
  // A stand-in for the built client: one module script of its own, and an injected inline script.
  const clientDir = path.join(folder, "client");
  await mkdir(path.join(clientDir, "assets"), { recursive: true });
  await writeFile(
    path.join(clientDir, "index.html"),
    `<!doctype html><body><script>document.body.dataset.injected = 'ran';</script><script type="module" src="/assets/app.js"></script></body>`,
  );
  await writeFile(path.join(clientDir, "assets", "app.js"), "document.body.dataset.app = 'ran';");
  t = await startTestServer({ bundledPluginsDir: bundledDir, clientDir });

  // Another origin that tries to frame the app.
  framer = http.createServer((_req, res) => {
    res.setHeader("content-type", "text/html");
    res.end(`<!doctype html><iframe id="app" src="${t.url}/"></iframe>`);
  });
  await new Promise<void>((resolve) => framer.listen(0, "127.0.0.1", resolve));
  framerUrl = `http://localhost:${(framer.address() as AddressInfo).port}/`;

  context = await launchChromium(path.join(folder, "profile"));
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => framer?.close(resolve));
  await t?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe("the host page", () => {
  it("is sent a CSP with frame-ancestors 'self', nosniff and a Referrer-Policy; API answers are nosniff with the Referrer-Policy too", async () => {
    const home = await t.call("GET", "/");
    const csp = home.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(home.headers.get("x-content-type-options")).toBe("nosniff");
    expect(home.headers.get("referrer-policy")).toBe("no-referrer");
    const refused = await t.call("GET", "/api/sessions");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("x-content-type-options")).toBe("nosniff");
    expect(refused.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("runs its own module script but not an injected inline script (Chromium)", async () => {
    await page.goto(`${t.url}/`);
    await page.waitForFunction(() => document.body.dataset.app === "ran");
    expect(await page.evaluate(() => document.body.dataset.injected ?? "blocked")).toBe("blocked");
  });

  it("cannot be framed by another origin (Chromium)", async () => {
    await page.goto(framerUrl);
    const handle = await page.waitForSelector("#app");
    const frame = await handle.contentFrame();
    expect(frame).not.toBeNull();
    await page.waitForLoadState("load");
    // A frame refused by frame-ancestors shows the browser's error page, never the app.
    const app = await frame!.evaluate(() => document.body?.dataset.app ?? "not the app").catch(() => "not the app");
    expect(app).toBe("not the app");
  });
});

describe("a plugin page", () => {
  it("runs its own script but cannot load another plugin's script (Chromium)", async () => {
    const csp = (await t.call("GET", "/plugins/attacker/index.html")).headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src http:\/\/127\.0\.0\.1:\d+\/plugins\/attacker\/ http:\/\/127\.0\.0\.1:\d+\/sdk\/plugin-sdk\.js;/);
    await page.goto(`${t.url}/plugins/attacker/index.html`);
    await page.waitForFunction(() => document.body.dataset.own === "ran");
    expect(await page.evaluate(() => document.body.dataset.other ?? "blocked")).toBe("blocked");
  });
});
