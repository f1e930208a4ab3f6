/**
 * Files through the host CLI (`taiku share --fs`): a viewer lists, reads and
 * writes inside the shared folder; traversal by `..`, absolute paths and
 * symlinks pointing out fails and never touches the file outside; without
 * `--fs` every request answers `unavailable`.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionEvent, SessionEventMap, SessionId } from "@taiku/engine";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { openViewer, startShellsServer, type EventViewer, type ShellsServer } from "./shellsFixture";

let server: ShellsServer;
let token: string;
let root: string;
let work: string;
let outside: string;
const hosts: ShareHost[] = [];
const SECRET = "outside secret";

type FsResponse = SessionEventMap["fs:response"];
let requestCounter = 0;

async function request(viewer: EventViewer, op: "list" | "read" | "write", requestPath: string, data?: string): Promise<FsResponse> {
  await viewer.opened;
  const id = `q${++requestCounter}`;
  viewer.send({ type: "fs:request", data: { id, op, path: requestPath, ...(data === undefined ? {} : { data }) }, ts: Date.now() });
  const answer = await viewer.waitFor((event: SessionEvent) => event.type === "fs:response" && event.data.id === id);
  return answer.data as FsResponse;
}

async function share(sessionId: SessionId, fs: boolean): Promise<void> {
  const host = createShareHost({ server: server.base, token: await server.hostToken(sessionId, token), sessionId, cwd: work, fs, initialShells: 0, hostName: "ada@files" });
  hosts.push(host);
  await host.ready;
}

beforeAll(async () => {
  server = await startShellsServer();
  token = (await server.signUp("ada")).token;
  root = await mkdtemp(path.join(os.tmpdir(), "taiku-fs-"));
  work = path.join(root, "work");
  outside = path.join(root, "outside.txt");
  await mkdir(path.join(work, "sub"), { recursive: true });
  await writeFile(path.join(work, "hello.txt"), "hello from the shared folder");
  await writeFile(outside, SECRET);
  await symlink(outside, path.join(work, "link-out"));
  await symlink(root, path.join(work, "dir-out"));
  await symlink(path.join(work, "hello.txt"), path.join(work, "link-in"));
});

afterAll(async () => {
  for (const host of hosts) await host.close();
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("files through the host CLI", () => {
  it("lists, reads and writes inside the shared folder", async () => {
    const sessionId = await server.createSession(token);
    await share(sessionId, true);
    const viewer = openViewer(server.base, sessionId, token);
    const listed = await request(viewer, "list", ".");
    expect(listed.result).toEqual(expect.arrayContaining([{ name: "hello.txt", kind: "file", size: 28 }, { name: "sub", kind: "dir", size: 0 }]));
    expect((await request(viewer, "read", "hello.txt")).result).toBe("hello from the shared folder");
    expect((await request(viewer, "read", "link-in")).result).toBe("hello from the shared folder");
    expect(await request(viewer, "write", "sub/new.txt", "written by a viewer")).toEqual({ id: expect.any(String), result: null });
    expect(await readFile(path.join(work, "sub", "new.txt"), "utf8")).toBe("written by a viewer");
    expect((await request(viewer, "read", "missing.txt")).error?.code).toBe("not_found");
    expect((await request(viewer, "write", "big.txt", "é".repeat(600_000))).error?.code).toBe("quota_exceeded");
    viewer.close();
  });

  it("`..`, absolute paths and symlinks out are refused, and the outside file is never read or written", async () => {
    const sessionId = await server.createSession(token);
    await share(sessionId, true);
    const viewer = openViewer(server.base, sessionId, token);
    const attempts: [op: "list" | "read" | "write", target: string][] = [
      ["read", "../outside.txt"],
      ["read", "sub/../../outside.txt"],
      ["read", outside],
      ["read", "/etc/passwd"],
      ["read", "link-out"],
      ["read", "dir-out/outside.txt"],
      ["list", "dir-out"],
      ["list", ".."],
      ["write", "../outside.txt"],
      ["write", outside],
      ["write", "link-out"],
      ["write", "dir-out/outside.txt"],
      ["write", "dir-out/planted.txt"],
      ["read", "..\\outside.txt"],
    ];
    for (const [op, target] of attempts) {
      const answer = await request(viewer, op, target, op === "write" ? "overwritten" : undefined);
      expect(answer.error, `${op} ${target}`).toBeDefined();
      expect(JSON.stringify(answer)).not.toContain(SECRET);
    }
    expect(await readFile(outside, "utf8")).toBe(SECRET);
    await expect(readFile(path.join(root, "planted.txt"))).rejects.toThrow(/ENOENT/);
    viewer.close();
  });

  it("without --fs, file requests answer unavailable", async () => {
    const sessionId = await server.createSession(token);
    await share(sessionId, false);
    const viewer = openViewer(server.base, sessionId, token);
    for (const op of ["list", "read", "write"] as const) {
      expect((await request(viewer, op, "hello.txt", op === "write" ? "x" : undefined)).error?.code).toBe("unavailable");
    }
    expect(await readFile(path.join(work, "hello.txt"), "utf8")).toBe("hello from the shared folder");
    viewer.close();
  });

  it("a host cannot answer a request it was not asked", async () => {
    const sessionId = await server.createSession(token);
    await share(sessionId, true);
    const rogue = openViewer(server.base, sessionId, await server.hostToken(sessionId, token, { label: "rogue" }));
    await rogue.opened;
    rogue.send({ type: "host:hello", data: { fs: false, host: "rogue" }, ts: Date.now() });
    await rogue.waitFor((event) => event.type === "host:welcome");
    rogue.send({ type: "fs:response", data: { id: "fs1", result: "spoofed" }, ts: Date.now() });
    expect(await rogue.closed).toBeGreaterThanOrEqual(4000);
  });
});
