/**
 * What `taiku share` reports of its folder, read from real git repositories
 * in temp folders: a main checkout, a linked worktree of it, a sub-folder,
 * a detached HEAD, and a folder outside git.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, mkdir, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWorkspace } from "./readWorkspace";

let root: string;
let repo: string;

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: root } }).trim();
}

beforeAll(async () => {
  root = await realpath(await mkdtemp(path.join(os.tmpdir(), "taiku-workspace-")));
  repo = path.join(root, "shop");
  await mkdir(path.join(repo, "web"), { recursive: true });
  git(repo, "init", "--quiet", "--initial-branch=main");
  git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "--quiet", "--allow-empty", "-m", "first");
  git(repo, "worktree", "add", "--quiet", "-b", "feature", path.join(root, "shop-feature"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("readWorkspace", () => {
  it("reports a main checkout with its branch, as its own project", async () => {
    expect(await readWorkspace(repo)).toEqual({ path: repo, projectPath: repo, label: "shop", branch: "main", isMain: true, isGitRepo: true, isGitWorktree: false });
  });

  it("reports a linked worktree with its branch, in the project of its main checkout", async () => {
    const worktree = path.join(root, "shop-feature");
    expect(await readWorkspace(worktree)).toEqual({
      path: worktree,
      projectPath: repo,
      label: "shop-feature",
      branch: "feature",
      isMain: false,
      isGitRepo: true,
      isGitWorktree: true,
    });
  });

  it("reports a sub-folder by its own path and name, in its repository's project", async () => {
    expect(await readWorkspace(path.join(repo, "web"))).toMatchObject({ path: path.join(repo, "web"), projectPath: repo, label: "web", branch: "main", isGitRepo: true });
  });

  it("reports no branch on a detached HEAD, and a branch switch when read again", async () => {
    const worktree = path.join(root, "shop-feature");
    git(worktree, "checkout", "--quiet", "--detach");
    expect((await readWorkspace(worktree)).branch).toBeUndefined();
    git(worktree, "checkout", "--quiet", "-b", "feature-2");
    expect((await readWorkspace(worktree)).branch).toBe("feature-2");
  });

  it("reports a folder outside git as the main checkout of its own project, and rejects a folder that does not exist", async () => {
    const plain = path.join(root, "notes");
    await mkdir(plain);
    expect(await readWorkspace(plain)).toEqual({ path: plain, projectPath: plain, label: "notes", isMain: true, isGitRepo: false, isGitWorktree: false });
    await expect(readWorkspace(path.join(root, "missing"))).rejects.toThrow(/ENOENT/);
  });
});
