/**
 * Shells in the browser: a shell shared by the host (`taiku share`, here
 * started in-process on a temp folder) shows as an xterm.js pane, typing
 * into it runs a command, and its output reaches the pane; when the host
 * leaves, the pane shows the shell as closed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionId } from "@taiku/engine";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

describe("shared shells in the session view", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let host: ShareHost | undefined;
  let folder: string;

  beforeAll(async () => {
    server = await startE2eServer();
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

  it("shows the share command while no shell is shared", async () => {
    expect(await ada.page.textContent(".empty-state .command")).toBe(`taiku share ${ada.sessionId}`);
  });

  it("a shared shell shows as a pane, and typing into it runs a command", async () => {
    const auth = JSON.parse((await ada.page.evaluate(() => localStorage.getItem("taiku:auth"))) ?? "{}") as { token: string };
    host = createShareHost({ server: server.url, token: auth.token, sessionId: ada.sessionId as SessionId, cwd: folder, shell: "/bin/sh", shellArgs: [], log: () => undefined });
    await host.ready;
    const pane = ada.page.locator(".shell-pane[data-status=running]");
    await pane.waitFor();
    await pane.locator(".terminal-host").click();
    await ada.page.keyboard.type("echo taiku-$((6*7))\n");
    await pane.locator(".xterm-rows:has-text('taiku-42')").waitFor({ timeout: 10_000 });
    await ada.screenshot("shell-pane");
  });

  it("when the host leaves, the shell shows as closed", async () => {
    await host?.close();
    host = undefined;
    await ada.page.locator(".shell-pane[data-status=closed]").waitFor({ timeout: 10_000 });
  });
});
