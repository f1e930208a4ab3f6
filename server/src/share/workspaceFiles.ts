/**
 * The host CLI's answers to file requests (`taiku share --fs`): list, read
 * and write files under one root folder (the CLI's working directory) and
 * nothing outside it. Refused: absolute paths, `..` segments, backslashes,
 * NUL, and any path whose real location (after following symlinks) is not
 * inside the root. Writes never follow a symlink at the final component and
 * never create folders. Reads and writes are limited to
 * {@link MAX_FS_FILE_BYTES}. Every failure is returned as `{ error }`.
 *
 * For the workspace tools and endpoints it also answers, read-only: `tree`
 * (one page of a folder, folders first, so a huge folder stays cheap and no
 * request walks the tree), `file` (a file for viewing: at most
 * {@link MAX_VIEW_BYTES}, said `truncated` beyond; `binary` when it holds a
 * NUL byte early, as git judges it), `git-status` and `git-diff`
 * (`workspaceGit.ts`).
 */
import { constants } from "node:fs";
import { lstat, open, readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { ErrorCode, MAX_FS_FILE_BYTES, MAX_TREE_PAGE, MAX_VIEW_BYTES, type FileEntry, type JsonValue, type SessionEventMap } from "@taiku/engine";
import { gitDiff, gitStatus } from "./workspaceGit";

type FsRequest = SessionEventMap["fs:request"];
type FsError = { readonly code: ErrorCode; readonly message: string };

/** The outcome of one request: a JSON result or an error. */
export type FsOutcome = { readonly result: JsonValue } | { readonly error: FsError };

/** Entries one listing returns at most. */
export const MAX_LIST_ENTRIES = 5000;

function refuse(code: ErrorCode, message: string): { error: FsError } {
  return { error: { code, message } };
}

/** Splits a request path into safe segments, or explains why it is refused. */
export function checkRelativePath(requested: string): { segments: string[] } | { error: FsError } {
  if (requested.includes("\u0000")) return refuse(ErrorCode.InvalidParams, "paths may not contain NUL");
  if (requested.includes("\\")) return refuse(ErrorCode.InvalidParams, "paths use / as the separator");
  if (requested.startsWith("/") || path.isAbsolute(requested)) return refuse(ErrorCode.PermissionDenied, "absolute paths are outside the shared folder");
  const segments = requested.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..")) return refuse(ErrorCode.PermissionDenied, "`..` leads outside the shared folder");
  return { segments };
}

function inside(root: string, target: string): boolean {
  return target === root || target.startsWith(root + path.sep);
}

function errnoOf(cause: unknown): string | undefined {
  return typeof cause === "object" && cause !== null && "code" in cause ? String((cause as { code: unknown }).code) : undefined;
}

function fromErrno(cause: unknown, what: string): { error: FsError } {
  switch (errnoOf(cause)) {
    case "ENOENT":
    case "ENOTDIR":
      return refuse(ErrorCode.NotFound, `${what} does not exist`);
    case "EACCES":
    case "EPERM":
      return refuse(ErrorCode.PermissionDenied, `${what} is not accessible`);
    case "ELOOP":
      return refuse(ErrorCode.PermissionDenied, `${what} is a symlink`);
    case "EISDIR":
      return refuse(ErrorCode.InvalidParams, `${what} is a folder`);
    default:
      return refuse(ErrorCode.Internal, `${what}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** File access confined to one root folder. */
export class WorkspaceFiles {
  private constructor(private readonly root: string) {}

  /** Confines access to `root` (resolved to its real path). */
  static async open(root: string): Promise<WorkspaceFiles> {
    return new WorkspaceFiles(await realpath(root));
  }

  /** Answers one request; never throws. */
  async answer(request: FsRequest): Promise<FsOutcome> {
    const checked = checkRelativePath(request.path);
    if ("error" in checked) return checked;
    const shown = checked.segments.join("/") || ".";
    try {
      switch (request.op) {
        case "list":
          return await this.list(checked.segments, shown);
        case "read":
          return await this.read(checked.segments, shown);
        case "write":
          return await this.write(checked.segments, shown, request.data ?? "");
        case "tree":
          return await this.tree(checked.segments, shown, request.offset ?? 0);
        case "file":
          return await this.view(checked.segments, shown);
        case "git-status":
          return await gitStatus(this.root);
        case "git-diff":
          return await gitDiff(this.root, checked.segments, request.staged === true);
      }
    } catch (cause) {
      return fromErrno(cause, shown);
    }
  }

  /** The real path of an existing entry, when it lies inside the root. */
  private async resolveExisting(segments: readonly string[], shown: string): Promise<{ real: string } | { error: FsError }> {
    const real = await realpath(path.join(this.root, ...segments));
    if (!inside(this.root, real)) return refuse(ErrorCode.PermissionDenied, `${shown} resolves outside the shared folder`);
    return { real };
  }

  private async list(segments: readonly string[], shown: string): Promise<FsOutcome> {
    const resolved = await this.resolveExisting(segments, shown);
    if ("error" in resolved) return resolved;
    const dirents = await readdir(resolved.real, { withFileTypes: true });
    const entries: FileEntry[] = [];
    for (const dirent of dirents.slice(0, MAX_LIST_ENTRIES)) {
      const dir = dirent.isDirectory();
      const size = dir ? 0 : Number((await lstat(path.join(resolved.real, dirent.name))).size);
      entries.push({ name: dirent.name, kind: dir ? "dir" : "file", size });
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    return { result: entries as unknown as JsonValue };
  }

  private async tree(segments: readonly string[], shown: string, offset: number): Promise<FsOutcome> {
    const resolved = await this.resolveExisting(segments, shown);
    if ("error" in resolved) return resolved;
    const dirents = await readdir(resolved.real, { withFileTypes: true });
    dirents.sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const page = dirents.slice(offset, offset + MAX_TREE_PAGE);
    const entries = await Promise.all(
      page.map(async (dirent) => {
        const kind = dirent.isDirectory() ? "dir" : dirent.isSymbolicLink() ? "symlink" : dirent.isFile() ? "file" : "other";
        const size = kind === "file" ? Number((await lstat(path.join(resolved.real, dirent.name)).catch(() => ({ size: 0 }))).size) : 0;
        return { name: dirent.name, kind, size };
      }),
    );
    const next = offset + page.length;
    return { result: { path: segments.join("/"), entries, total: dirents.length, offset, nextOffset: next < dirents.length ? next : null } };
  }

  private async view(segments: readonly string[], shown: string): Promise<FsOutcome> {
    const resolved = await this.resolveExisting(segments, shown);
    if ("error" in resolved) return resolved;
    const handle = await open(resolved.real, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) return refuse(ErrorCode.InvalidParams, `${shown} is a folder`);
      if (!stats.isFile()) return refuse(ErrorCode.InvalidParams, `${shown} is not a regular file`);
      const buffer = Buffer.alloc(Math.min(stats.size, MAX_VIEW_BYTES) + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, 0);
      const truncated = bytesRead > MAX_VIEW_BYTES || stats.size > MAX_VIEW_BYTES;
      const bytes = buffer.subarray(0, Math.min(bytesRead, MAX_VIEW_BYTES));
      const binary = bytes.subarray(0, 8000).includes(0);
      // A cut may split a character: drop the partial one rather than show a replacement character.
      const content = binary ? "" : truncated ? bytes.toString("utf8").replace(/\uFFFD$/, "") : bytes.toString("utf8");
      return { result: { path: segments.join("/"), size: Number(stats.size), content, truncated, binary } };
    } finally {
      await handle.close();
    }
  }

  private async read(segments: readonly string[], shown: string): Promise<FsOutcome> {
    const resolved = await this.resolveExisting(segments, shown);
    if ("error" in resolved) return resolved;
    const handle = await open(resolved.real, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) return refuse(ErrorCode.InvalidParams, `${shown} is a folder`);
      if (!stats.isFile()) return refuse(ErrorCode.InvalidParams, `${shown} is not a regular file`);
      if (stats.size > MAX_FS_FILE_BYTES) return refuse(ErrorCode.QuotaExceeded, `${shown} is larger than ${MAX_FS_FILE_BYTES} bytes`);
      const bytes = await handle.readFile();
      if (bytes.byteLength > MAX_FS_FILE_BYTES) return refuse(ErrorCode.QuotaExceeded, `${shown} is larger than ${MAX_FS_FILE_BYTES} bytes`);
      return { result: bytes.toString("utf8") };
    } finally {
      await handle.close();
    }
  }

  private async write(segments: readonly string[], shown: string, content: string): Promise<FsOutcome> {
    const name = segments.at(-1);
    if (name === undefined) return refuse(ErrorCode.InvalidParams, "write needs a file path");
    const bytes = Buffer.from(content, "utf8");
    if (bytes.byteLength > MAX_FS_FILE_BYTES) return refuse(ErrorCode.QuotaExceeded, `content larger than ${MAX_FS_FILE_BYTES} bytes`);
    const parent = await this.resolveExisting(segments.slice(0, -1), shown);
    if ("error" in parent) return parent;
    const target = path.join(parent.real, name);
    const existing = await lstat(target).catch((cause: unknown) => (errnoOf(cause) === "ENOENT" ? null : Promise.reject(cause)));
    if (existing?.isSymbolicLink()) return refuse(ErrorCode.PermissionDenied, `${shown} is a symlink; write to its target instead`);
    if (existing?.isDirectory()) return refuse(ErrorCode.InvalidParams, `${shown} is a folder`);
    const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    try {
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
    return { result: null };
  }
}
