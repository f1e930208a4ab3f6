/**
 * The one-file SDK build, as a plain-HTML plugin loads it: a real Chromium
 * renders a host page that puts the plugin in an
 * `<iframe sandbox="allow-scripts">` (opaque origin, no same-origin access)
 * and speaks the bridge protocol over a transferred `MessagePort`. The
 * plugin imports `/sdk/plugin-sdk.js` built by `sdk/scripts/build.mjs`. The
 * second test runs the complete plugin of docs/plugins/building.md, taken
 * from the page as written.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext } from "playwright-core";
import { launchChromium } from "../../test/support/chromium";
import { afterAll, beforeAll, expect, it } from "vitest";

const buildScript = resolve(dirname(fileURLToPath(import.meta.url)), "../scripts/build.mjs");
const pluginFromDocsScript = resolve(dirname(fileURLToPath(import.meta.url)), "../scripts/plugin-from-docs.mjs");

/** The host page: answers a few methods like the real host and records what the plugin did. */
const hostPage = (pluginSrc: string): string => `<!doctype html><meta charset="utf-8"><title>host</title><body>
<script>
window.record = { requests: [], badges: [] };
const frame = document.createElement("iframe");
frame.sandbox = "allow-scripts";
frame.src = ${JSON.stringify(pluginSrc)};
frame.addEventListener("load", () => {
  const channel = new MessageChannel();
  window.runAction = (actionId) => channel.port1.postMessage({ type: "taiku:event", event: { type: "action:run", data: { actionId }, ts: Date.now() } });
  channel.port1.onmessage = (event) => {
    const request = event.data;
    window.record.requests.push({ method: request.method, params: request.params });
    const answer = (result) => channel.port1.postMessage({ type: "taiku:response", id: request.id, result });
    const fail = (code, message) => channel.port1.postMessage({ type: "taiku:response", id: request.id, error: { code, message } });
    if (request.method === "getSession") answer({ sessionId: "s-1", title: "Browser session", ownerId: "u-1", plugins: [] });
    else if (request.method === "kv.sync") answer({ update: new Uint8Array([0, 0]) });
    else if (request.method === "kv.update") answer(null);
    else if (request.method === "writeToShell") fail("permission_denied", "writeToShell needs terminal.write");
    else if (request.method === "showToast") { answer(null); window.record.done = request.params.message; }
    else if (request.method === "setBadge") { answer(null); window.record.badges.push(request.params.badge); }
    else fail("method_not_found", request.method);
  };
  frame.contentWindow.postMessage(
    { type: "taiku:init", pluginId: "probe", sessionId: "s-1", instanceId: "i-1", apiVersion: 1, theme: "dark" },
    "*",
    [channel.port2],
  );
});
document.body.append(frame);
</script>`;

/** The plugin page: plain HTML importing the served SDK module. */
const PLUGIN_PAGE = `<!doctype html><meta charset="utf-8"><title>plugin</title>
<script type="module">
import { TaikuPlugin, PermissionDeniedError, QuotaExceededError, Y } from "/sdk/plugin-sdk.js";
const plugin = await new TaikuPlugin({ timeout: 5000 }).ready();
const session = await plugin.getSession();
const denied = await plugin.writeToShell("sh", "ls\\n").then(() => "allowed", (error) => error instanceof PermissionDeniedError ? error.code : String(error));
const doc = await plugin.sharedDoc();
const list = new Y.Array();
doc.getMap("kv").set("list", list);
list.push(["one"]);
let quota = "not thrown";
try { doc.getText("big").insert(0, "x".repeat(70000)); } catch (error) { quota = error instanceof QuotaExceededError ? error.code : String(error); }
await plugin.showToast([plugin.pluginId, session.title, denied, quota, doc.getText("big").length, JSON.stringify(doc.getMap("kv").toJSON())].join(" | "));
</script>`;

