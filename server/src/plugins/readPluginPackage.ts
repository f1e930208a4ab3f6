/**
 * Reads one plugin package folder: finds its real root, reads its
 * `package.json`, validates the taiku metadata (`taiku.plugins`, with the
 * engine's manifest rules) and the Pi Web metadata (`piWeb.plugins`, see
 * {@link readPiWebMetadata}), and checks that every entry page and every
 * module file exists inside the package. A package may carry both kinds;
 * a problem with one kind never hides the other, nor a good plugin of the
 * same kind. Parsing is skipped when the `package.json` is unchanged since
 * the last read (same real root, inode, size and modification time), so
 * re-reading a folder costs a few `stat`s.
 */
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { formatManifestProblem, validatePluginPackage, type PluginManifest } from "@taiku/engine";
import type { PackageProblem, PiWebModuleSpec } from "./pluginTypes";
import { readPiWebMetadata } from "./readPiWebMetadata";
import { isMissing, locateInsideRoot, resolveInsideRoot } from "./resolveAssetPath";

/** Largest `package.json` read, in bytes. */
export const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

/** Longest package folder name accepted for Pi Web modules. */
export const MAX_FOLDER_NAME_LENGTH = 214;

const FOLDER_NAME = /^[a-z][a-z0-9.-]*$/;

/** True when `name` is a valid package folder name for Pi Web modules: `^[a-z][a-z0-9.-]*$`. */
export function isPackageFolderName(name: string): boolean {
  return name.length <= MAX_FOLDER_NAME_LENGTH && FOLDER_NAME.test(name);
}

/** A taiku plugin of a package whose entry file was found. */
export interface ReadPlugin {
  readonly manifest: PluginManifest;
  readonly entryMtimeMs: number;
}

/** A Pi Web module of a package whose module file was found inside it. */
export interface ReadModule {
  readonly spec: PiWebModuleSpec;
  readonly moduleMtimeMs: number;
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
  readonly modules: readonly ReadModule[];
  /** Every problem, each with the rule it breaks, for {@link PluginLoadError}. */
  readonly problems: readonly PackageProblem[];
}

/** Parsed package metadata, remembered per folder by {@link readPluginPackage}. */
export interface PackageCacheEntry {
  readonly signature: string;
  readonly packageName: string;
  readonly description?: string;
  readonly version?: string;
  readonly manifests: readonly PluginManifest[];
  readonly modules: readonly PiWebModuleSpec[];
  readonly problems: readonly PackageProblem[];
}

/** Remembers parsed `package.json` files by folder. */
export type PackageCache = Map<string, PackageCacheEntry>;

/**
 * Reads the package at `folder`. Never throws for a broken package: every
 * failure (dangling symlink, unreadable folder, bad JSON, invalid metadata,
 * missing or escaping entry or module, bad folder name) comes back as a
 * problem.
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
  const problems = [...parsed.problems];
  const plugins: ReadPlugin[] = [];
  for (const manifest of parsed.manifests) {
    const plugin = manifest.id;
    try {
      const entry = await resolveInsideRoot(root, manifest.entry.split("/"));
      if (entry === undefined) problems.push({ rule: "missing-entry", plugin, message: `plugin "${plugin}": entry file "${manifest.entry}" not found inside the package` });
      else plugins.push({ manifest, entryMtimeMs: Math.floor(entry.stats.mtimeMs) });
    } catch (cause) {
      problems.push({ rule: "missing-entry", plugin, message: `plugin "${plugin}": entry file "${manifest.entry}" cannot be read: ${errorText(cause)}` });
    }
  }
  const modules: ReadModule[] = [];
  if (parsed.modules.length > 0 && !isPackageFolderName(folderName)) {
    problems.push({
      rule: "invalid-folder-name",
      message: `package folder "${folderName}" must match ^[a-z][a-z0-9.-]*$ to provide Pi Web modules (rename it, or the link to it); its modules ${parsed.modules.map((m) => `"${m.id}"`).join(", ")} are not loaded`,
    });
  } else {
    for (const spec of parsed.modules) {
      const read = await readModule(root, spec);
      if ("rule" in read) problems.push(read);
      else modules.push(read);
    }
  }
  return {
    packageName: parsed.packageName,
    ...(parsed.description === undefined ? {} : { description: parsed.description }),
    ...(parsed.version === undefined ? {} : { version: parsed.version }),
    root,
    plugins,
    modules,
    problems,
  };
}

/** Finds a module's file inside the package, or says which rule it breaks. */
async function readModule(root: string, spec: PiWebModuleSpec): Promise<ReadModule | PackageProblem> {
  const subject = `Pi Web module "${spec.id}": module file "${spec.module}"`;
  try {
    const located = await locateInsideRoot(root, spec.module.split("/"));
    switch (located.found) {
      case "file":
        return { spec, moduleMtimeMs: Math.floor(located.stats.mtimeMs) };
      case "missing":
        return { rule: "missing-module", plugin: spec.id, message: `${subject} does not exist in the package` };
      case "not-a-file":
        return { rule: "missing-module", plugin: spec.id, message: `${subject} is not a file` };
      case "outside":
        return { rule: "module-outside-package", plugin: spec.id, message: `${subject} resolves (through a symlink) to outside the package; it is not served` };
    }
  } catch (cause) {
    return { rule: "missing-module", plugin: spec.id, message: `${subject} cannot be read: ${errorText(cause)}` };
  }
}

