/**
 * The limits the bridge's storage methods enforce, in one place so that the
 * server, the host bridge and `MockHost` give the same answers:
 *
 * - plugin files: one judge, {@link judgeFileWrite}, over
 *   {@link PluginFileLimits} (the server's configuration; these defaults are
 *   its defaults), with one wording of each refusal;
 * - plugin state kept with `setSetting` under keys the manifest does not
 *   declare: {@link MAX_PLUGIN_STATE_BYTES} per plugin per client;
 * - lists: `getShellOutput`, `getChat` and `getAgentActivity` answer the last
 *   {@link DEFAULT_LIST_LENGTH} lines or entries unless asked for another count;
 * - `getOtherPluginData` waits at most {@link OTHER_KV_SYNC_WAIT_MS} for the
 *   other plugin's session KV to sync before it answers `unavailable`.
 */
import { ErrorCode, TaikuError } from "../errors";
import type { PluginFileInfo, PluginFileLimits } from "./bridgeTypes";
import type { JsonObject } from "./bridgeValue";

/** Lines of `getShellOutput`, entries of `getChat` and `getAgentActivity`, when the caller names no count. */
export const DEFAULT_LIST_LENGTH = 100;

/**
 * How long `getOtherPluginData` waits for the other plugin's session KV to
 * sync with the relay on its first read (it is opened then) before it
 * answers `unavailable` instead of a `null` that only means "not loaded yet".
 */
export const OTHER_KV_SYNC_WAIT_MS = 5_000;

const MIB = 1024 * 1024;

/** The server's default plugin file limits (10 MiB per file, 50 MiB per plugin, 1000 files). */
export const DEFAULT_PLUGIN_FILE_LIMITS: PluginFileLimits = { maxFileBytes: 10 * MIB, maxTotalBytes: 50 * MIB, maxFiles: 1000 };

/** Why a file write is refused: the limit broken, its value, and what the write would have made. */
export type FileRefusal =
  | { readonly limit: "maxFileBytes"; readonly value: number; readonly attempted: number }
  | { readonly limit: "maxTotalBytes"; readonly value: number; readonly attempted: number }
  | { readonly limit: "maxFiles"; readonly value: number; readonly attempted: number };

/**
 * Judges writing `size` bytes as `name` next to the `existing` files (a file
 * of the same name is replaced): the refusal, or `undefined` when it fits.
 */
export function judgeFileWrite(
  existing: readonly PluginFileInfo[],
  name: string,
  size: number,
  limits: PluginFileLimits,
): FileRefusal | undefined {
  if (size > limits.maxFileBytes) return { limit: "maxFileBytes", value: limits.maxFileBytes, attempted: size };
  const others = existing.filter((file) => file.name !== name);
  if (others.length + 1 > limits.maxFiles) return { limit: "maxFiles", value: limits.maxFiles, attempted: others.length + 1 };
  const total = others.reduce((sum, file) => sum + file.size, 0) + size;
  if (total > limits.maxTotalBytes) return { limit: "maxTotalBytes", value: limits.maxTotalBytes, attempted: total };
  return undefined;
}

/** The one wording of a file refusal; it names the limit and its value. */
export function fileRefusalMessage(refusal: FileRefusal): string {
  switch (refusal.limit) {
    case "maxFileBytes":
      return `file is ${refusal.attempted} bytes, over the per-file limit (maxFileBytes) of ${refusal.value} bytes; nothing was written`;
    case "maxTotalBytes":
      return `this plugin's files would total ${refusal.attempted} bytes, over the per-plugin limit (maxTotalBytes) of ${refusal.value} bytes; nothing was written`;
    case "maxFiles":
      return `this plugin would keep ${refusal.attempted} files, over the limit (maxFiles) of ${refusal.value}; nothing was written`;
  }
}

/** The details a `quota_exceeded` answer for a file refusal carries: `{ limit, value, attempted }`. */
export function fileRefusalDetails(refusal: FileRefusal): JsonObject {
  return { limit: refusal.limit, value: refusal.value, attempted: refusal.attempted };
}

/** A `quota_exceeded` error for a file refusal. */
export function fileRefusalError(refusal: FileRefusal): TaikuError {
  return new BridgeDetailedError(ErrorCode.QuotaExceeded, fileRefusalMessage(refusal), fileRefusalDetails(refusal));
}

/**
 * Plugin state a plugin keeps with `setSetting` under keys its manifest does
 * not declare, per plugin per client: the UTF-8 bytes of each such key plus
 * its value's JSON, summed, at most 32 KiB. The settings UI never shows it.
 */
export const MAX_PLUGIN_STATE_BYTES = 32 * 1024;

/** A {@link TaikuError} whose bridge answer carries machine-readable `details`. */
export class BridgeDetailedError extends TaikuError {
  /** Extras for the answer's `details`. */
  readonly details: JsonObject;

  constructor(code: ErrorCode, message: string, details: JsonObject) {
    super(code, message);
    this.name = "BridgeDetailedError";
    this.details = details;
  }
}
