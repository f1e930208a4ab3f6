/**
 * A newcomer's first hour as one journey, in real Chromium with two people
 * and a real `taiku share` process: Ada signs up, creates a session, copies
 * the share command the Shells pane shows and runs it exactly as copied (a
 * `taiku` on the PATH), sees her shell and types into it, opens Hello (in
 * the dark theme's colours, not a white page), and
 * invites Bo, who joins from the link and sees the same shell (and can type
 * into it) and the same Hello. No page logs an error or gets an HTTP error
 * on the way (the favicon included). When Ada ends the session, the share
 * command is disconnected and says so, and Bo sees the session ended.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

const TAIKU_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../server/bin/taiku.mjs");

/** Records every console error and HTTP error response a page (or its frames) meets. */
function watchProblems(page: Page, name: string, problems: string[]): void {
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`[${name}] console: ${message.text()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`[${name}] HTTP ${response.status()} ${response.url()}`);
  });
}

describe("a newcomer's first hour, from sign-up to a shared shell and a second person", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let bo: BrowserUser;
  let bin: string;
  let folder: string;
  let cli: ChildProcess | undefined;
  let stderr = "";
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startE2eServer();
    bin = await mkdtemp(path.join(os.tmpdir(), "taiku-bin-"));
    await writeFile(path.join(bin, "taiku"), `#!/bin/sh\nexec "${process.execPath}" "${TAIKU_BIN}" "$@"\n`);
    await chmod(path.join(bin, "taiku"), 0o755);
    folder = await mkdtemp(path.join(os.tmpdir(), "taiku-shared-"));
  }, 120_000);

  afterAll(async () => {
    if (cli !== undefined && cli.exitCode === null) {
      const exited = new Promise((resolve) => cli?.once("exit", resolve));
      cli.kill("SIGTERM");
      await exited;
    }
    await Promise.all([ada?.close(), bo?.close()]);
    await server?.stop();
    await rm(bin, { recursive: true, force: true });
    await rm(folder, { recursive: true, force: true });
  });

  it("Ada signs up, creates a session, copies the share command and runs it: her shell appears and takes her typing", async () => {
    ada = await launchUser(server.url, "ada");
    watchProblems(ada.page, "ada", problems);
    await ada.createSession("First hour");
    await ada.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    await ada.page.click(".share-shell-button");
    await ada.page.click(".share-command-box >> text=Copy");
    const command = await ada.page.evaluate(() => navigator.clipboard.readText());
    expect(command).toBe(await ada.page.locator(".share-command").textContent());
    expect(command).toContain(`taiku share ${ada.sessionId} --server ${server.url}`);

    cli = spawn("bash", ["-c", command], { cwd: folder, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, SHELL: "/bin/sh" }, stdio: ["ignore", "ignore", "pipe"] });
    cli.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const pane = ada.page.locator(".shell-pane[data-status=running]");
    await pane.waitFor({ timeout: 20_000 }).catch((error: Error) => Promise.reject(new Error(`${error.message}\n${stderr}`)));
    await pane.locator(".terminal-host").click();
    await ada.page.keyboard.type("echo ada-$((6*7))\n");
    await pane.locator(".xterm-rows:has-text('ada-42')").waitFor({ timeout: 10_000 });
  }, 90_000);

  it("Ada opens Hello and it greets her", async () => {
    await ada.enableForSession("hello");
    const hello = await ada.openPanel("hello", "hello", "#status:text('Connected.')");
    expect(await hello.textContent("#greeting")).toBe(`Hello, session ${ada.sessionId}`);
    // In the reference dark colours, like the page around it: no white panel.
    expect(await hello.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(24, 24, 27)");
  }, 30_000);

  it("Bo joins from Ada's invite and sees the same shell, types into it, and sees the same Hello", async () => {
    const link = await ada.invite();
    bo = await launchUser(server.url, "bo", link);
    watchProblems(bo.page, "bo", problems);
    await bo.page.waitForURL(/#\/s\//);
    await bo.page.waitForSelector(".connection[data-state=saved]");
    const pane = bo.page.locator(".shell-pane[data-status=running]");
    await pane.waitFor({ timeout: 10_000 });
    await pane.locator(".xterm-rows:has-text('ada-42')").waitFor({ timeout: 10_000 });
    await pane.locator(".terminal-host").click();
    await bo.page.keyboard.type("echo bo-$((7*6))\n");
    await ada.page.click(".tabs >> text=Shells");
    await ada.page.locator(".shell-pane[data-status=running] .xterm-rows:has-text('bo-42')").waitFor({ timeout: 10_000 });

    const hello = await bo.openPanel("hello", "hello", "#status:text('Connected.')");
    expect(await hello.textContent("#greeting")).toBe(`Hello, session ${ada.sessionId}`);
    expect(bo.page.url()).toContain(`#/s/${ada.sessionId}`);
    await bo.screenshot("first-hour-bo");
  }, 60_000);

  it("no page logged an error or met an HTTP error along the way (favicon included)", async () => {
    for (const user of [ada, bo]) {
      const icon = await user.page.evaluate(async () => (await fetch((document.querySelector("link[rel=icon]") as HTMLLinkElement).href)).status);
      expect(icon).toBe(200);
    }
    expect(problems).toEqual([]);
  });

  it("when Ada ends the session, the share command is disconnected and says why, and Bo sees it ended", async () => {
    const exited = new Promise<number | null>((resolve) => cli?.once("exit", (code) => resolve(code)));
    await ada.page.click(".session-header .end-session");
    await ada.page.click(".end-session-dialog .confirm-end-session");
    await bo.page.waitForSelector(".session-ended", { timeout: 10_000 });
    expect(await exited).not.toBe(0);
    expect(stderr).toMatch(/the session has ended/);
  }, 30_000);
});
