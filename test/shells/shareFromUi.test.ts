/**
 * Sharing a shell as a newcomer does it: in Chromium, "Share a shell" in
 * the Shells pane shows a command; that exact text, pasted into a shell
 * (here `bash -c`, with `taiku` on the PATH), shares a shell the page then
 * shows as running on this member's machine; the share commands list says
 * who started it, and Revoke there disconnects the command.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchUser, type BrowserUser } from "../e2e/support/browserUser";
import { startE2eServer, type E2eServer } from "../e2e/support/startE2eServer";

const TAIKU_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../server/bin/taiku.mjs");

describe("sharing a shell with the command the Shells pane shows", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let bin: string;
  let cli: ChildProcess | undefined;
  let stderr = "";

  beforeAll(async () => {
    server = await startE2eServer();
    ada = await launchUser(server.url, "ada");
    await ada.createSession("Share from the UI");
    // `taiku` as an installed command would be: a file on the PATH.
    bin = await mkdtemp(path.join(os.tmpdir(), "taiku-bin-"));
    await writeFile(path.join(bin, "taiku"), `#!/bin/sh\nexec "${process.execPath}" "${TAIKU_BIN}" "$@"\n`);
    await chmod(path.join(bin, "taiku"), 0o755);
  }, 120_000);

  afterAll(async () => {
    if (cli !== undefined && cli.exitCode === null) {
      const exited = new Promise((resolve) => cli?.once("exit", resolve));
      cli.kill("SIGTERM");
      await exited;
    }
    await ada?.close();
    await server?.stop();
    await rm(bin, { recursive: true, force: true });
  });

  it("the command shown after Share a shell names this server and a host token, and says members can type into the shell", async () => {
    await ada.page.click(".share-shell-button");
    const command = (await ada.page.locator(".share-command").textContent()) ?? "";
    expect(command).toMatch(new RegExp(`^TAIKU_HOST_TOKEN=taiku-host\\.[0-9a-f]{16}\\.[A-Za-z0-9_-]+ taiku share ${ada.sessionId} --server ${server.url}$`));
    expect(await ada.page.locator(".share-warning").textContent()).toMatch(/Everyone in this session can type into a shell shared this way/);
    await ada.page.locator(".host-tokens tr", { hasText: "started by ada" }).waitFor();
    await ada.screenshot("share-command");
  });

  it("run as shown, it shares a shell that the page shows running on ada's machine, and typing into it works", async () => {
    const command = (await ada.page.locator(".share-command").textContent()) ?? "";
    const folder = await mkdtemp(path.join(os.tmpdir(), "taiku-shared-"));
    cli = spawn("bash", ["-c", command], { cwd: folder, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, SHELL: "/bin/sh" }, stdio: ["ignore", "ignore", "pipe"] });
    cli.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const pane = ada.page.locator(".shell-pane[data-status=running]");
    await pane.waitFor({ timeout: 20_000 }).catch((error: Error) => Promise.reject(new Error(`${error.message}\n${stderr}`)));
    await pane.locator(".shell-owner", { hasText: "on ada's machine" }).waitFor();
    await pane.locator(".terminal-host").click();
    await ada.page.keyboard.type("echo from-the-ui-$((6*7))\n");
    await pane.locator(".xterm-rows:has-text('from-the-ui-42')").waitFor({ timeout: 10_000 });
    await ada.page.locator(".host-tokens tr", { hasText: "connected:" }).waitFor();
    await ada.screenshot("share-from-ui");
    await rm(folder, { recursive: true, force: true });
  }, 60_000);

  it("Revoke in the list disconnects the command, which says why, and the shell shows closed", async () => {
    const exited = new Promise<number | null>((resolve) => cli?.once("exit", (code) => resolve(code)));
    await ada.page.locator(".host-tokens tr", { hasText: "started by ada" }).locator(".revoke-host-token").click();
    expect(await exited).toBe(1);
    expect(stderr).toMatch(/this host token was revoked/);
    await ada.page.locator(".shell-pane[data-status=closed]").waitFor({ timeout: 10_000 });
    expect(await ada.page.locator(".host-tokens tr").count()).toBe(0);
  }, 30_000);
});
