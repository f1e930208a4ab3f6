/**
 * What `taiku share` reports of the folder it shares: its path and name,
 * and, where it is inside a git repository, the branch, whether it is the
 * main checkout or a linked worktree, and the folder that names the
 * repository (the same for all its worktrees). Read with the `git` command
 * line; a folder outside git, or a machine without git, is still a
 * workspace (its own project, the main checkout of nothing).
 */
import { execFile } from "node:child_process";
import { realpath } from "node:fs/promises";
import path from "node:path";
import type { WorkspaceReport } from "@taiku/engine";
import { SAFE_GIT_CONFIG, safeGitEnv } from "./workspaceGit";

/** Longest a git query may take before the folder is reported as it is without git. */
const GIT_TIMEOUT_MS = 5_000;

function git(dir: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("git", [...SAFE_GIT_CONFIG, "-C", dir, ...args], { timeout: GIT_TIMEOUT_MS, windowsHide: true, env: safeGitEnv() }, (error, stdout) => {
      // Not a repository, no git installed, or no branch (detached HEAD): each is an answer, not a failure.
      resolve(error === null ? stdout.trim() : undefined);
    });
  });
}

/** Reads the workspace report of `dir`. Rejects only when `dir` itself cannot be resolved. */
export async function readWorkspace(dir: string): Promise<WorkspaceReport> {
  const folder = await realpath(dir);
  const label = path.basename(folder) || folder;
  const dirs = await git(folder, ["rev-parse", "--absolute-git-dir", "--git-common-dir"]);
  const [gitDir, commonDir] = dirs?.split("\n") ?? [];
  if (gitDir === undefined || commonDir === undefined) {
    return { path: folder, projectPath: folder, label, isMain: true, isGitRepo: false, isGitWorktree: false };
  }
  const common = await realpath(path.resolve(folder, commonDir));
  const isGitWorktree = (await realpath(gitDir)) !== common;
  // A non-bare repository's common dir is `<main checkout>/.git`: the main checkout names the project.
  const projectPath = path.basename(common) === ".git" ? path.dirname(common) : common;
  const branch = await git(folder, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  return {
    path: folder,
    projectPath,
    label,
    ...(branch === undefined || branch === "" ? {} : { branch }),
    isMain: !isGitWorktree,
    isGitRepo: true,
    isGitWorktree,
  };
}

/** Whether two reports say the same. */
export function sameWorkspace(a: WorkspaceReport | undefined, b: WorkspaceReport | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
