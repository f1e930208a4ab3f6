/**
 * Resilience and the activity feed: the host CLI (spawned as the real
 * `taiku share` command) reconnects after the relay restarts and the same
 * shells carry on; an activity POST lands in the session document and
 * reaches the session as `agent:activity`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionEvent, SessionId } from "@taiku/engine";
import { createShareHost } from "../../server/src/share/createShareHost";
import { openViewer, startShellsServer, until, type ShellsServer } from "./shellsFixture";

const TAIKU_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../server/bin/taiku.mjs");

let server: ShellsServer;
let owner: { token: string; userId: string };
let sessionId: SessionId;
let cli: ChildProcess | undefined;

beforeAll(async () => {
  server = await startShellsServer();
  owner = await server.signUp("ada");
  sessionId = await server.createSession(owner.token);
});

afterAll(async () => {
  if (cli !== undefined && cli.exitCode === null) {
    const exited = new Promise((resolve) => cli?.once("exit", resolve));
    cli.kill("SIGTERM");
    await exited;
  }
  await server?.stop();
});

const shellStatuses = () =>
  server.server.services.relay.read(`sessions/${sessionId}` as never, (doc) =>
    [...doc.getMap("shells").values()].map((entry) => (entry as { status?: string }).status),
  );

describe("relay restarts and the activity feed", () => {
  it("the taiku share command reconnects after a relay restart and the same shells continue", async () => {
    cli = spawn(process.execPath, [TAIKU_BIN, "share", sessionId, "--server", server.base], {
      env: { ...process.env, TAIKU_HOST_TOKEN: await server.hostToken(sessionId, owner.token), SHELL: "bash", LOG_LEVEL: "silent" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    cli.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const viewer = openViewer(server.base, sessionId, owner.token);
    const isOpen = (event: SessionEvent) => event.type === "shell:open";
    const opened = await viewer.waitFor(isOpen, 20_000).catch((error: Error) => Promise.reject(new Error(`${error.message}\n${stderr}`)));
    const shellId = opened.type === "shell:open" ? opened.data.shellId : "";
    viewer.send({ type: "shell:input", data: { shellId, data: "export MARK=before-restart; echo pid-$$\r" }, ts: Date.now() });
    await until(() => /pid-\d+/.test(viewer.output(shellId)), 8000, "first output");
    const pid = /pid-(\d+)/.exec(viewer.output(shellId))?.[1];

    await server.restart();

    const again = openViewer(server.base, sessionId, owner.token);
    await again.waitFor((event) => event.type === "shell:open" && event.data.shellId === shellId, 15_000);
    again.send({ type: "shell:input", data: { shellId, data: "echo $MARK-pid-$$\r" }, ts: Date.now() });
    await until(() => again.output(shellId).includes(`before-restart-pid-${pid}`), 8000, "the same shell after the restart");
    let statuses: (string | undefined)[] = [];
    await until(() => {
      void shellStatuses().then((value) => (statuses = value));
      return statuses.length > 0 && statuses.every((status) => status === "running");
    }, 5000, "shells running again in the document");
    again.close();
    viewer.close();

    const exited = new Promise<number | null>((resolve) => cli?.once("exit", (code) => resolve(code)));
    cli.kill("SIGINT");
    expect(await exited).toBe(0);
    await until(() => {
      void shellStatuses().then((value) => (statuses = value));
      return statuses.every((status) => status === "closed");
    }, 5000, "shells closed after the CLI exits");
  }, 40_000);

  it("a shell whose host does not come back after a relay restart is marked closed", async () => {
    const orphanSession = await server.createSession(owner.token);
    const host = createShareHost({ server: server.base, token: await server.hostToken(orphanSession, owner.token), sessionId: orphanSession, shell: "/bin/sh", hostName: "ada@gone" });
    await host.ready;
    const shellId = [...host.shells.keys()][0] as string;
    const statusOf = () =>
      server.server.services.relay.read(`sessions/${orphanSession}` as never, (doc) => (doc.getMap("shells").get(shellId) as { status?: string } | undefined)?.status);
    await until(() => host.provider.synced, 5000, "host synced");
    await server.restart(() => host.close());
    expect(await statusOf()).toBe("running");
    const viewer = openViewer(server.base, orphanSession, owner.token);
    await viewer.opened;
    let status: string | undefined;
    await until(() => {
      void statusOf().then((value) => (status = value));
      return status === "closed";
    }, 15_000, "orphaned shell closed");
    viewer.close();
  }, 30_000);

  it("an activity POST is appended to the session document and emitted as agent:activity", async () => {
    const viewer = openViewer(server.base, sessionId, owner.token);
    await viewer.opened;
    const posted = await server.call("POST", `/api/sessions/${sessionId}/activity`, owner.token, { actor: "builder", kind: "edit", text: "changed main.ts" });
    expect(posted.status).toBe(201);
    expect(posted.json).toMatchObject({ actor: "builder", kind: "edit", text: "changed main.ts", id: expect.any(String), ts: expect.any(Number) });
    const event = await viewer.waitFor((e) => e.type === "agent:activity");
    expect(event.data).toEqual(posted.json);
    const stored = await server.server.services.relay.read(`sessions/${sessionId}` as never, (doc) => doc.getArray("activity").toArray());
    expect(stored).toContainEqual(posted.json);
    viewer.close();
  });

  it("activity from a non-member, an anonymous caller or with a malformed body is refused and changes nothing", async () => {
    const stranger = await server.signUp("mallory");
    const before = await server.server.services.relay.read(`sessions/${sessionId}` as never, (doc) => doc.getArray("activity").length);
    const body = { actor: "x", kind: "edit", text: "y" };
    expect((await server.call("POST", `/api/sessions/${sessionId}/activity`, stranger.token, body)).status).toBe(403);
    expect((await server.call("POST", `/api/sessions/${sessionId}/activity`, undefined, body)).status).toBe(401);
    for (const bad of [{}, { ...body, extra: 1 }, { ...body, kind: "Not A Kind" }, { ...body, text: "" }, { ...body, text: "x".repeat(20_000) }]) {
      expect((await server.call("POST", `/api/sessions/${sessionId}/activity`, owner.token, bad)).status).toBe(400);
    }
    const after = await server.server.services.relay.read(`sessions/${sessionId}` as never, (doc) => doc.getArray("activity").length);
    expect(after).toBe(before);
  });
});
