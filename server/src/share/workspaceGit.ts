/**
 * The Git tool's answers, read-only, from the `git` command line in the
 * shared folder: the branch with its upstream and ahead/behind, staged,
 * unstaged, untracked and conflicted files (`git-status`), and one file's
 * diff, staged or not (`git-diff`). Paths are relative to the shared folder,
 * and only its part of the repository is reported.
 *
 * Members ask; the folder is the host's own, so git runs with nothing it
 * could be made to execute: no fsmonitor hook, no external diff or textconv
 * drivers, no pager, and no optional locks (a status never writes the index
 * under the user's feet).
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

const SAFE_CONFIG = ["-c", "core.fsmonitor=false", "-c", "core.pager=cat", "-c", "diff.external=", "-c", "core.quotePath=false"];

function run(root: string, args: readonly string[]): Promise<{ stdout: string; truncated: boolean } | { error: GitError }> {
  return new Promise((resolve) => {
    execFile(
      "git",
      [...SAFE_CONFIG, "-C", root, ...args],
      { timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_VIEW_BYTES * 4, windowsHide: true, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" } },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ stdout, truncated: false });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return resolve({ error: { code: ErrorCode.Unavailable, message: "git is not installed on the sharing machine" } });
        if (code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") return resolve({ stdout, truncated: true });
        if (error.killed) return resolve({ error: { code: ErrorCode.Timeout, message: `git did not answer within ${GIT_TIMEOUT_MS / 1000} s` } });
        if (/not a git repository/i.test(stderr)) return resolve({ error: { code: ErrorCode.NotFound, message: "the shared folder is not in a git repository" } });
        resolve({ error: { code: ErrorCode.Internal, message: `git failed: ${stderr.trim().split("\n")[0] ?? error.message}` } });
      },
    );
  });
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

/** Parses `git status --porcelain=v2 --branch -z` into the Git tool's answer. */
export function parseStatus(output: string, prefix: string): JsonValue {
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
  return { branch, upstream, ahead, behind, staged, unstaged, untracked, conflicted } as unknown as JsonValue;
}

/** `git-status` of the shared folder `root`. */
export async function gitStatus(root: string): Promise<GitOutcome> {
  const prefix = await prefixOf(root);
  if (typeof prefix !== "string") return prefix;
  const status = await run(root, ["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=normal", "--", "."]);
  if ("error" in status) return status;
  return { result: parseStatus(status.stdout, prefix) };
}

/** `git-diff` of one file (`segments`, already checked to stay inside `root`), staged or not. */
export async function gitDiff(root: string, segments: readonly string[], staged: boolean): Promise<GitOutcome> {
  const file = segments.join("/");
  if (file === "") return { error: { code: ErrorCode.InvalidParams, message: "git-diff needs a file path" } };
  const prefix = await prefixOf(root);
  if (typeof prefix !== "string") return prefix;
  const args = ["diff", "--no-color", "--no-ext-diff", "--no-textconv", ...(staged ? ["--cached"] : []), "--", `:(literal)${file}`];
  const diff = await run(root, args);
  if ("error" in diff) return diff;
  const bytes = Buffer.from(diff.stdout, "utf8");
  const truncated = diff.truncated || bytes.byteLength > MAX_VIEW_BYTES;
  const shown = truncated ? bytes.subarray(0, MAX_VIEW_BYTES).toString("utf8").replace(/\uFFFD+$/, "") : diff.stdout;
  return { result: { path: file, staged, diff: shown, truncated, binary: /^Binary files .* differ$/m.test(shown) } };
}
