/**
 * The bridge's promises, checked from inside a real sandboxed plugin frame
 * (the `probe` fixture plugin, installed as a local plugin): permissions
 * hold, forged window messages do nothing, plugin links cannot run script,
 * secrets stay with their plugin and in the browser, and a misbehaving
 * plugin is stopped without taking the session down. The `tap` fixture
 * holds a secret and a setting.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const PROBE = path.join(FIXTURES, "probe");
const TAP = path.join(FIXTURES, "tap");

declare global {
  interface Window {
    probe: {
      writeToShell(shellId: number, data: string): Promise<void>;
      getPluginData(key: string): Promise<unknown>;
      setPluginData(key: string, value: unknown): Promise<void>;
      setLabels(labels: { id: string; text: string; href?: string }[]): Promise<void>;
      getSecret(name: string): Promise<string | null>;
      getSetting(key: string): Promise<unknown>;
    };
  }
}

describe("the bridge in a real browser", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let probe: Frame;

  beforeAll(async () => {
    server = await startE2eServer([PROBE, TAP]);
    ada = await launchUser(server.url, "ada");
    await ada.createSession("Bridge checks");
    await ada.enablePlugin("probe");
    await ada.enablePlugin("tap");
    probe = await ada.openPanel("probe", "probe");
  }, 120_000);

  afterAll(async () => {
    await ada?.close();
    await server?.stop();
  });

  it("a plugin without terminal.write calling writeToShell gets permission_denied", async () => {
    const outcome = await probe.evaluate(() =>
      window.probe.writeToShell(1, "rm -rf ~\n").then(
        () => "written",
        (error: { code?: string }) => error.code,
      ),
    );
    expect(outcome).toBe("permission_denied");
  });

  it("a forged postMessage from a foreign frame, or on a plugin's window, is ignored", async () => {
    const request = (key: string) => ({ type: "taiku:request", id: `forged-${key}`, method: "setPluginData", params: { key, value: true } });
    await ada.page.evaluate((message) => {
      const foreign = document.createElement("iframe");
      foreign.name = "foreign";
      foreign.srcdoc = "<p>foreign</p>";
      document.body.append(foreign);
      foreign.addEventListener("load", () => {
        const channel = new MessageChannel();
        const replies: unknown[] = [];
        channel.port1.onmessage = (event) => replies.push(event.data);
        (foreign.contentWindow as Window & { replies?: unknown[] }).replies = replies;
        foreign.contentWindow?.parent.postMessage(message, "*", [channel.port2]);
      });
    }, request("forged-foreign"));
    await probe.evaluate((message) => window.parent.postMessage(message, "*"), request("forged-window"));
    await new Promise((resolve) => setTimeout(resolve, 500));

    const foreign = ada.page.frame({ name: "foreign" });
    expect(await foreign?.evaluate(() => (window as Window & { replies?: unknown[] }).replies?.length)).toBe(0);
    expect(await probe.evaluate(() => window.probe.getPluginData("forged-foreign"))).toBeNull();
    expect(await probe.evaluate(() => window.probe.getPluginData("forged-window"))).toBeNull();
    await probe.evaluate(() => window.probe.setPluginData("real", 1));
    expect(await probe.evaluate(() => window.probe.getPluginData("real"))).toBe(1);
  });

  it("a label with a javascript: link renders as text; an https link opens safely", async () => {
    await probe.evaluate(() =>
      window.probe.setLabels([
        { id: "evil", text: "click me", href: "javascript:document.title='pwned'" },
        { id: "data", text: "data link", href: "data:text/html,<script>alert(1)</script>" },
        { id: "docs", text: "docs", href: "https://docs.example/taiku" },
      ]),
    );
    const evil = ada.page.locator('.status-label[data-plugin="probe"][data-label="evil"]');
    await evil.waitFor();
    expect(await evil.evaluate((el) => el.tagName)).toBe("SPAN");
    expect(await evil.getAttribute("href")).toBeNull();
    await evil.click();
    expect(await ada.page.title()).toBe("taiku");
    expect(await ada.page.locator('.status-label[data-label="data"]').evaluate((el) => el.tagName)).toBe("SPAN");
    const docs = ada.page.locator('.status-label[data-plugin="probe"][data-label="docs"]');
    expect(await docs.evaluate((el) => el.tagName)).toBe("A");
    expect(await docs.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await docs.getAttribute("target")).toBe("_blank");
    await ada.screenshot("status-bar-labels");
  });

  it("a secret entered in the plugin manager reaches only its plugin and never leaves the browser", async () => {
    const secret = "s3cr3t-value-that-must-stay-here";
    const sent: string[] = [];
    ada.page.on("request", (request) => sent.push(`${request.url()} ${request.postData() ?? ""}`));
    ada.page.on("websocket", (socket) => socket.on("framesent", (frame) => sent.push(String(frame.payload))));
    await ada.page.click(".session-header >> text=Plugins");
    const card = ada.page.locator('.plugin-card[data-plugin="tap"]');
    await card.locator("input[type=password]").fill(secret);
    await card.locator("input[type=password]").press("Tab");
    await card.locator(".plugin-settings input[type=checkbox]").check();
    await ada.page.click(".plugin-manager >> text=Close");

    const tap = await ada.pluginFrame("tap");
    probe = await ada.pluginFrame("probe");
    expect(await tap.evaluate(() => window.probe.getSecret("apiKey"))).toBe(secret);
    expect(await tap.evaluate(() => window.probe.getSetting("verbose"))).toBe(true);
    expect(await probe.evaluate(() => window.probe.getSecret("apiKey"))).toBeNull();
    await ada.page.reload();
    await ada.page.waitForSelector(".connection[data-state=saved]");
    probe = await ada.pluginFrame("probe");
    expect(sent.some((entry) => entry.includes(secret))).toBe(false);
    expect(sent.length).toBeGreaterThan(0);
  });

  it("a plugin that floods the bridge is stopped, its panel says so, and the session keeps working", async () => {
    await ada.page.click('[data-panel="probe/probe"]');
    await probe.evaluate(() => {
      setTimeout(() => {
        for (let i = 0; i < 20_000; i++) void window.probe.getPluginData("k").catch(() => undefined);
      }, 0);
    });
    await ada.page.waitForSelector('.plugin-frame[data-plugin="probe"] .plugin-error:has-text("flooding")');
    await ada.screenshot("plugin-stopped");
    await ada.page.fill("input[name=chat]", "still here");
    await ada.page.click(".chat >> text=Send");
    await ada.page.waitForSelector(".chat-message >> text=still here");

    await ada.page.click('.plugin-frame[data-plugin="probe"] >> text=Restart plugin');
    probe = await ada.pluginFrame("probe");
    expect(await probe.evaluate(() => window.probe.getPluginData("real"))).toBe(1);
  });

  it("a plugin that hangs does not freeze the session", async () => {
    await ada.page.click('[data-panel="probe/probe"]');
    await probe.evaluate(() => {
      setTimeout(() => {
        for (;;) {
          // spin forever
        }
      }, 0);
    });
    await ada.page.fill("input[name=chat]", "not frozen");
    await ada.page.click(".chat >> text=Send");
    await ada.page.waitForSelector(".chat-message >> text=not frozen", { timeout: 5000 });
  });
});
