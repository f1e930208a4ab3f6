/**
 * The workspace endpoints (`/api/projects/...`) as the Files and Git tools
 * call them: one shared workspace's folder pages, files for viewing, git
 * status and one file's diff, each answered by the host CLI that shares the
 * workspace. Failures come back as `{ error }` with the server's message
 * (no host sharing it now, a host without `--fs`, a refused path).
 */
import type { Workspace } from "@taiku/engine";
import { apiRequest, type ApiResult } from "../api/apiRequest";

/** One entry of a folder page. */
export interface TreeEntry {
  readonly name: string;
  readonly kind: "dir" | "file" | "symlink" | "other";
  readonly size: number;
}

/** One page of a folder. */
export interface TreePage {
  readonly path: string;
  readonly entries: readonly TreeEntry[];
  readonly total: number;
  readonly offset: number;
  /** Where the next page starts; `null` on the last page. */
  readonly nextOffset: number | null;
}

/** A file for viewing. */
export interface FileView {
  readonly path: string;
  readonly size: number;
  readonly content: string;
  readonly truncated: boolean;
  readonly binary: boolean;
}

/** A changed file in the git status. */
export interface ChangedFile {
  readonly path: string;
  readonly status: string;
  readonly from?: string;
}

/** The git status of a workspace's folder. */
export interface GitStatus {
  readonly branch: string | null;
  readonly upstream: string | null;
  readonly ahead: number;
  readonly behind: number;
  readonly staged: readonly ChangedFile[];
  readonly unstaged: readonly ChangedFile[];
  readonly untracked: readonly string[];
  readonly conflicted: readonly string[];
}

/** One file's diff. */
export interface GitDiff {
  readonly path: string;
  readonly staged: boolean;
  readonly diff: string;
  readonly truncated: boolean;
  readonly binary: boolean;
}

type Target = Pick<Workspace, "id" | "projectId">;

function base(workspace: Target): string {
  return `/api/projects/${encodeURIComponent(workspace.projectId)}/workspaces/${encodeURIComponent(workspace.id)}`;
}

/** One page of folder `path` ("" for the top), from `offset`. */
export function readTree(workspace: Target, path: string, offset = 0): Promise<ApiResult<TreePage>> {
  return apiRequest(`${base(workspace)}/tree?path=${encodeURIComponent(path)}&offset=${offset}`);
}

/** File `path` for viewing. */
export function readFile(workspace: Target, path: string): Promise<ApiResult<FileView>> {
  return apiRequest(`${base(workspace)}/file?path=${encodeURIComponent(path)}`);
}

/** The git status. */
export function readGitStatus(workspace: Target): Promise<ApiResult<GitStatus>> {
  return apiRequest(`${base(workspace)}/git/status`);
}

/** The diff of file `path`, staged or not. */
export function readGitDiff(workspace: Target, path: string, staged: boolean): Promise<ApiResult<GitDiff>> {
  return apiRequest(`${base(workspace)}/git/diff?path=${encodeURIComponent(path)}&staged=${staged}`);
}

/** `path` joined under folder `dir`. */
export function childPath(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

/** A byte count as people read it. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
