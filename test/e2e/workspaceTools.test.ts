/**
 * The Files and Git tools in a real Chromium, against a real server and a
 * real `taiku share --fs` host on a temp git repository: the tree opens a
 * folder lazily, the viewer shows a text file and says when one is binary
 * or cut short, Refresh shows an edit made on the host, and the Git tool
 * lists the branch, staged, changed and untracked files and shows a file's
 * diff, staged or not.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionId } from "@taiku/engine";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { launchUser, type BrowserUser } from "./support/browserUser";
import { startE2eServer, type E2eServer } from "./support/startE2eServer";

describe("the Files and Git tools", () => {
  let server: E2eServer;
  let ada: BrowserUser;
  let host: ShareHost;
  let root: string;
  let repo: string;

  function git(...args: string[]): void {
    execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: root } });
  }

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(os.tmpdir(), "taiku-tools-")));
    repo = path.join(root, "shop");
    await mkdir(path.join(repo, "src"), { recursive: true });
    execFileSync("git", ["init", "--quiet", "--initial-branch=main", repo]);
    await writeFile(path.join(repo, "README.md"), "# shop\n");
    await writeFile(path.join(repo, "src", "app.js"), "console.log(1);\n");
    git("add", ".");
    git("commit", "--quiet", "-m", "first");
    await writeFile(path.join(repo, "README.md"), "# shop\nnow with docs\n");
    await writeFile(path.join(repo, "src", "app.js"), "console.log(2);\n");
    git("add", "src/app.js");
    await writeFile(path.join(repo, "notes.txt"), "remember the milk\n");
    await writeFile(path.join(repo, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    await writeFile(path.join(repo, "big.log"), "line\n".repeat(120_000));

    server = await startE2eServer();
    ada = await launchUser(server.url, "ada");
    await ada.createSession("Tools");
    const token = await ada.page.evaluate(() => (JSON.parse(localStorage.getItem("taiku:auth") ?? "{}") as { token: string }).token);
    const created = await fetch(`${server.url}/api/sessions/${ada.sessionId}/host-tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({}),
    });
    const hostToken = ((await created.json()) as { token: string }).token;
    host = createShareHost({ server: server.url, token: hostToken, sessionId: ada.sessionId as SessionId, cwd: repo, fs: true, initialShells: 0, hostName: "ada@laptop", workspacePollMs: 0 });
    await host.ready;
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await ada?.close();
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("browse the folder, view text, binary and truncated files, and refresh after an edit on the host", async () => {
    const page = ada.page;
    await page.click(".tabs [data-tool=files]");
    await page.waitForSelector(".files-tool .toolbar:has-text('shop')");
    await page.waitForSelector(".files-tree li[data-path='README.md']");
    expect(await page.locator(".files-tree li[data-path='src/app.js']").count()).toBe(0);
    await page.click(".files-tree li[data-path='src'] > button");
    await page.click(".files-tree li[data-path='src/app.js'] > button");
    await page.waitForSelector(".files-tool .file-content:has-text('console.log(2);')");
    await page.click(".files-tree li[data-path='logo.png'] > button");
    await page.waitForSelector(".files-tool .viewer:has-text('Binary file — not shown.')");
    await page.click(".files-tree li[data-path='big.log'] > button");
    await page.waitForSelector(".files-tool .file-meta:has-text('truncated')");
    await page.click(".files-tree li[data-path='notes.txt'] > button");
    await page.waitForSelector(".files-tool .file-content:has-text('remember the milk')");
    await writeFile(path.join(repo, "notes.txt"), "remember the bread\n");
    await page.click(".files-tool .toolbar >> text=Refresh");
    await page.waitForSelector(".files-tool .file-content:has-text('remember the bread')");
    await ada.screenshot("files-tool");
  }, 60_000);

  it("edit a text file and save it through the host; a refused save keeps the text and says why", async () => {
    const page = ada.page;
    await symlink(path.join(repo, "notes.txt"), path.join(repo, "notes-link.txt"));
    await page.click(".tabs [data-tool=files]");
    await page.click(".files-tool .toolbar >> text=Refresh");
    await page.click(".files-tree li[data-path='notes.txt'] > button");
    await page.waitForSelector(".files-tool .file-content:has-text('remember the')");
    await page.click(".files-tool .file-actions >> text=Edit");
    await page.fill(".files-tool .file-editor", "remember the eggs\n");
    await page.click(".files-tool .file-actions >> text=Save");
    await page.waitForSelector(".files-tool .file-content:has-text('remember the eggs')");
    expect(await readFile(path.join(repo, "notes.txt"), "utf8")).toBe("remember the eggs\n");

    await page.click(".files-tree li[data-path='notes-link.txt'] > button");
    await page.waitForSelector(".files-tool .file-content:has-text('remember the eggs')");
    await page.click(".files-tool .file-actions >> text=Edit");
    await page.fill(".files-tool .file-editor", "through the link\n");
    await page.click(".files-tool .file-actions >> text=Save");
    await page.waitForSelector(".files-tool .tool-error:has-text('Not saved')");
    expect(await page.inputValue(".files-tool .file-editor")).toBe("through the link\n");
    expect(await readFile(path.join(repo, "notes.txt"), "utf8")).toBe("remember the eggs\n");
    await page.click(".files-tool .file-actions >> text=Cancel");
  }, 60_000);

  it("follow the workspace of the shell the user types into", async () => {
    const notes = path.join(root, "notes");
    execFileSync("git", ["init", "--quiet", "--initial-branch=main", notes]);
    const page = ada.page;
    const token = await page.evaluate(() => (JSON.parse(localStorage.getItem("taiku:auth") ?? "{}") as { token: string }).token);
    const created = await fetch(`${server.url}/api/sessions/${ada.sessionId}/host-tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({}),
    });
    const second = createShareHost({
      server: server.url,
      token: ((await created.json()) as { token: string }).token,
      sessionId: ada.sessionId as SessionId,
      cwd: notes,
      fs: true,
      initialShells: 1,
      shell: "/bin/sh",
      hostName: "ada@desk",
      workspacePollMs: 0,
    });
    try {
      await second.ready;
      const [shellId] = [...second.shells.keys()];
      // Picked by hand first, so that only the shell can move the selection.
      await page.click(".workspace-item:has-text('shop')");
      await page.waitForSelector(".workspace-item.selected:has-text('shop')");
      await page.click(".tabs [data-tool=shells]");
      await page.click(`.shell-pane[data-shell="${shellId}"] .terminal-host`);
      await page.waitForSelector(".workspace-item.selected:has-text('notes')");
      await page.click(".tabs [data-tool=files]");
      await page.waitForSelector(".files-tool .toolbar:has-text('notes')");
      await page.click(".workspace-item:has-text('shop')");
      await page.waitForSelector(".files-tool .toolbar:has-text('shop')");
    } finally {
      await second.close();
    }
  }, 60_000);

  it("show the branch, staged, changed and untracked files, and each file's diff", async () => {
    const page = ada.page;
    await page.click(".tabs [data-tool=git]");
    await page.waitForSelector(".git-tool .git-branch:has-text('main')");
    expect(await page.textContent(".git-files[data-group=staged]")).toContain("src/app.js");
    expect(await page.textContent(".git-files[data-group=unstaged]")).toContain("README.md");
    expect(await page.textContent(".git-files[data-group=untracked]")).toContain("notes.txt");
    await page.click(".git-files[data-group=unstaged] >> text=README.md");
    await page.waitForSelector(".git-tool .diff .diff-add:has-text('+now with docs')");
    await page.click(".git-files[data-group=staged] >> text=src/app.js");
    await page.waitForSelector(".git-tool .diff .diff-del:has-text('-console.log(1);')");
    expect(await page.textContent(".git-tool .file-meta")).toContain("staged");
    git("add", "README.md");
    await page.click(".git-tool .toolbar >> text=Refresh");
    await page.waitForFunction(() => document.querySelector(".git-files[data-group=staged]")?.textContent?.includes("README.md") === true);
    expect(await page.locator(".git-files[data-group=unstaged]").count()).toBe(0);
    await ada.screenshot("git-tool");
  }, 60_000);
});
