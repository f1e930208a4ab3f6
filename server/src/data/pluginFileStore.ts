/**
 * Plugin files: raw bytes a plugin keeps for its user, stored as ordinary
 * files under `<dataDir>/files/<userId>/<pluginId>/<name>`. Names are checked
 * by {@link checkFileName} before they touch the filesystem, so a name can
 * never leave its folder. Per-file, per-plugin-total and file-count limits
 * (the server's configuration, which `getStorageUsage()` reports to plugins)
 * are judged by the engine's `judgeFileWrite`, the same judge `MockHost`
 * and the host bridge use, under a per-folder lock so concurrent writes
 * cannot overshoot.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { judgeFileWrite, type FileRefusal, type PluginFileLimits as BridgeFileLimits, type PluginId, type UserId } from "@taiku/engine";
import { KeyedLock } from "./keyedLock";

/** Longest file name, in UTF-8 bytes. */
export const MAX_FILE_NAME_BYTES = 200;

/** One file in a listing. */
export interface PluginFileInfo {
  readonly name: string;
  readonly size: number;
}

/** Limits for {@link PluginFileStore}. */
export interface PluginFileLimits {
  readonly pluginFileBytes: number;
  readonly pluginTotalBytes: number;
  readonly pluginFileCount: number;
}

/**
 * Why `name` is not an acceptable file name, or `undefined` when it is:
 * non-empty, at most {@link MAX_FILE_NAME_BYTES} bytes, no `/`, `\`, NUL or
 * other control characters, not `.` or `..`.
 */
export function checkFileName(name: string): string | undefined {
  if (name.length === 0) return "file name is empty";
  if (Buffer.byteLength(name, "utf8") > MAX_FILE_NAME_BYTES) return `file name is longer than ${MAX_FILE_NAME_BYTES} bytes`;
  if (name === "." || name === "..") return "file name may not be . or ..";
  if (/[/\\]/.test(name)) return "file name may not contain / or \\";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return "file name may not contain NUL or control characters";
  return undefined;
}

/** Why a write was refused: the engine's refusal, naming the limit. */
export type PutFileRefusal = { readonly error: FileRefusal };

/** Files per user and plugin. */
export class PluginFileStore {
  private readonly root: string;
  private readonly lock = new KeyedLock();

  constructor(
    dataDir: string,
    private readonly limits: PluginFileLimits,
  ) {
    this.root = path.join(dataDir, "files");
  }

  /** The limits, as plugins see them (`getStorageUsage().limits`). */
  get bridgeLimits(): BridgeFileLimits {
    return { maxFileBytes: this.limits.pluginFileBytes, maxTotalBytes: this.limits.pluginTotalBytes, maxFiles: this.limits.pluginFileCount };
  }

  private folder(userId: UserId, pluginId: PluginId): string {
    return path.join(this.root, userId, pluginId);
  }

  private file(userId: UserId, pluginId: PluginId, name: string): string {
    if (checkFileName(name) !== undefined) throw new Error(`unchecked file name reached the store: ${JSON.stringify(name)}`);
    return path.join(this.folder(userId, pluginId), name);
  }

  /** Every file of one user's plugin, by name. */
  async list(userId: UserId, pluginId: PluginId): Promise<PluginFileInfo[]> {
    const folder = this.folder(userId, pluginId);
    const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [] as string[];
      throw error;
    });
    const files: PluginFileInfo[] = [];
    for (const name of names.sort()) {
      const info = await stat(path.join(folder, name));
      if (info.isFile()) files.push({ name, size: info.size });
    }
    return files;
  }

  /** A file's bytes, or `undefined` when it does not exist. */
  async read(userId: UserId, pluginId: PluginId, name: string): Promise<Buffer | undefined> {
    return readFile(this.file(userId, pluginId, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
  }

  /** Writes a file (replacing any old one) unless a limit refuses it. */
  async write(userId: UserId, pluginId: PluginId, name: string, bytes: Uint8Array): Promise<PluginFileInfo | PutFileRefusal> {
    const target = this.file(userId, pluginId, name);
    const tooLarge = judgeFileWrite([], name, bytes.length, this.bridgeLimits);
    if (tooLarge !== undefined) return { error: tooLarge };
    return this.lock.run(`${userId}/${pluginId}`, async () => {
      const refusal = judgeFileWrite(await this.list(userId, pluginId), name, bytes.length, this.bridgeLimits);
      if (refusal !== undefined) return { error: refusal };
      const temp = path.join(this.root, ".tmp", `${randomBytes(8).toString("hex")}`);
      await mkdir(path.dirname(temp), { recursive: true });
      await mkdir(path.dirname(target), { recursive: true });
      try {
        await writeFile(temp, bytes);
        await rename(temp, target);
      } finally {
        await rm(temp, { force: true });
      }
      return { name, size: bytes.length };
    });
  }

  /** Deletes a file; true when it existed. */
  async delete(userId: UserId, pluginId: PluginId, name: string): Promise<boolean> {
    const target = this.file(userId, pluginId, name);
    return this.lock.run(`${userId}/${pluginId}`, () =>
      unlink(target).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === "ENOENT") return false;
          throw error;
        },
      ),
    );
  }
}
