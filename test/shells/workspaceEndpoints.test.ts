/**
 * The workspace endpoints (`/api/projects/...`) through a real server and
 * real `taiku share` hosts on a temp git repository with a worktree: folder
 * pages, text, binary and oversized files, git status and diffs, all
 * answered by the host that shares the workspace; a non-member is refused
 * on every endpoint, path attacks are refused with nothing served, and a
 * workspace shared without `--fs`, or by nobody, says so.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_TREE_PAGE, MAX_VIEW_BYTES, type SessionId } from "@taiku/engine";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { startShellsServer, until, type ShellsServer } from "./shellsFixture";

let server: ShellsServer;
let root: string;
let repo: string;
let sessionId: SessionId;
let ada: { token: string; userId: string };
let bob: { token: string; userId: string };
let mallory: { token: string; userId: string };
const hosts: ShareHost[] = [];
const SECRET = "outside secret";

function git(dir: string, ...args: string[]): void {
  execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: root } });
}

async function share(cwd: string, fs: boolean, into: SessionId = sessionId): Promise<ShareHost> {
  const host = createShareHost({ server: server.base, token: await server.hostToken(into, ada.token), sessionId: into, cwd, fs, initialShells: 0, hostName: "ada@laptop", workspacePollMs: 0 });
  hosts.push(host);
  await host.ready;
  return host;
}

async function get(route: string, token?: string): Promise<{ status: number; json: any }> {
  const response = await fetch(server.base + route, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, json: await response.json() };
}

let main: { projectId: string; id: string };
let feature: { projectId: string; id: string };
const at = (workspace: { projectId: string; id: string }, rest: string): string => `/api/projects/${workspace.projectId}/workspaces/${workspace.id}/${rest}`;

beforeAll(async () => {
  server = await startShellsServer();
  [ada, bob, mallory] = [await server.signUp("ada"), await server.signUp("bob"), await server.signUp("mallory")];
  sessionId = await server.createSession(ada.token);
  const { code } = (await server.call("POST", `/api/sessions/${sessionId}/invites`, ada.token)).json as { code: string };
  await server.call("POST", `/api/sessions/${sessionId}/join`, bob.token, { code });

  root = await realpath(await mkdtemp(path.join(os.tmpdir(), "taiku-endpoints-")));
  repo = path.join(root, "shop");
  await mkdir(path.join(repo, "many"), { recursive: true });
  execFileSync("git", ["init", "--quiet", "--initial-branch=main", repo]);
  await writeFile(path.join(repo, "README.md"), "# shop\n");
  await writeFile(path.join(repo, "app.js"), "console.log(1);\n");
  git(repo, "add", ".");
  git(repo, "commit", "--quiet", "-m", "first");
  git(repo, "worktree", "add", "--quiet", "-b", "feature", path.join(root, "shop-feature"));
  await writeFile(path.join(repo, "README.md"), "# shop\nnow with docs\n");
  await writeFile(path.join(repo, "app.js"), "console.log(2);\n");
  git(repo, "add", "app.js");
  await writeFile(path.join(repo, ".env"), "DEV_URL=http://localhost:5173\n");
  await writeFile(path.join(repo, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3]));
  await writeFile(path.join(repo, "big.log"), "x".repeat(MAX_VIEW_BYTES + 4096));
  for (let i = 0; i < MAX_TREE_PAGE + 20; i++) await writeFile(path.join(repo, "many", `f${String(i).padStart(4, "0")}.txt`), "");
  await writeFile(path.join(root, "secret.txt"), SECRET);
  await symlink(path.join(root, "secret.txt"), path.join(repo, "leak.txt"));

  await share(repo, true);
  await share(path.join(root, "shop-feature"), false);
  await until(() => hosts.every((host) => host.doc.getMap("workspaces").size === 2), 8000, "both workspaces");
  const projects = await get("/api/projects", bob.token);
  expect(projects.status).toBe(200);
  expect(projects.json.projects).toHaveLength(1);
  const listed = await get(`/api/projects/${projects.json.projects[0].id}/workspaces`, bob.token);
  main = listed.json.workspaces.find((workspace: { label: string }) => workspace.label === "shop");
  feature = listed.json.workspaces.find((workspace: { label: string }) => workspace.label === "shop-feature");
});

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.close()));
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("workspace endpoints", () => {
  it("list the project and its workspaces as the hosts report them", async () => {
    const projects = await get("/api/projects", bob.token);
    expect(projects.json.projects[0]).toMatchObject({ label: "shop", path: repo, workspaces: 2 });
    const listed = await get(`/api/projects/${main.projectId}/workspaces`, bob.token);
    expect(listed.json.workspaces.map((workspace: Record<string, unknown>) => [workspace.label, workspace.branch, workspace.isGitWorktree, workspace.fs, workspace.sessionId])).toEqual(
      expect.arrayContaining([
        ["shop", "main", false, true, sessionId],
        ["shop-feature", "feature", true, false, sessionId],
      ]),
    );
  });

  it("count a folder shared into two of the caller's sessions once in its project, and list it per session", async () => {
    const second = await server.createSession(ada.token);
    const { code } = (await server.call("POST", `/api/sessions/${second}/invites`, ada.token)).json as { code: string };
    await server.call("POST", `/api/sessions/${second}/join`, bob.token, { code });
    const again = await share(repo, true, second);
    try {
      await until(() => again.doc.getMap("workspaces").size === 1, 8000, "the second session's workspace");
      expect((await get("/api/projects", bob.token)).json.projects).toEqual([expect.objectContaining({ id: main.projectId, workspaces: 2 })]);
      const listed = (await get(`/api/projects/${main.projectId}/workspaces`, bob.token)).json.workspaces as { id: string; sessionId: string }[];
      expect(listed.filter((workspace) => workspace.id === main.id).map((workspace) => workspace.sessionId).sort()).toEqual([sessionId, second].sort());
    } finally {
      await again.close();
    }
  });

  it("page a large folder, folders first, without walking the tree", async () => {
    const top = await get(at(main, "tree"), bob.token);
    expect(top.status).toBe(200);
    expect(top.json.entries[0]).toEqual({ name: "many", kind: "dir", size: 0 });
    expect(top.json.entries.map((entry: { name: string }) => entry.name)).not.toContain(".git");
    expect(top.json.entries.map((entry: { name: string }) => entry.name)).toEqual(expect.arrayContaining(["README.md", "app.js", ".env", "leak.txt"]));
    expect(top.json.entries.find((entry: { name: string }) => entry.name === "leak.txt").kind).toBe("symlink");
    const first = await get(at(main, "tree?path=many"), bob.token);
    expect(first.json).toMatchObject({ path: "many", total: MAX_TREE_PAGE + 20 });
    expect(first.json.entries).toHaveLength(MAX_TREE_PAGE);
    expect(typeof first.json.next).toBe("string");
    // An entry that sorts before the cursor, added between two pages, neither repeats nor hides one.
    await writeFile(path.join(repo, "many", "a-new.txt"), "");
    const second = await get(at(main, `tree?path=many&after=${encodeURIComponent(first.json.next)}`), bob.token);
    expect(second.json.entries.map((entry: { name: string }) => entry.name)).toEqual(Array.from({ length: 20 }, (_, i) => `f${String(MAX_TREE_PAGE + i).padStart(4, "0")}.txt`));
    expect(second.json.next).toBeNull();
  });

  it("serve text, say binary and truncated files so, and read .env like any file", async () => {
    expect((await get(at(main, "file?path=.env"), bob.token)).json).toEqual({ path: ".env", size: 30, content: "DEV_URL=http://localhost:5173\n", truncated: false, binary: false });
    expect((await get(at(main, "file?path=logo.png"), bob.token)).json).toMatchObject({ binary: true, content: "", size: 11 });
    const big = await get(at(main, "file?path=big.log"), bob.token);
    expect(big.json).toMatchObject({ truncated: true, binary: false, size: MAX_VIEW_BYTES + 4096 });
    expect(big.json.content).toHaveLength(MAX_VIEW_BYTES);
  });

  it("answer git status and diffs, staged and not", async () => {
    const status = await get(at(main, "git/status"), bob.token);
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ branch: "main", upstream: null, ahead: 0, behind: 0, conflicted: [] });
    expect(status.json.staged).toEqual([{ path: "app.js", status: "M" }]);
    expect(status.json.unstaged).toEqual([{ path: "README.md", status: "M" }]);
    expect(status.json.untracked).toEqual(expect.arrayContaining([".env", "big.log", "leak.txt", "logo.png", "many/"]));
    const unstaged = await get(at(main, "git/diff?path=README.md"), bob.token);
    expect(unstaged.json).toMatchObject({ path: "README.md", staged: false, truncated: false, binary: false });
    expect(unstaged.json.diff).toContain("+now with docs");
    const staged = await get(at(main, "git/diff?path=app.js&staged=true"), bob.token);
    expect(staged.json.diff).toContain("-console.log(1);");
    expect(staged.json.diff).toContain("+console.log(2);");
    expect((await get(at(main, "git/diff?path=app.js&staged=false"), bob.token)).json.diff).toBe("");
  });

  it("never serve the repository's .git folder, and never run a filter driver its configuration names", async () => {
    for (const route of ["file?path=.git/config", "file?path=.GIT/config", "tree?path=.git", "git/diff?path=.git/config"]) {
      const answer = await get(at(main, route), bob.token);
      expect(answer.status, route).toBe(403);
      expect(JSON.stringify(answer.json)).not.toContain("[core]");
    }
    // What a member who could write .git/config would plant: a clean filter that leaves a mark when git runs it.
    const marker = path.join(root, "filter-ran");
    git(repo, "config", "filter.mark.clean", `sh -c 'touch ${marker}; cat'`);
    await writeFile(path.join(repo, ".gitattributes"), "*.md filter=mark\n");
    await writeFile(path.join(repo, "README.md"), "# shop\nnow with docs\nand more\n");
    expect((await get(at(main, "git/status"), bob.token)).status).toBe(200);
    expect((await get(at(main, "git/diff?path=README.md"), bob.token)).status).toBe(200);
    await expect(stat(marker)).rejects.toThrow(/ENOENT/);
    git(repo, "config", "--unset", "filter.mark.clean");
    await rm(path.join(repo, ".gitattributes"));
    await writeFile(path.join(repo, "README.md"), "# shop\nnow with docs\n");
  });

  it("refuse path attacks and serve nothing from outside the folder", async () => {
    for (const attack of ["../secret.txt", "/etc/passwd", "many/../../secret.txt", "a\\b", "leak.txt", "%00x"]) {
      const answer = await get(at(main, `file?path=${attack === "%00x" ? attack : encodeURIComponent(attack)}`), bob.token);
      expect([400, 403], attack).toContain(answer.status);
      expect(JSON.stringify(answer.json)).not.toContain(SECRET);
    }
    expect((await get(at(main, "tree?path=..%2F"), bob.token)).status).toBe(403);
    expect((await get(at(main, "git/diff?path=../secret.txt"), bob.token)).status).toBe(403);
  });

  it("refuse a non-member and a stranger on every endpoint", async () => {
    const routes = ["/api/projects", `/api/projects/${main.projectId}/workspaces`, at(main, "tree"), at(main, "file?path=.env"), at(main, "git/status"), at(main, "git/diff?path=app.js")];
    for (const route of routes) expect((await get(route)).status, route).toBe(401);
    expect((await get("/api/projects", mallory.token)).json).toEqual({ projects: [] });
    expect((await get(`/api/projects/${main.projectId}/workspaces`, mallory.token)).status).toBe(404);
    for (const route of routes.slice(2)) {
      const answer = await get(route, mallory.token);
      expect(answer.status, route).toBe(403);
      expect(JSON.stringify(answer.json)).not.toContain("localhost:5173");
    }
  });

  it("say when a workspace's host serves no files, or nobody shares it", async () => {
    const noFiles = await get(at(feature, "tree"), bob.token);
    expect(noFiles.status).toBe(503);
    expect(noFiles.json.error.message).toMatch(/--fs/);
    expect((await get(at({ projectId: main.projectId, id: "w-nobody" }, "tree"), bob.token)).status).toBe(404);
    expect((await get(at({ projectId: "p-other", id: main.id }, "git/status"), bob.token)).status).toBe(404);
  });
});
