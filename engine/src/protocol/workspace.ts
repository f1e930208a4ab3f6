/**
 * Workspaces: folders shared into a session by `taiku share`. The host CLI
 * reports what it sees of its working directory (a {@link WorkspaceReport},
 * read from git where the folder is a repository); the relay names it
 * (`id`, `projectId`, so no host can take another's) and keeps the result,
 * a {@link SessionWorkspace}, in the session document's `workspaces` map,
 * which only the server writes.
 */
import { boolean, object, optional, string, type Infer } from "./paramSchema";

/** A workspace as plugins see it (the Pi Web plugin API's `Workspace`). */
export interface Workspace {
  /** Stable for one folder of one host's user, across restarts of `taiku share`. */
  readonly id: string;
  /** The repository's identity: the same for a repository and all its worktrees; a folder without git is its own project. */
  readonly projectId: string;
  /** Absolute path of the folder on its host. */
  readonly path: string;
  /** Short name to show: the folder's name. */
  readonly label: string;
  /** The checked-out branch; absent outside git and on a detached HEAD. */
  readonly branch?: string;
  /** True for a repository's main checkout (and for a folder without git). */
  readonly isMain: boolean;
  /** True when the folder is inside a git repository. */
  readonly isGitRepo: boolean;
  /** True when the folder is a linked worktree of another checkout. */
  readonly isGitWorktree: boolean;
}

/** A workspace as the session document's `workspaces` map holds it. */
export interface SessionWorkspace extends Workspace {
  /** `<user>@<machine>` of the host CLI sharing it. */
  readonly host: string;
  /** `online` while a host CLI shares it, `offline` once none does. */
  readonly status: "online" | "offline";
}

const text = string({ min: 1, max: 4096, pattern: /^[^\u0000]*$/ });

/** Schema of what the host CLI reports of its folder (`host:hello`, `host:workspace`). */
export const workspaceReportSchema = object({
  path: text,
  /** The folder that names the project: the main worktree's top level for git, else `path`. */
  projectPath: text,
  label: string({ min: 1, max: 256 }),
  branch: optional(string({ min: 1, max: 256 })),
  isMain: boolean(),
  isGitRepo: boolean(),
  isGitWorktree: boolean(),
});

/** What the host CLI reports of the folder it shares; the relay turns it into a {@link SessionWorkspace}. */
export type WorkspaceReport = Infer<typeof workspaceReportSchema>;
