/**
 * What the workspace tools share with the rest of the client: a refresh
 * counter per tool, so that `refreshFiles()` / `refreshGit()` (the Pi Web
 * runtime context's helpers) and the tools' own Refresh buttons reload the
 * same views.
 */
import { createSignal, type Accessor } from "solid-js";

/** The refresh counters of one session's Files and Git tools. */
export interface WorkspaceTools {
  /** Changes each time the Files tool should reload. */
  readonly filesVersion: Accessor<number>;
  /** Changes each time the Git tool should reload. */
  readonly gitVersion: Accessor<number>;
  refreshFiles(): void;
  refreshGit(): void;
}

/** Fresh counters. */
export function createWorkspaceTools(): WorkspaceTools {
  const [filesVersion, setFilesVersion] = createSignal(0);
  const [gitVersion, setGitVersion] = createSignal(0);
  return {
    filesVersion,
    gitVersion,
    refreshFiles: () => setFilesVersion((n) => n + 1),
    refreshGit: () => setGitVersion((n) => n + 1),
  };
}