async function readMetadata(root: string, folderName: string, cached: PackageCacheEntry | undefined): Promise<PackageCacheEntry> {
  const file = path.join(root, "package.json");
  let info;
  try {
    info = await stat(file);
  } catch (cause) {
    if (!isMissing(cause)) throw cause;
    return { signature: "", packageName: folderName, manifests: [], modules: [], problems: [await missingPackageJson(root)] };
  }
  const signature = `${root}\n${info.ino}\n${info.size}\n${info.mtimeMs}`;
  if (cached !== undefined && cached.signature === signature) return cached;
  const unusable = (message: string): PackageCacheEntry => ({
    signature,
    packageName: folderName,
    manifests: [],
    modules: [],
    problems: [{ rule: "invalid-package-json", message }],
  });
  if (!info.isFile()) return unusable("package.json is not a file");
  if (info.size > MAX_PACKAGE_JSON_BYTES) return unusable(`package.json is larger than ${MAX_PACKAGE_JSON_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    if (!(cause instanceof SyntaxError)) throw cause;
    return unusable(`package.json is not valid JSON: ${cause.message}`);
  }
  const piWeb = readPiWebMetadata(json);
  const problems: PackageProblem[] = [];
  let manifests: readonly PluginManifest[] = [];
  const isObject = typeof json === "object" && json !== null && !Array.isArray(json);
  if (isObject && !piWeb.declared && !hasOwn(json, "taiku")) {
    problems.push({
      rule: "no-plugins-declared",
      message:
        'package.json declares no plugins: add "taiku": { "plugins": [ … ] } for sandboxed plugins, or "piWeb": { "plugins": [{ "id", "module" }] } for trusted Pi Web modules',
    });
  } else if (!piWeb.declared || hasOwn(json, "taiku")) {
    // A Pi Web-only package has no taiku metadata to validate.
    const taiku = validatePluginPackage(json);
    manifests = taiku.plugins;
    for (const problem of taiku.problems) {
      problems.push({ rule: "invalid-taiku-manifest", ...(problem.plugin === undefined ? {} : { plugin: problem.plugin }), message: formatManifestProblem(problem) });
    }
  }
  problems.push(...piWeb.problems);
  const description = readDescription(json);
  const version = readVersion(json);
  return {
    signature,
    packageName: readName(json) ?? folderName,
    ...(description === undefined ? {} : { description }),
    ...(version === undefined ? {} : { version }),
    manifests,
    modules: piWeb.modules,
    problems,
  };
}

/** The problem of a folder without `package.json`, naming a module file it holds (the unsupported no-package.json fallback). */
async function missingPackageJson(root: string): Promise<PackageProblem> {
  const names = await readdir(root).catch((cause: unknown) => {
    if (isMissing(cause)) return [];
    throw cause;
  });
  const script = names.filter((name) => /\.m?js$/i.test(name)).sort()[0];
  const message =
    script === undefined
      ? "has no package.json"
      : `has no package.json: a folder with only a module ("${script}") is not loaded; add a package.json declaring it, such as { "piWeb": { "plugins": [{ "id": "<plugin id>", "module": "${script}" }] } }`;
  return { rule: "missing-package-json", message };
}

/** Longest package description passed on to the plugin manager, in UTF-16 code units. */
export const MAX_DESCRIPTION_LENGTH = 500;

function hasOwn(json: unknown, key: string): boolean {
  return typeof json === "object" && json !== null && !Array.isArray(json) && Object.prototype.hasOwnProperty.call(json, key);
}

function readDescription(json: unknown): string | undefined {
  if (!hasOwn(json, "description")) return undefined;
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
  if (!hasOwn(json, "name")) return undefined;
  const name: unknown = (json as { name: unknown }).name;
  return typeof name === "string" && name.length > 0 && name.length <= 214 ? name : undefined;
}

function failed(packageName: string, problem: string): ReadPackage {
  return { packageName, root: undefined, plugins: [], modules: [], problems: [{ rule: "unreadable-package", message: `package folder "${packageName}" ${problem}` }] };
}

/** The message of a thrown value. */
export function errorText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
