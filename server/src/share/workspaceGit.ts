/**
 * The Git tool's answers, read-only, from the `git` command line in the
 * shared folder: the branch with its upstream and ahead/behind, staged,
 * unstaged, untracked and conflicted files (`git-status`), and one file's
 * diff, staged or not (`git-diff`). Paths are relative to the shared folder,
 * and only its part of the repository is reported.
 *
 * Members ask; the folder is the host's own, so git runs with nothing it
 * could be made to execute: no fsmonitor hook, no external diff or textconv
 * drivers, no filter drivers (each one the configuration names is emptied
 * for the command, so a status hashes files as they are; an LFS-tracked
 * file may then show as modified), no pager, submodules' work trees not
 * entered, and no optional locks (a status never writes the index under the
 * user's feet). Members cannot write the configuration those would come
 * from: the `.git` folder is not shared (`workspaceFiles.ts`).
 */
import { execFile } from "node:child_process";
import { ErrorCode, MAX_VIEW_BYTES, type JsonValue } from "@taiku/engine";

/** Longest one git command may run. */
const GIT_TIMEOUT_MS = 10_000;
/** Changed files one status lists at most, per group. */
export const MAX_STATUS_FILES = 2_000;

type GitError = { readonly code: ErrorCode; readonly message: string };
/** The outcome of one git request. */
export type GitOutcome = { readonly result: JsonValue } | { readonly error: GitError };

/** The `-c` options every git command of the share runs with: no fsmonitor, pager or external diff; paths unquoted. */
export const SAFE_GIT_CONFIG: readonly string[] = ["-c", "core.fsmonitor=false", "-c", "core.pager=cat", "-c", "diff.external=", "-c", "core.quotePath=false"];

/** The environment git runs in: no optional locks (a status never writes the index), never a credentials prompt. */
export function safeGitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" };
}

/** Runs git in `root`; `emptyOnExit1` takes an exit status of 1 with nothing on stderr as an empty answer (`git config` finding nothing). */
function run(root: string, args: readonly string[], config: readonly string[] = [], emptyOnExit1 = false): Promise<{ stdout: string; truncated: boolean } | { error: GitError }> {
  return new Promise((resolve) => {
    execFile(
      "git",
      [...SAFE_GIT_CONFIG, ...config, "-C", root, ...args],
      { timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_VIEW_BYTES * 4, windowsHide: true, env: safeGitEnv() },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ stdout, truncated: false });
        const code = (error as NodeJS.ErrnoException).code as unknown;
        if (emptyOnExit1 && code === 1 && stderr.trim() === "") return resolve({ stdout: "", truncated: false });
        if (code === "ENOENT") return resolve({ error: { code: ErrorCode.Unavailable, message: "git is not installed on the sharing machine" } });
        if (code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") return resolve({ stdout, truncated: true });
        if (error.killed) return resolve({ error: { code: ErrorCode.Timeout, message: `git did not answer within ${GIT_TIMEOUT_MS / 1000} s` } });
        if (/not a git repository/i.test(stderr)) return resolve({ error: { code: ErrorCode.NotFound, message: "the shared folder is not in a git repository" } });
        resolve({ error: { code: ErrorCode.Internal, message: `git failed: ${stderr.trim().split("\n")[0] ?? error.message}` } });
      },
    );
  });
}

/**
 * `-c` options emptying every filter driver the repository's configuration (any level, includes followed)
 * names, so that hashing a file for a status or diff runs none of them.
 */
async function noFilters(root: string): Promise<readonly string[] | { error: GitError }> {
  // Nothing runs unless this listing succeeded: a failure refuses the status or diff rather than risk a filter.
  const listed = await run(root, ["config", "--null", "--get-regexp", "^filter\\."], [], true);
  if ("error" in listed) return listed;
  const names = new Set<string>();
  for (const entry of listed.stdout.split("\u0000")) {
    const key = entry.split("\n", 1)[0] ?? "";
    const last = key.lastIndexOf(".");
    if (key.startsWith("filter.") && last > "filter.".length) names.add(key.slice("filter.".length, last));
  }
  return [...names].flatMap((name) => ["clean", "smudge", "process"].flatMap((part) => ["-c", `filter.${name}.${part}=`]).concat(["-c", `filter.${name}.required=false`]));
}

