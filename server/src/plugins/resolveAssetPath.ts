/**
 * The path rules for plugin assets. A request path is split and checked
 * segment by segment while still percent-encoded, then decoded once; any
 * segment that is empty, dot-named, or that decodes to a separator, a
 * backslash, a control character or another `%` is refused. The surviving
 * path is then resolved on disk and served only when its real path (after
 * every symlink) lies inside the package's real root.
 */
import { realpath, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import path from "node:path";

/** Longest asset path accepted, in characters (encoded). */
export const MAX_ASSET_PATH_LENGTH = 1024;

const FORBIDDEN_DECODED = /[\u0000-\u001f\u007f\\/%:]/;

/**
 * Splits the encoded path after `/plugins/<id>/` into decoded segments, or
 * explains why it is refused. Never throws.
 */
export function parseAssetPath(encoded: string): { readonly segments: readonly string[] } | { readonly error: string } {
  if (encoded.length === 0) return { error: "no file named" };
  if (encoded.length > MAX_ASSET_PATH_LENGTH) return { error: "path too long" };
  if (encoded.includes("\\")) return { error: "backslashes are not allowed in asset paths" };
  const segments: string[] = [];
  for (const raw of encoded.split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch (cause) {
      return { error: `malformed percent-encoding (${cause instanceof Error ? cause.message : String(cause)})` };
    }
    if (segment === "") return { error: "empty path segments (and absolute paths) are not allowed" };
    if (segment.startsWith(".")) return { error: "dot-segments and dot-files are not served" };
    if (FORBIDDEN_DECODED.test(segment)) return { error: "encoded separators, controls, '%' and ':' are not allowed" };
    segments.push(segment);
  }
  return { segments };
}

/** A file proven to lie inside a package root. */
export interface ResolvedAsset {
  /** Real path of the file. */
  readonly file: string;
  readonly stats: Stats;
}

/** Where a path under a package root leads: a file inside it, nothing, something that is not a file, or out of the root. */
export type LocatedAsset =
  | ({ readonly found: "file" } & ResolvedAsset)
  | { readonly found: "missing" }
  | { readonly found: "not-a-file" }
  | { readonly found: "outside" };

/**
 * Looks `segments` up under `root` (itself a real path) and says what is
 * there, following every symlink: a real path outside `root` is `outside`
 * and nothing about it is returned. Filesystem failures other than a
 * missing file are thrown.
 */
export async function locateInsideRoot(root: string, segments: readonly string[]): Promise<LocatedAsset> {
  const candidate = path.join(root, ...segments);
  if (!candidate.startsWith(root + path.sep)) return { found: "outside" };
  let file: string;
  try {
    file = await realpath(candidate);
  } catch (cause) {
    if (isMissing(cause)) return { found: "missing" };
    throw cause;
  }
  if (!file.startsWith(root + path.sep)) return { found: "outside" };
  const stats = await stat(file);
  return stats.isFile() ? { found: "file", file, stats } : { found: "not-a-file" };
}

/**
 * Resolves `segments` under `root` (itself a real path). `undefined` when the
 * file does not exist, is not a regular file, or resolves (through symlinks)
 * to anywhere outside `root`. Filesystem failures other than a missing file
 * are thrown.
 */
export async function resolveInsideRoot(root: string, segments: readonly string[]): Promise<ResolvedAsset | undefined> {
  const located = await locateInsideRoot(root, segments);
  return located.found === "file" ? { file: located.file, stats: located.stats } : undefined;
}

/** True for the errors that mean "nothing there" (missing file, or a path through a file). */
export function isMissing(cause: unknown): boolean {
  const code = cause instanceof Error && "code" in cause ? cause.code : undefined;
  return code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP";
}
