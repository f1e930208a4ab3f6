/**
 * The session document's `workspaces` map: what each host CLI shares, named
 * by the relay and written by the server only (`sessionAuthorship.ts`
 * compensates a client's write). A workspace's `id` and `projectId` are
 * derived from the host's verified user, the host name it announced and
 * its paths, so restarting `taiku share` in the same folder keeps the id,
 * worktrees of one repository share a project, and no host can take over
 * another user's workspace by naming it.
 */
import { createHash } from "node:crypto";
import type { SessionWorkspace, WorkspaceReport } from "@taiku/engine";

/** The session document's root holding workspaces. */
export const WORKSPACES_ROOT = "workspaces";

function digest(...parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 16);
}

/** The workspace `report` names, shared by `host` (`<user>@<machine>`) for the verified user `userId`. */
export function toSessionWorkspace(report: WorkspaceReport, userId: string, host: string, status: SessionWorkspace["status"]): SessionWorkspace {
  return {
    id: `w-${digest("workspace", userId, host, report.path)}`,
    projectId: `p-${digest("project", userId, host, report.projectPath)}`,
    path: report.path,
    label: report.label,
    ...(report.branch === undefined ? {} : { branch: report.branch }),
    isMain: report.isMain,
    isGitRepo: report.isGitRepo,
    isGitWorktree: report.isGitWorktree,
    host,
    status,
  };
}
