/**
 * The workspace endpoints: the read-only file, folder and git views of the
 * folders `taiku share` shares, at the paths trusted module plugins know
 * (`/api/projects/...`). A workspace is answered by the host CLI that
 * shares it (`fs:request` with its `workspaceId`, never the server's own
 * disk), for members of a session it is shared into; only workspaces a
 * host shares right now are listed. Like the fs proxy, these refuse
 * absolute paths, `..`, NUL, backslashes and symlinks leading out (the host
 * checks), answer `unavailable` (503) when no host shares the workspace or
 * its host was started without `--fs`, and `timeout` when the host does not
 * answer. The shapes are private to taiku's own tools and may change.
 */
import { z } from "zod";
import { ErrorCode, MAX_TREE_PAGE, TaikuError, type SessionId, type SessionWorkspace } from "@taiku/engine";
import type { User } from "../../auth/userStore";
import { memberOf } from "../../data/sessionStore";
import type { SessionEvents, SharedWorkspace } from "../../shells/createSessionEvents";
import { sessionEventsOf } from "../../shells/withSessionEvents";
import { defineRoute } from "../defineRoute";
import { forbidden, HttpError, notFound } from "../httpError";
import type { Services } from "../services";

const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).meta({ description: "An id as the session document's workspaces map names it" });
const projectParams = z.object({ projectId: idSchema });
const workspaceParams = z.object({ projectId: idSchema, workspaceId: idSchema });
const pathSchema = z
  .string()
  .max(4096)
  .regex(/^[^\u0000]*$/, "paths may not contain NUL")
  .meta({ description: "A path relative to the workspace's folder, / as separator" });

const workspaceSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  path: z.string().meta({ description: "Absolute path on the sharing host" }),
  label: z.string(),
  branch: z.string().optional(),
  isMain: z.boolean(),
  isGitRepo: z.boolean(),
  isGitWorktree: z.boolean(),
  host: z.string().meta({ description: "<user>@<machine> of the sharing host" }),
  status: z.enum(["online", "offline"]),
  sessionId: z.string().meta({ description: "The session it is shared into" }),
  fs: z.boolean().meta({ description: "Whether its host serves its files (taiku share --fs)" }),
});

const changedSchema = z.object({ path: z.string(), status: z.string().meta({ description: "git's one-letter status: M, A, D, R, C, T, U" }), from: z.string().optional() });

function eventsOf(services: Services): SessionEvents {
  const events = sessionEventsOf(services.relay);
  if (events === undefined) throw new HttpError(ErrorCode.Unavailable, "this server has no session event channel");
  return events;
}

/** The shared workspaces `user` may see: those of sessions `user` is a member of. */
async function visible(services: Services, user: User): Promise<SharedWorkspace[]> {
  const shared = eventsOf(services).sharedWorkspaces();
  const member = new Map<SessionId, boolean>();
  const seen: SharedWorkspace[] = [];
  for (const entry of shared) {
    if (!member.has(entry.sessionId)) {
      const record = await services.sessions.get(entry.sessionId);
      member.set(entry.sessionId, record !== undefined && !record.ended && memberOf(record, user.userId) !== undefined);
    }
    if (member.get(entry.sessionId)) seen.push(entry);
  }
  return seen;
}

/** The shared workspace named by the route, for a member; 404 when nobody shares it, 403 for a non-member. */
async function requireWorkspace(services: Services, user: User, projectId: string, workspaceId: string): Promise<SharedWorkspace> {
  const named = (entry: SharedWorkspace): boolean => entry.workspace.id === workspaceId && entry.workspace.projectId === projectId;
  if (!eventsOf(services).sharedWorkspaces().some(named)) throw notFound("no taiku share is sharing this workspace now");
  const mine = (await visible(services, user)).filter(named);
  if (mine.length === 0) throw forbidden("you are not a member of a session this workspace is shared into");
  return mine.find((entry) => entry.fs) ?? mine[0]!;
}

/** Asks the workspace's host; its refusal becomes this request's error. */
async function ask(services: Services, user: User, params: { projectId: string; workspaceId: string }, request: Parameters<SessionEvents["askWorkspace"]>[3]): Promise<unknown> {
  const shared = await requireWorkspace(services, user, params.projectId, params.workspaceId);
  const response = await eventsOf(services).askWorkspace(shared.sessionId, shared.workspace.id, user.userId, request);
  if (response.error !== undefined) throw new TaikuError(response.error.code, response.error.message);
  return response.result;
}

function listed(entry: SharedWorkspace): SessionWorkspace & { sessionId: string; fs: boolean } {
  return { ...entry.workspace, sessionId: entry.sessionId, fs: entry.fs };
}

/** `GET /api/projects`. */
export const listProjectsRoute = defineRoute(
  {
    method: "GET",
    path: "/api/projects",
    auth: "user",
    summary: "Projects of the workspaces shared now into the caller's sessions (a repository and its worktrees are one project).",
    request: {},
    response: {
      status: 200,
      body: z.object({
        projects: z.array(
          z.object({
            id: z.string(),
            label: z.string().meta({ description: "The name of its main checkout's folder when that is shared, else of its first workspace" }),
            path: z.string(),
            workspaces: z.number().int().meta({ description: "How many of its workspaces are shared now" }),
          }),
        ),
      }),
    },
  },
  async ({ user }, services) => {
    const projects = new Map<string, { id: string; label: string; path: string; workspaces: number; main: boolean }>();
    const counted = new Set<string>();
    for (const { workspace } of await visible(services, user)) {
      // One folder shared into two of the caller's sessions is one workspace of its project.
      if (counted.has(workspace.id)) continue;
      counted.add(workspace.id);
      const known = projects.get(workspace.projectId);
      if (known === undefined) {
        projects.set(workspace.projectId, { id: workspace.projectId, label: workspace.label, path: workspace.path, workspaces: 1, main: workspace.isMain });
        continue;
      }
      known.workspaces++;
      if (workspace.isMain && !known.main) Object.assign(known, { label: workspace.label, path: workspace.path, main: true });
    }
    return { projects: [...projects.values()].map(({ main: _main, ...project }) => project) };
  },
);