let server: Server;
let baseUrl: string;
let context: BrowserContext;
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "taiku-sdk-bundle-"));
  const bundleFile = join(workDir, "plugin-sdk.js");
  const build = spawnSync(process.execPath, [buildScript, bundleFile], { encoding: "utf8" });
  expect(build.status, build.stderr).toBe(0);
  const bundle = await readFile(bundleFile);
  const { writeDocsPlugin } = (await import(pluginFromDocsScript)) as { writeDocsPlugin: (dir: string) => Promise<string[]> };
  await writeDocsPlugin(join(workDir, "checklist"));
  const checklist = {
    html: await readFile(join(workDir, "checklist/index.html")),
    js: await readFile(join(workDir, "checklist/checklist.js")),
  };
  server = createServer((request, response) => {
    const routes: Record<string, [string, string | Buffer]> = {
      "/host.html": ["text/html", hostPage("/plugin.html")],
      "/checklist-host.html": ["text/html", hostPage("/checklist/index.html")],
      "/checklist/index.html": ["text/html", checklist.html],
      "/checklist/checklist.js": ["text/javascript", checklist.js],
      "/plugin.html": ["text/html", PLUGIN_PAGE],
      "/sdk/plugin-sdk.js": ["text/javascript", bundle],
    };
    const route = routes[request.url ?? ""];
    if (route === undefined) {
      response.writeHead(request.url === "/favicon.ico" ? 204 : 404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": route[0], "Access-Control-Allow-Origin": "*" }).end(route[1]);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  context = await launchChromium(join(workDir, "profile"), {
    headless: true,
  });
});

afterAll(async () => {
  await context?.close();
  await new Promise((done) => server?.close(done));
  await rm(workDir, { recursive: true, force: true });
});

it("a sandboxed plain-HTML plugin runs on the built SDK module: calls, typed errors, sharedDoc and its quota", async () => {
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto(`${baseUrl}/host.html`);
  await page.waitForFunction(() => (window as unknown as { record: { done?: string } }).record.done !== undefined, null, { timeout: 20_000 });
  const record = await page.evaluate(() => (window as unknown as { record: { done: string; requests: { method: string }[] } }).record);
  expect(record.done).toBe('probe | Browser session | permission_denied | quota_exceeded | 0 | {"list":["one"]}');
  expect(record.requests.map((request) => request.method)).toEqual([
    "getSession",
    "writeToShell",
    "kv.sync",
    "kv.update",
    "kv.update",
    "kv.update",
    "showToast",
  ]);
  expect(errors).toEqual([]);
});

it("the checklist plugin from building.md works in a sandboxed frame: add, tick, clear", async () => {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto(`${baseUrl}/checklist-host.html`);
  const frame = page.frameLocator("iframe");
  await frame.locator("#text").fill("Review the release notes");
  await frame.locator("#add-button").click();
  await frame.locator("#text").fill("Book the demo room");
  await frame.locator("#text").press("Enter");
  await expect.poll(async () => (await frame.locator("#items li").allTextContents()).sort()).toEqual([" Book the demo room", " Review the release notes"]);
  const badges = () => page.evaluate(() => (window as unknown as { record: { badges: unknown[] } }).record.badges);
  await expect.poll(async () => (await badges()).at(-1)).toBe(2);
  await frame.locator("#items li", { hasText: "Review the release notes" }).locator("input[type=checkbox]").check();
  await expect.poll(async () => (await badges()).at(-1)).toBe(1);
  await expect.poll(() => frame.locator("#items li.done").count()).toBe(1);
  await page.evaluate(() => (window as unknown as { runAction: (id: string) => void }).runAction("clear-done"));
  await expect.poll(() => frame.locator("#items li").allTextContents()).toEqual([" Book the demo room"]);
  const methods = await page.evaluate(() => (window as unknown as { record: { requests: { method: string }[] } }).record.requests.map((r) => r.method));
  expect(methods.filter((method) => method === "kv.update").length).toBe(4);
  expect(errors).toEqual([]);
  await page.close();
});