/** The folder's path inside its repository (`""` at the top), or an error. */
async function prefixOf(root: string): Promise<string | { error: GitError }> {
  const prefix = await run(root, ["rev-parse", "--show-prefix"]);
  return "error" in prefix ? prefix : prefix.stdout.trim();
}

/** A changed file: its path and git's one-letter status (`M`, `A`, `D`, `R`, `C`, `T`, `U`). */
interface ChangedFile {
  path: string;
  status: string;
  /** For a rename or copy, where it came from. */
  from?: string;
}

/**
 * Parses `git status --porcelain=v2 --branch -z` into the Git tool's answer; `truncated` when the output
 * was cut (or a group held more than {@link MAX_STATUS_FILES} files).
 */
export function parseStatus(output: string, prefix: string, cut = false): JsonValue {
  let truncated = cut;
  const records = output.split("\u0000");
  let branch: string | null = null;
  let upstream: string | null = null;
  let ahead = 0;
  let behind = 0;
  const staged: ChangedFile[] = [];
  const unstaged: ChangedFile[] = [];
  const untracked: string[] = [];
  const conflicted: string[] = [];
  const local = (repoPath: string): string => (repoPath.startsWith(prefix) ? repoPath.slice(prefix.length) : repoPath);
  const push = <T>(list: T[], item: T): void => {
    if (list.length < MAX_STATUS_FILES) list.push(item);
    else truncated = true;
  };
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (record.startsWith("# branch.head ")) {
      const head = record.slice("# branch.head ".length);
      branch = head === "(detached)" ? null : head;
    } else if (record.startsWith("# branch.upstream ")) {
      upstream = record.slice("# branch.upstream ".length);
    } else if (record.startsWith("# branch.ab ")) {
      const [, a, b] = /^# branch\.ab \+(\d+) -(\d+)$/.exec(record) ?? [];
      ahead = Number(a ?? 0);
      behind = Number(b ?? 0);
    } else if (record.startsWith("1 ") || record.startsWith("2 ")) {
      const fields = record.split(" ");
      const xy = fields[1] ?? "..";
      const renamed = record.startsWith("2 ");
      const file = local(fields.slice(renamed ? 9 : 8).join(" "));
      const from = renamed ? local(records[++i] ?? "") : undefined;
      if (xy[0] !== ".") push(staged, { path: file, status: xy[0]!, ...(from === undefined ? {} : { from }) });
      if (xy[1] !== ".") push(unstaged, { path: file, status: xy[1]! });
    } else if (record.startsWith("u ")) {
      push(conflicted, local(record.split(" ").slice(10).join(" ")));
    } else if (record.startsWith("? ")) {
      push(untracked, local(record.slice(2)));
    }
  }
  return { branch, upstream, ahead, behind, staged, unstaged, untracked, conflicted, truncated } as unknown as JsonValue;
}

/** `git-status` of the shared folder `root`. */
export async function gitStatus(root: string): Promise<GitOutcome> {
  const prefix = await prefixOf(root);
  if (typeof prefix !== "string") return prefix;
  const config = await noFilters(root);
  if ("error" in config) return config;
  const status = await run(root, ["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=normal", "--ignore-submodules=dirty", "--", "."], config);
  if ("error" in status) return status;
  return { result: parseStatus(status.stdout, prefix, status.truncated) };
}

/** `git-diff` of one file (`segments`, already checked to stay inside `root`), staged or not. */
export async function gitDiff(root: string, segments: readonly string[], staged: boolean): Promise<GitOutcome> {
  const file = segments.join("/");
  if (file === "") return { error: { code: ErrorCode.InvalidParams, message: "git-diff needs a file path" } };
  const config = await noFilters(root);
  if ("error" in config) return config;
  const args = ["diff", "--no-color", "--no-ext-diff", "--no-textconv", "--ignore-submodules=dirty", ...(staged ? ["--cached"] : []), "--", `:(literal)${file}`];
  const diff = await run(root, args, config);
  if ("error" in diff) return diff;
  const bytes = Buffer.from(diff.stdout, "utf8");
  const truncated = diff.truncated || bytes.byteLength > MAX_VIEW_BYTES;
  const shown = truncated ? bytes.subarray(0, MAX_VIEW_BYTES).toString("utf8").replace(/\uFFFD+$/, "") : diff.stdout;
  return { result: { path: file, staged, diff: shown, truncated, binary: /^Binary files .* differ$/m.test(shown) } };
}
