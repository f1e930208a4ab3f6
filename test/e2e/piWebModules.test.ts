/**
 * Pi Web modules in a real Chromium, against a real server whose local
 * plugins folder holds them as symlinks (the seed's workflow) and a real
 * `taiku share` host on a temp git repository: a copy of the seed's
 * example (new id) shows its action in the palette and runs it, by click and
 * by shortcut; its label shows in the workspace list, the panel header and
 * the status bar; its panel sits in the one order across plugins; label
 * items render safely; and modules that throw at import, in `activate` or
 * in `render` leave the rest working and are marked in the plugin manager,
 * where a module can be turned off (and stays off after a reload).
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionId } from "@taiku/engine";
import { createConfig } from "../../server/src/config";
import { createTaikuServer, type TaikuServer } from "../../server/src/createTaikuServer";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { buildArtifacts } from "./support/buildArtifacts";
import { launchUser, type BrowserUser } from "./support/browserUser";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "piweb");
const MODULES = ["seed-info", "early", "broken-import", "broken-activate", "broken-render"];

describe("Pi Web modules in the session view", () => {
  let server: TaikuServer;
  let url: string;
  let ada: BrowserUser;
  let host: ShareHost;
  let root: string;
  let repo: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(os.tmpdir(), "taiku-piweb-e2e-")));
    repo = path.join(root, "shop");
    execFileSync("git", ["init", "--quiet", "--initial-branch=main", repo]);
    execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "--quiet", "--allow-empty", "-m", "first"], {
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: root },
    });
    const dataDir = path.join(root, "data");
    await mkdir(path.join(dataDir, "plugins"), { recursive: true });
    for (const name of MODULES) await symlink(path.join(FIXTURES, name), path.join(dataDir, "plugins", name));

    const { clientDir, sdkBundlePath } = await buildArtifacts();
    server = await createTaikuServer({
      config: createConfig({ host: "127.0.0.1", port: 0, dataDir, logLevel: "silent", clientDir, sdkBundlePath, limits: { rateBurst: 1000, ratePerSecond: 200 } }),
    });
    url = `http://127.0.0.1:${(await server.listen()).port}`;

    ada = await launchUser(url, "ada");
    ada.page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    await ada.createSession("Modules");
    const token = await ada.page.evaluate(() => (JSON.parse(localStorage.getItem("taiku:auth") ?? "{}") as { token: string }).token);
    const created = await fetch(`${url}/api/sessions/${ada.sessionId}/host-tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({}),
    });
    const hostToken = ((await created.json()) as { token: string }).token;
    host = createShareHost({ server: url, token: hostToken, sessionId: ada.sessionId as SessionId, cwd: repo, initialShells: 0, hostName: "ada@laptop", workspacePollMs: 0 });
    await host.ready;
    await ada.page.waitForSelector(".workspace-item.selected[data-workspace]");
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await ada?.close();
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("the workspace list shows the shared folder, selected, with the seed copy's link label", async () => {
    const item = ada.page.locator(".workspace-item.selected");
    expect(await item.locator(".workspace-name").textContent()).toBe("shop");
    const link = item.locator('[data-contribution="seed-info:dev-url"] a');
    await link.waitFor();
    expect(await link.getAttribute("href")).toBe("http://localhost:5173/");
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
  });

  it("the label shows in the panel header and the status bar too, after the labels with lower order", async () => {
    for (const where of [".workspace-header", ".status-workspace"]) {
      const ids = await ada.page.locator(`${where} [data-contribution]`).evaluateAll((els) => els.map((el) => el.getAttribute("data-contribution")));
      // early:items (order 5), seed-info:dev-url (10), info:kind (bundled, 100); early:empty returns [] and renders nothing.
      expect(ids, where).toEqual(["early:items", "seed-info:dev-url", "info:kind"]);
    }
  });

  it("label items: text, a javascript: link as plain text, a same-tab link without target, a render item", async () => {
    const label = ada.page.locator('.workspace-header [data-contribution="early:items"]');
    expect(await label.locator("span.label-item[title='a text item']").textContent()).toBe("early-text");
    expect(await label.locator("a:has-text('evil')").count()).toBe(0);
    expect(await label.locator("span.label-item:has-text('evil')").count()).toBe(1);
    const sameTab = label.locator("a:has-text('same-tab')");
    expect(await sameTab.getAttribute("target")).toBeNull();
    expect(await label.locator("early-badge").textContent()).toBe("rendered:shop");
  });

  it("panels of every plugin share one order, and a module panel renders its workspace", async () => {
    const tabs = await ada.page.locator(".tabs [data-contribution]").evaluateAll((els) => els.map((el) => el.getAttribute("data-contribution")));
    expect(tabs).toEqual(["early:panel", "broken-render:panel", "info:workspace.info", "seed-info:workspace.info"]);
    expect(await ada.page.locator('.tabs [data-contribution="early:panel"] .badge').textContent()).toBe("3");

    await ada.page.click('.tabs [data-contribution="seed-info:workspace.info"]');
    const panel = ada.page.locator('.pi-web-panel[data-contribution="seed-info:workspace.info"]');
    await panel.locator(".viewer").waitFor();
    expect(await panel.locator(".viewer").textContent()).toContain(repo);
    expect(await panel.locator(".toolbar").textContent()).toBe("Info");
  });

  it("a panel whose render throws says so in its own area; the other panels keep working", async () => {
    await ada.page.click('.tabs [data-contribution="broken-render:panel"]');
    const error = ada.page.locator('.pi-web-panel[data-contribution="broken-render:panel"] .plugin-error');
    await error.waitFor();
    expect(await error.textContent()).toContain("broken-render:panel render failed: boom in render");
    await ada.page.click('.tabs [data-contribution="info:workspace.info"]');
    await ada.page.locator('.pi-web-panel[data-contribution="info:workspace.info"] .viewer').waitFor();
    expect(await ada.page.locator('.pi-web-panel[data-contribution="info:workspace.info"] .viewer').textContent()).toContain(repo);
  });

  it("the seed copy's action is in the palette and runs, by click and by its shortcut", async () => {
    const page = ada.page;
    await page.click(".session-header >> text=Actions");
    const entry = page.locator('.palette-item[data-contribution="seed-info:workspace.show-path"]');
    expect(await entry.textContent()).toContain("Show Current Workspace Path");
    expect(await entry.locator("kbd").textContent()).toBe("Ctrl+Shift+P");
    expect(await page.locator('.palette-item[data-contribution="early:Bad_Id"]').count()).toBe(0);
    // An alert blocks the page until dismissed, so the click settles only after the dialog is handled.
    const clicked = page.waitForEvent("dialog");
    const clicking = entry.click();
    const dialog = await clicked;
    expect(dialog.message()).toBe(repo);
    await dialog.dismiss();
    await clicking;

    const pressed = page.waitForEvent("dialog");
    const pressing = page.keyboard.press("Control+Shift+P");
    const again = await pressed;
    expect(again.message()).toBe(repo);
    await again.dismiss();
    await pressing;
  });

  it("a module's shortcut that the palette holds is not stolen, and a rejected run is a visible error", async () => {
    const page = ada.page;
    await page.keyboard.press("Control+K");
    await page.locator(".palette").waitFor();
    expect(await page.locator('.palette-item[data-contribution="early:steal"] kbd').count()).toBe(0);
    await page.click('.palette-item[data-contribution="early:reject"]');
    await page.waitForSelector(".toast:has-text('the early action gave up')");
  });

  it("a module's context.taiku stores in its session KV with the bridge's rules: a non-JSON value is refused", async () => {
    const page = ada.page;
    await page.click(".session-header >> text=Actions");
    const shown = page.waitForEvent("dialog");
    const clicking = page.click('.palette-item[data-contribution="early:store"]');
    const dialog = await shown;
    const message = dialog.message();
    await dialog.dismiss();
    await clicking;
    expect(JSON.parse(message)).toEqual({ all: { ran: { times: 1 } }, refused: "invalid_params", limit: 65536, used: true });
  });

  it("the plugin manager lists modules with their trust, marks each failing one with what failed, and the rest run", async () => {
    const page = ada.page;
    await page.click(".session-header >> text=Plugins");
    const card = (id: string) => page.locator(`.module-card[data-plugin="${id}"]`);
    await card("seed-info").waitFor();
    expect(await card("seed-info").getAttribute("data-state")).toBe("active");
    expect(await card("seed-info").textContent()).toContain("runs with your full access in this page");
    expect(await card("broken-import").getAttribute("data-state")).toBe("failed");
    expect(await card("broken-import").locator(".module-failures").textContent()).toContain("import failed: boom at import");
    expect(await card("broken-activate").locator(".module-failures").textContent()).toContain("activate failed: boom in activate");
    expect(await card("broken-render").locator(".module-failures").textContent()).toContain("broken-render:panel render failed: boom in render");
    const early = await card("early").locator(".module-failures").textContent();
    expect(early).toContain("early:steal shortcut failed");
    expect(early).toContain("Bad_Id");
    expect(consoleErrors.some((line) => line.startsWith("[taiku] plugin broken-activate: activate failed: boom in activate"))).toBe(true);
    expect(consoleErrors.some((line) => line.startsWith("[taiku] plugin broken-render: broken-render:panel render failed: boom in render"))).toBe(true);
    await ada.screenshot("pi-web-modules-manager");
    await page.click(".plugin-manager >> text=Close");
    await page.click('.tabs [data-contribution="seed-info:workspace.info"]');
    await ada.screenshot("pi-web-modules-panel");
  });

  it("on a narrow screen the tools, module panels among them, stay tabs and a module panel still renders", async () => {
    const page = ada.page;
    await page.setViewportSize({ width: 600, height: 800 });
    try {
      const tab = page.locator('.tabs [data-contribution="info:workspace.info"]');
      expect(await tab.isVisible()).toBe(true);
      expect(await tab.getAttribute("role")).toBe("tab");
      await tab.click();
      const viewer = page.locator('.pi-web-panel[data-contribution="info:workspace.info"] .viewer');
      await viewer.waitFor();
      expect(await viewer.isVisible()).toBe(true);
      await ada.screenshot("pi-web-modules-narrow");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("turning a module off hides its contributions at once and it stays off after a reload", async () => {
    const page = ada.page;
    await page.click(".session-header >> text=Plugins");
    await page.click('.module-card[data-plugin="seed-info"] .module-off');
    expect(await page.locator('.module-card[data-plugin="seed-info"] .plugin-state').textContent()).toContain("reload the page");
    await page.click(".plugin-manager >> text=Close");
    await page.locator('.tabs [data-contribution="seed-info:workspace.info"]').waitFor({ state: "detached" });
    expect(await page.locator('[data-contribution="seed-info:dev-url"]').count()).toBe(0);

    await page.reload();
    await page.waitForSelector('.workspace-item.selected [data-contribution="info:kind"]');
    expect(await page.locator('[data-contribution="seed-info:dev-url"]').count()).toBe(0);
    const loaded = await page.evaluate(() => performance.getEntriesByType("resource").some((entry) => entry.name.includes("/pi-web-plugins/seed-info/")));
    expect(loaded).toBe(false);
  });
});