/** `GET /api/projects/:projectId/workspaces`. */
export const listWorkspacesRoute = defineRoute(
  {
    method: "GET",
    path: "/api/projects/:projectId/workspaces",
    auth: "user",
    summary: "The workspaces of one project shared now into the caller's sessions.",
    request: { params: projectParams },
    response: { status: 200, body: z.object({ workspaces: z.array(workspaceSchema) }) },
  },
  async ({ params, user }, services) => {
    const workspaces = (await visible(services, user)).filter((entry) => entry.workspace.projectId === params.projectId);
    if (workspaces.length === 0) throw notFound("no workspace of this project is shared into your sessions now");
    return { workspaces: workspaces.map(listed) };
  },
);

/** `GET /api/projects/:projectId/workspaces/:workspaceId/tree?path=`. */
export const workspaceTreeRoute = defineRoute(
  {
    method: "GET",
    path: "/api/projects/:projectId/workspaces/:workspaceId/tree",
    auth: "user",
    summary: `One page (at most ${MAX_TREE_PAGE} entries, folders first) of a folder of a shared workspace, from its host.`,
    request: {
      params: workspaceParams,
      query: z.object({
        path: pathSchema.default(""),
        after: z.string().max(1024).optional().meta({ description: "Where the page starts: a previous page's `next`" }),
      }),
    },
    response: {
      status: 200,
      body: z.object({
        path: z.string(),
        entries: z.array(z.object({ name: z.string(), kind: z.enum(["dir", "file", "symlink", "other"]), size: z.number().int() })),
        total: z.number().int().meta({ description: "Entries the folder holds" }),
        next: z.string().nullable().meta({ description: "Pass as `after` for the next page; null on the last page" }),
      }),
    },
  },
  async ({ params, query, user }, services) => ask(services, user, params, { op: "tree", path: query.path, ...(query.after === undefined ? {} : { after: query.after }) }) as never,
);

/** `GET /api/projects/:projectId/workspaces/:workspaceId/file?path=`. */
export const workspaceFileRoute = defineRoute(
  {
    method: "GET",
    path: "/api/projects/:projectId/workspaces/:workspaceId/file",
    auth: "user",
    summary: "A file of a shared workspace for viewing, from its host: text up to 512 KiB, said truncated beyond; binary files said so, without content.",
    request: { params: workspaceParams, query: z.object({ path: pathSchema.min(1) }) },
    response: {
      status: 200,
      body: z.object({
        path: z.string(),
        size: z.number().int().meta({ description: "The file's size in bytes" }),
        content: z.string().meta({ description: "Its text (UTF-8), cut at 512 KiB; empty for a binary file" }),
        truncated: z.boolean(),
        binary: z.boolean(),
      }),
    },
  },
  async ({ params, query, user }, services) => ask(services, user, params, { op: "file", path: query.path }) as never,
);

/** `GET /api/projects/:projectId/workspaces/:workspaceId/git/status`. */
export const workspaceGitStatusRoute = defineRoute(
  {
    method: "GET",
    path: "/api/projects/:projectId/workspaces/:workspaceId/git/status",
    auth: "user",
    summary: "Git status of a shared workspace's folder, from its host (read-only): branch, upstream, ahead/behind, staged, unstaged, untracked and conflicted files.",
    request: { params: workspaceParams },
    response: {
      status: 200,
      body: z.object({
        branch: z.string().nullable().meta({ description: "null on a detached HEAD" }),
        upstream: z.string().nullable(),
        ahead: z.number().int(),
        behind: z.number().int(),
        staged: z.array(changedSchema),
        unstaged: z.array(changedSchema),
        untracked: z.array(z.string()),
        conflicted: z.array(z.string()),
        truncated: z.boolean().meta({ description: "True when git's answer was cut, or a group held more than 2,000 files" }),
      }),
    },
  },
  async ({ params, user }, services) => ask(services, user, params, { op: "git-status", path: "" }) as never,
);

/** `GET /api/projects/:projectId/workspaces/:workspaceId/git/diff?path=&staged=`. */
export const workspaceGitDiffRoute = defineRoute(
  {
    method: "GET",
    path: "/api/projects/:projectId/workspaces/:workspaceId/git/diff",
    auth: "user",
    summary: "The diff of one file of a shared workspace, staged or not, from its host (read-only, cut at 512 KiB).",
    request: {
      params: workspaceParams,
      query: z.object({
        path: pathSchema.min(1),
        staged: z.enum(["true", "false"]).default("false").meta({ description: "true: the staged change (index against HEAD); false: the unstaged one" }),
      }),
    },
    response: {
      status: 200,
      body: z.object({ path: z.string(), staged: z.boolean(), diff: z.string(), truncated: z.boolean(), binary: z.boolean() }),
    },
  },
  async ({ params, query, user }, services) => ask(services, user, params, { op: "git-diff", path: query.path, staged: query.staged === "true" }) as never,
);
