/**
 * Reads one plugin package folder: finds its real root, reads and validates
 * its `package.json` with the engine's manifest rules, and checks that every
 * entry file exists inside the package. Parsing is skipped when the
 * `package.json` is unchanged since the last read (same real root, inode,
 * size and modification time), so re-reading a folder costs a few `stat`s.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { formatManifestProblem, validatePluginPackage, type PluginManifest } from "@taiku/engine";
import { isMissing, resolveInsideRoot } from "./resolveAssetPath";

/** Largest `package.json` read, in bytes. */
export const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

/** A plugin of a package whose entry file was found. */
export interface ReadPlugin {
  readonly manifest: PluginManifest;
  readonly entryMtimeMs: number;
}

/** The outcome of reading one package folder. */
export interface ReadPackage {
  /** The package's `name`, or the folder name when unreadable. */
  readonly packageName: string;
  /** The package's `description` (what its plugins are for), when it has one. */
  readonly description?: string;
  /** The package's `version`, when it has one. */
  readonly version?: string;
  /** Real path of the package folder; `undefined` when it could not be resolved. */
  readonly root: string | undefined;
  readonly plugins: readonly ReadPlugin[];
  /** One line per problem, for {@link PluginLoadError.message}. */
  readonly problems: readonly string[];
}

/** Parsed package metadata, remembered per folder by {@link readPluginPackage}. */
export interface PackageCacheEntry {
  readonly signature: string;
  readonly packageName: string;
  readonly description?: string;
  readonly version?: string;
  readonly manifests: readonly PluginManifest[];
  readonly problems: readonly string[];
}

/** Remembers parsed `package.json` files by folder. */
export type PackageCache = Map<string, PackageCacheEntry>;

/**
 * Reads the package at `folder`. Never throws for a broken package: every
 * failure (dangling symlink, unreadable folder, bad JSON, invalid manifest,
 * missing entry) comes back as a problem.
 */
export async function readPluginPackage(folder: string, cache: PackageCache): Promise<ReadPackage> {
  const folderName = path.basename(folder);
  let root: string;
  let parsed: PackageCacheEntry;
  try {
    root = await realpath(folder);
    if (!(await stat(root)).isDirectory()) return failed(folderName, "is not a folder");
    parsed = await readMetadata(root, folderName, cache.get(folder));
    cache.set(folder, parsed);
  } catch (cause) {
    const code = cause instanceof Error && "code" in cause ? cause.code : undefined;
    const reason =
      code === "ELOOP" ? "is a symlink loop" : isMissing(cause) ? "points to a folder that does not exist" : `cannot be read: ${errorText(cause)}`;
    return failed(folderName, reason);
  }
  const plugins: ReadPlugin[] = [];
  const problems = [...parsed.problems];
  for (const manifest of parsed.manifests) {
    try {
      const entry = await resolveInsideRoot(root, manifest.entry.split("/"));
      if (entry === undefined) problems.push(`plugin "${manifest.id}": entry file "${manifest.entry}" not found inside the package`);
      else plugins.push({ manifest, entryMtimeMs: Math.floor(entry.stats.mtimeMs) });
    } catch (cause) {
      problems.push(`plugin "${manifest.id}": entry file "${manifest.entry}" cannot be read: ${errorText(cause)}`);
    }
  }
  return {
    packageName: parsed.packageName,
    ...(parsed.description === undefined ? {} : { description: parsed.description }),
    ...(parsed.version === undefined ? {} : { version: parsed.version }),
    root,
    plugins,
    problems,
  };
}

async function readMetadata(root: string, folderName: string, cached: PackageCacheEntry | undefined): Promise<PackageCacheEntry> {
  const file = path.join(root, "package.json");
  let info;
  try {
    info = await stat(file);
  } catch (cause) {
    if (!isMissing(cause)) throw cause;
    return { signature: "", packageName: folderName, manifests: [], problems: ["has no package.json"] };
  }
  const signature = `${root}\n${info.ino}\n${info.size}\n${info.mtimeMs}`;
  if (cached !== undefined && cached.signature === signature) return cached;
  const entry = (packageName: string, manifests: readonly PluginManifest[], problems: readonly string[]) => ({
    signature,
    packageName,
    manifests,
    problems,
  });
  if (!info.isFile()) return entry(folderName, [], ["package.json is not a file"]);
  if (info.size > MAX_PACKAGE_JSON_BYTES) return entry(folderName, [], [`package.json is larger than ${MAX_PACKAGE_JSON_BYTES} bytes`]);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    if (!(cause instanceof SyntaxError)) throw cause;
    return entry(folderName, [], [`package.json is not valid JSON: ${cause.message}`]);
  }
  const { plugins, problems } = validatePluginPackage(json);
  const description = readDescription(json);
  const version = readVersion(json);
  return {
    ...entry(readName(json) ?? folderName, plugins, problems.map(formatManifestProblem)),
    ...(description === undefined ? {} : { description }),
    ...(version === undefined ? {} : { version }),
  };
}

/** Longest package description passed on to the plugin manager, in UTF-16 code units. */
export const MAX_DESCRIPTION_LENGTH = 500;

function readDescription(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null || !Object.prototype.hasOwnProperty.call(json, "description")) return undefined;
  const description: unknown = (json as { description: unknown }).description;
  if (typeof description !== "string" || description.trim() === "") return undefined;
  return description.trim().slice(0, MAX_DESCRIPTION_LENGTH);
}

/** The package's `version` when it is a short string (npm allows 256 characters); anything else is ignored. */
function readVersion(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null || !Object.prototype.hasOwnProperty.call(json, "version")) return undefined;
  const version: unknown = (json as { version: unknown }).version;
  return typeof version === "string" && version.trim() !== "" && version.length <= 256 ? version.trim() : undefined;
}

function readName(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null || !Object.prototype.hasOwnProperty.call(json, "name")) return undefined;
  const name: unknown = (json as { name: unknown }).name;
  return typeof name === "string" && name.length > 0 && name.length <= 214 ? name : undefined;
}

function failed(packageName: string, problem: string): ReadPackage {
  return { packageName, root: undefined, plugins: [], problems: [`package folder "${packageName}" ${problem}`] };
}

/** The message of a thrown value. */
export function errorText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
