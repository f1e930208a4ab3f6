/**
 * Shells shared by the host CLI through the relay: output reaches viewers
 * and late joiners, input reaches the shell only from members, and the
 * relay closes only the socket that sends a malformed or forged frame.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, type SessionEvent, type SessionId } from "@taiku/engine";
import { createShareHost, type ShareHost } from "../../server/src/share/createShareHost";
import { openViewer, startShellsServer, until, type EventViewer, type ShellsServer } from "./shellsFixture";

process.env.LOG_LEVEL = "silent";

let server: ShellsServer;
let owner: { token: string; userId: string };
let stranger: { token: string; userId: string };
let sessionId: SessionId;
let host: ShareHost;
let shellId: string;

const isOpen = (event: SessionEvent): event is Extract<SessionEvent, { type: "shell:open" }> => event.type === "shell:open";

beforeAll(async () => {
  server = await startShellsServer();
  owner = await server.signUp("ada");
  stranger = await server.signUp("mallory");
  sessionId = await server.createSession(owner.token);
  host = createShareHost({ server: server.base, token: await server.hostToken(sessionId, owner.token), sessionId, shell: "bash", shellArgs: ["--norc", "--noprofile"], hostName: "ada@test" });
  await host.ready;
  shellId = [...host.shells.keys()][0] as string;
});

afterAll(async () => {
  await host?.close();
  await server?.stop();
});

describe("shared shells", () => {
  it("a shell's echo output reaches a viewer, and the shell is listed in the session document", async () => {
    const viewer = openViewer(server.base, sessionId, owner.token);
    await viewer.opened;
    viewer.send({ type: "shell:input", data: { shellId, data: "echo out-$((6*7))\r" }, ts: Date.now() });
    await until(() => viewer.output(shellId).includes("out-42"), 8000, "echo output");
    const entry = host.doc.getMap("shells").get(shellId) as Record<string, unknown>;
    expect(entry).toMatchObject({ id: shellId, host: "ada@test", status: "running", cols: 80, rows: 24 });
    viewer.close();
  });

  it("a late joiner receives the shell's recent output first", async () => {
    const late = openViewer(server.base, sessionId, owner.token);
    const backlog = await late.waitFor((event) => event.type === "shell:data" && event.data.shellId === shellId && event.data.backlog === true);
    expect(backlog.type === "shell:data" && backlog.data.data).toContain("out-42");
    late.close();
  });

  it("a late joiner's backlog is bounded to the most recent output", async () => {
    const viewer = openViewer(server.base, sessionId, owner.token);
    await viewer.opened;
    viewer.send({ type: "shell:input", data: { shellId, data: "seq 1 150000; echo seq-$((7*7))\r" }, ts: Date.now() });
    await until(() => viewer.output(shellId).includes("seq-49"), 15_000, "seq output");
    expect(viewer.output(shellId).length).toBeGreaterThan(1_000_000);
    const late = openViewer(server.base, sessionId, owner.token);
    const backlog = await late.waitFor((event) => event.type === "shell:data" && event.data.shellId === shellId && event.data.backlog === true);
    const text = backlog.type === "shell:data" ? backlog.data.data : "";
    expect(text.length).toBeLessThanOrEqual(256 * 1024);
    expect(text).toContain("149999\r\n150000");
    expect(text).not.toContain("out-42");
    viewer.close();
    late.close();
  }, 30_000);

  it("a viewer can open a shell, resize it and close it", async () => {
    const viewer = openViewer(server.base, sessionId, owner.token);
    await viewer.opened;
    viewer.send({ type: "shell:open-request", data: { cols: 100, rows: 30 }, ts: Date.now() });
    const opened = await viewer.waitFor((event) => isOpen(event) && event.data.shellId !== shellId);
    const newId = opened.type === "shell:open" ? opened.data.shellId : "";
    expect(opened.data).toMatchObject({ cols: 100, rows: 30, host: "ada@test" });
    viewer.send({ type: "shell:resize", data: { shellId: newId, cols: 120, rows: 40 }, ts: Date.now() });
    viewer.send({ type: "shell:input", data: { shellId: newId, data: "stty size\r" }, ts: Date.now() });
    await until(() => viewer.output(newId).includes("40 120"), 8000, "stty size after resize");
    viewer.send({ type: "shell:close-request", data: { shellId: newId }, ts: Date.now() });
    await viewer.waitFor((event) => event.type === "shell:exit" && event.data.shellId === newId);
    await until(() => (host.doc.getMap("shells").get(newId) as { status?: string } | undefined)?.status === "exited", 5000, "exited status");
    viewer.close();
  });

  it("a non-member's socket is refused, so its input never reaches the shell", async () => {
    const intruder = openViewer(server.base, sessionId, stranger.token);
    intruder.ws.on("open", () => intruder.send({ type: "shell:input", data: { shellId, data: "echo pwned-$((2*3))\r" }, ts: Date.now() }));
    // Refused in-protocol: upgraded only to be told why and closed for good; what it sent went nowhere.
    expect(await intruder.closed).toBe(CloseCode.PermissionDenied);
    const viewer = openViewer(server.base, sessionId, owner.token);
    await viewer.opened;
    viewer.send({ type: "shell:input", data: { shellId, data: "echo after-$((3*3))\r" }, ts: Date.now() });
    await until(() => viewer.output(shellId).includes("after-9"), 8000, "member input");
    expect(viewer.output(shellId)).not.toContain("pwned-6");
    viewer.close();
  });

  it("a malformed event frame closes only the socket that sent it", async () => {
    const bad = openViewer(server.base, sessionId, owner.token);
    const good = openViewer(server.base, sessionId, owner.token);
    await Promise.all([bad.opened, good.opened]);
    bad.ws.send(new Uint8Array([101, 5, ...new TextEncoder().encode("{oops")]));
    expect(await bad.closed).toBeGreaterThanOrEqual(4000);
    good.send({ type: "shell:input", data: { shellId, data: "echo still-$((4*4))\r" }, ts: Date.now() });
    await until(() => good.output(shellId).includes("still-16"), 8000, "output after a bad frame elsewhere");
    good.close();
  });

  it("a viewer forging shell output is refused with host:refused, one forging relay events is closed, and nobody sees either", async () => {
    const watcher = openViewer(server.base, sessionId, owner.token);
    await watcher.opened;
    for (const forged of [
      { type: "shell:data", data: { shellId, data: "FORGED" }, ts: 1 },
      { type: "shell:open", data: { shellId: "sh-forged", title: "t", cwd: "/", host: "h", cols: 80, rows: 24 }, ts: 1 },
    ] as SessionEvent[]) {
      const forger: EventViewer = openViewer(server.base, sessionId, owner.token);
      await forger.opened;
      forger.send(forged);
      const refused = await forger.waitFor((event) => event.type === "host:refused");
      expect(refused.data).toEqual({ type: forged.type, message: expect.stringMatching(/host token/) });
      forger.close();
    }
    const forger: EventViewer = openViewer(server.base, sessionId, owner.token);
    await forger.opened;
    forger.send({ type: "agent:activity", data: { id: "x", actor: "a", kind: "k", text: "FORGED", ts: 1, poster: null }, ts: 1 });
    expect(await forger.closed).toBeGreaterThanOrEqual(4000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(watcher.events.some((event) => JSON.stringify(event).includes("FORGED") || JSON.stringify(event).includes("sh-forged"))).toBe(false);
    watcher.close();
  });

  it("another member joining and leaving is announced to the session", async () => {
    const friend = await server.signUp("grace");
    const { code } = (await server.call("POST", `/api/sessions/${sessionId}/invites`, owner.token)).json as { code: string };
    expect((await server.call("POST", `/api/sessions/${sessionId}/join`, friend.token, { code })).status).toBe(200);
    const watcher = openViewer(server.base, sessionId, owner.token);
    await watcher.opened;
    const guest = openViewer(server.base, sessionId, friend.token);
    expect((await watcher.waitFor((event) => event.type === "user:join" && event.data.userId === friend.userId)).data).toEqual({ userId: friend.userId, name: "grace" });
    guest.close();
    await watcher.waitFor((event) => event.type === "user:leave" && event.data.userId === friend.userId);
    watcher.close();
  });

  it("custom plugin events reach the other members", async () => {
    const a = openViewer(server.base, sessionId, owner.token);
    const b = openViewer(server.base, sessionId, owner.token);
    await Promise.all([a.opened, b.opened]);
    a.send({ type: "plugin:poll:vote", data: { choice: "yes" }, ts: Date.now() });
    const got = await b.waitFor((event) => event.type === "plugin:poll:vote");
    expect(got.data).toEqual({ choice: "yes" });
    a.close();
    b.close();
  });

  it("when the host leaves, its shells are marked closed and viewers get shell:exit; when it returns they run again", async () => {
    const viewer = openViewer(server.base, sessionId, owner.token);
    await viewer.opened;
    const statusInRelay = () =>
      server.server.services.relay.read(`sessions/${sessionId}` as never, (doc) => (doc.getMap("shells").get(shellId) as { status?: string }).status);
    host.provider.disconnect();
    await viewer.waitFor((event) => event.type === "shell:exit" && event.data.shellId === shellId);
    expect(await statusInRelay()).toBe("closed");
    host.provider.connect();
    await viewer.waitFor((event) => event.type === "shell:open" && event.data.shellId === shellId);
    let status: string | undefined;
    await until(() => {
      void statusInRelay().then((value) => (status = value));
      return status === "running";
    }, 5000, "running again");
    viewer.send({ type: "shell:input", data: { shellId, data: "echo back-$((5*5))\r" }, ts: Date.now() });
    await until(() => viewer.output(shellId).includes("back-25"), 8000, "output after the host returned");
    viewer.close();
  });
});
