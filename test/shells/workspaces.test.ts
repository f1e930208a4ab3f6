/**
 * Workspaces through a real server: `taiku share` reports the folder it
 * shares, the relay names it and writes it into the session document's
 * `workspaces` map (with the branch kept current, `offline` once the host
 * leaves, the same id when it shares the folder again), shells carry their
 * workspace, and nobody else can write a workspace: a member's forged entry
 * is compensated and a member's `host:workspace` is refused.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionId, SessionWorkspace } from "@taiku/engine";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { openViewer, startShellsServer, until, type ShellsServer } from "./shellsFixture";

let server: ShellsServer;
let root: string;
let repo: string;
let ada: { token: string; userId: string };
let bob: { token: string; userId: string };
const hosts: ShareHost[] = [];
const providers: WebsocketProvider[] = [];

function git(dir: string, ...args: string[]): void {
  execFileSync("git", ["-C", dir, ...args], { env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: root } });
}

async function share(sessionId: SessionId, cwd: string): Promise<ShareHost> {
  const host = createShareHost({
    server: server.base,
    token: await server.hostToken(sessionId, ada.token),
    sessionId,
    cwd,
    shell: "/bin/sh",
    hostName: "ada@laptop",
    workspacePollMs: 100,
  });
  hosts.push(host);
  await host.ready;
  return host;
}

/** Bob's replica of the session document, through the stock client. */
function member(sessionId: SessionId, token: string): Y.Doc {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${server.base.replace("http", "ws")}/sync`, `sessions/${sessionId}`, doc, {
    WebSocketPolyfill: WebSocket as never,
    params: { token },
    disableBc: true,
  });
  providers.push(provider);
  return doc;
}

function workspaces(doc: Y.Doc): SessionWorkspace[] {
  return [...doc.getMap<SessionWorkspace>("workspaces").values()];
}

async function sessionWithBob(): Promise<SessionId> {
  const sessionId = await server.createSession(ada.token);
  const { code } = (await server.call("POST", `/api/sessions/${sessionId}/invites`, ada.token)).json as { code: string };
  await server.call("POST", `/api/sessions/${sessionId}/join`, bob.token, { code });
  return sessionId;
}

beforeAll(async () => {
  server = await startShellsServer();
  ada = await server.signUp("ada");
  bob = await server.signUp("bob");
  root = await realpath(await mkdtemp(path.join(os.tmpdir(), "taiku-workspaces-")));
  repo = path.join(root, "shop");
  execFileSync("git", ["init", "--quiet", "--initial-branch=main", repo]);
  git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "--quiet", "--allow-empty", "-m", "first");
  git(repo, "worktree", "add", "--quiet", "-b", "feature", path.join(root, "shop-feature"));
});

afterAll(async () => {
  for (const provider of providers) provider.destroy();
  await Promise.all(hosts.map((host) => host.close()));
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("workspaces in the session document", () => {
  it("show what each host shares, keep the branch current, go offline with the host and come back under the same id", async () => {
    const sessionId = await sessionWithBob();
    const seen = member(sessionId, bob.token);
    const main = await share(sessionId, repo);
    await until(() => workspaces(seen).length === 1, 8000, "the main checkout's workspace");
    const [shop] = workspaces(seen);
    expect(shop).toMatchObject({ path: repo, label: "shop", branch: "main", isMain: true, isGitRepo: true, isGitWorktree: false, host: "ada@laptop", status: "online" });
    const [shellId] = [...main.shells.keys()];
    await until(() => seen.getMap("shells").has(shellId!), 8000, "the shell");
    expect((seen.getMap("shells").get(shellId!) as { workspaceId?: string }).workspaceId).toBe(shop!.id);

    const feature = await share(sessionId, path.join(root, "shop-feature"));
    await until(() => workspaces(seen).length === 2, 8000, "the worktree's workspace");
    const worktree = workspaces(seen).find((workspace) => workspace.label === "shop-feature")!;
    expect(worktree).toMatchObject({ branch: "feature", isMain: false, isGitWorktree: true, projectId: shop!.projectId });
    expect(worktree.id).not.toBe(shop!.id);

    git(repo, "checkout", "--quiet", "-b", "release");
    await until(() => seen.getMap<SessionWorkspace>("workspaces").get(shop!.id)?.branch === "release", 8000, "the branch switch");

    await main.close();
    await until(() => seen.getMap<SessionWorkspace>("workspaces").get(shop!.id)?.status === "offline", 8000, "offline once the host left");
    expect(seen.getMap<SessionWorkspace>("workspaces").get(worktree.id)?.status).toBe("online");
    await share(sessionId, repo);
    await until(() => seen.getMap<SessionWorkspace>("workspaces").get(shop!.id)?.status === "online", 8000, "online again, same id");
    expect(workspaces(seen)).toHaveLength(2);
    await feature.close();
  });

  it("refuses a member's forged workspace and a member's host:workspace, changing nothing", async () => {
    const sessionId = await sessionWithBob();
    const host = await share(sessionId, repo);
    await until(() => workspaces(host.doc).length === 1, 8000, "the host's workspace");
    const forger = member(sessionId, bob.token);
    await until(() => workspaces(forger).length === 1, 8000, "bob's replica");
    const real = workspaces(forger)[0]!;
    forger.transact(() => {
      forger.getMap("workspaces").set("w-forged", { ...real, id: "w-forged", label: "prod", path: "/srv/prod" });
      forger.getMap("workspaces").set(real.id, { ...real, path: "/etc" });
    });
    await until(() => !forger.getMap("workspaces").has("w-forged") && (forger.getMap<SessionWorkspace>("workspaces").get(real.id)?.path === repo), 8000, "the forgery compensated on bob's replica");

    const viewer = openViewer(server.base, sessionId, bob.token);
    await viewer.opened;
    viewer.send({ type: "host:workspace", data: { workspace: { path: "/srv/prod", projectPath: "/srv/prod", label: "prod", isMain: true, isGitRepo: false, isGitWorktree: false } }, ts: Date.now() });
    const refused = await viewer.waitFor((event) => event.type === "host:refused");
    expect(refused.data).toMatchObject({ type: "host:workspace" });
    viewer.close();
    const reader = member(sessionId, ada.token);
    await until(() => workspaces(reader).length >= 1, 8000, "a fresh replica");
    expect(workspaces(reader).map((workspace) => [workspace.label, workspace.path])).toEqual([["shop", repo]]);
    expect(workspaces(host.doc).map((workspace) => workspace.label)).toEqual(["shop"]);
  });
});
