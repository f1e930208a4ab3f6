/**
 * Shells in the browser: a shell shared by the host (`taiku share`, here
 * started in-process on a temp folder) shows as an xterm.js pane, typing
 * into it runs a command, and its output reaches the pane; when the host
 * leaves, the pane shows the shell as closed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
import type { SessionId } from "@taiku/engine";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

interface PluginWindow {
  events: { type: string; data: { shellId?: number; data?: string } }[];
  probe: { writeToShell(shellId: number, data: string): Promise<void>; getShells(): Promise<{ id: number }[]> };
}

/** Text of every `shell:data` event a plugin frame received. */
function shellOutputSeenBy(frame: Frame): Promise<string> {
  return frame.evaluate(() =>
    (window as unknown as PluginWindow).events
      .filter((event) => event.type === "shell:data")
      .map((event) => event.data.data ?? "")
      .join(""),
  );
}

describe("shared shells in the session view", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let host: ShareHost | undefined;
  let folder: string;

  beforeAll(async () => {
    server = await startE2eServer([path.join(FIXTURES, "probe"), path.join(FIXTURES, "tap")]);
    ada = await launchUser(server.url, "ada");
    await ada.createSession("Shells");
    folder = await mkdtemp(path.join(os.tmpdir(), "taiku-shell-"));
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await ada?.close();
    await server?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it("offers Share a shell while no shell is shared", async () => {
    await ada.page.locator(".share-shell-button").waitFor();
    expect(await ada.page.textContent(".empty-state")).toContain("Share a shell");
  });

  it("a shared shell shows as a pane, and typing into it runs a command", async () => {
    const auth = JSON.parse((await ada.page.evaluate(() => localStorage.getItem("taiku:auth"))) ?? "{}") as { token: string };
    const created = await fetch(`${server.url}/api/sessions/${ada.sessionId}/host-tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${auth.token}`, "content-type": "application/json" },
      body: "{}",
    });
    const { token: hostToken } = (await created.json()) as { token: string };
    host = createShareHost({ server: server.url, token: hostToken, sessionId: ada.sessionId as SessionId, cwd: folder, shell: "/bin/sh", shellArgs: [], log: () => undefined });
    await host.ready;
    const pane = ada.page.locator(".shell-pane[data-status=running]");
    await pane.waitFor();
    await pane.locator(".terminal-host").click();
    await ada.page.keyboard.type("echo taiku-$((6*7))\n");
    await pane.locator(".xterm-rows:has-text('taiku-42')").waitFor({ timeout: 10_000 });
    await ada.page.keyboard.type("echo size-$(stty size | tr ' ' x)\n");
    await pane.locator(".xterm-rows div", { hasText: /size-\d+x\d+/ }).waitFor({ timeout: 10_000 });
    const size = /size-(\d+)x(\d+)/.exec((await pane.locator(".xterm-rows").textContent()) ?? "");
    const shown = await pane.locator(".xterm-rows > div").count();
    expect(Number(size?.[1])).toBe(shown);
    expect(Number(size?.[2])).toBeGreaterThan(80);
    await ada.screenshot("shell-pane");
  });

  it("shell output reaches only plugins holding terminal.read; input only from plugins holding terminal.write", async () => {
    await ada.enablePlugin("probe");
    await ada.enablePlugin("tap");
    const probe = await ada.openPanel("probe", "probe");
    const tap = await ada.openPanel("tap", "tap");
    const [shell] = await tap.evaluate(() => (window as unknown as PluginWindow).probe.getShells());
    const shellId = shell?.id ?? 0;
    expect(shellId).toBe(1);

    const denied = await probe.evaluate(
      ({ id }) => (window as unknown as PluginWindow).probe.writeToShell(id, "echo from-$((1+1))-probe\n").then(() => "written", (error: { code?: string }) => error.code),
      { id: shellId },
    );
    expect(denied).toBe("permission_denied");
    await tap.evaluate(({ id }) => (window as unknown as PluginWindow).probe.writeToShell(id, "echo from-$((2+2))-tap\n"), { id: shellId });

    const seenByTap = await (async () => {
      const deadline = Date.now() + 10_000;
      let seen = await shellOutputSeenBy(tap);
      while (!seen.includes("from-4-tap") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        seen = await shellOutputSeenBy(tap);
      }
      return seen;
    })();
    expect(seenByTap).toContain("from-4-tap");
    expect(seenByTap).not.toContain("from-2-probe");
    expect(await shellOutputSeenBy(probe)).toBe("");
    await ada.page.click(".tabs >> text=Shells");
    expect(await ada.page.locator(".shell-pane .xterm-rows").textContent()).not.toContain("from-2-probe");
  });

  it("when the host leaves, the shell shows as closed", async () => {
    await host?.close();
    host = undefined;
    await ada.page.locator(".shell-pane[data-status=closed]").waitFor({ timeout: 10_000 });
  });
});
